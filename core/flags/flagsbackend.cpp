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
                                                           SshPool *pool, DatabaseSession *database)
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
    if (!environment.database || !database)
        return R::failure(QStringLiteral("%1: flags in the database need a database: block")
                              .arg(environment.name));
    return R(
        std::make_unique<SqlFlagsBackend>(std::move(spec.value()), environment, pool, database));
}

ActionRequest flagEditRequest(const QString &workspace, const EnvironmentSpec &environment,
                              const FlagEdit &edit)
{
    ActionRequest r;
    r.kind = edit.op == FlagEdit::Op::Create   ? ActionKind::FlagCreate
             : edit.op == FlagEdit::Op::Delete ? ActionKind::FlagDelete
                                               : ActionKind::FlagSet;
    r.workspace = workspace;
    r.environment = environment.name;
    r.isProtected = environment.isProtected;
    const FlagState &f = edit.subject();
    r.target = kindName(f.kind) + QLatin1Char(' ') + f.name;
    r.before = edit.beforeText();
    r.after = edit.afterText();
    return r;
}

} // namespace Opsdeck
