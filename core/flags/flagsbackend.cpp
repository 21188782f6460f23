// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagsbackend.h"

#include "audit/auditlog.h"
#include "sqlflagsbackend.h"
#include "unleashbackend.h"

namespace Opsdeck {

void FlagsBackend::events(const QString &, QObject *, Events done)
{
    done(QList<FlagEvent>{});
}

Result<std::unique_ptr<FlagsBackend>> FlagsBackend::create(const EnvironmentSpec &environment,
                                                           SshPool *pool)
{
    using R = Result<std::unique_ptr<FlagsBackend>>;
    if (environment.flags.isEmpty())
        return R::failure(
            QStringLiteral("%1 has no flags: block in the workspace").arg(environment.name));
    Result<FlagsSpec> spec = FlagsSpec::fromWorkspace(environment.flags, environment.name);
    if (!spec)
        return R::failure(spec.errorString());
    if (spec->isUnleash())
        return R(std::make_unique<UnleashBackend>(std::move(spec.value())));
    if (!environment.database)
        return R::failure(QStringLiteral("%1: flags in the database need a database: block")
                              .arg(environment.name));
    return R(std::make_unique<SqlFlagsBackend>(std::move(spec.value()), environment, pool));
}

Status auditFlagEdit(AuditLog &audit, const QString &workspace, const QString &environment,
                     const FlagEdit &edit, const QString &comment, const Status &written)
{
    const QString action = edit.op == FlagEdit::Op::Create   ? QStringLiteral("flag.create")
                           : edit.op == FlagEdit::Op::Delete ? QStringLiteral("flag.delete")
                                                             : QStringLiteral("flag.set");
    const FlagState &f = edit.subject();
    return audit.record(
        {QDateTime::currentDateTimeUtc(), AuditLog::currentUser(), workspace, environment, action,
         kindName(f.kind) + QLatin1Char(' ') + f.name, edit.beforeText(), edit.afterText(), comment,
         written ? QStringLiteral("done") : QStringLiteral("failed: ") + written.errorString()});
}

} // namespace Opsdeck
