// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagsbackend.h"

#include "audit/auditlog.h"
#include "sqlflagsbackend.h"
#include "unleashbackend.h"

#include <QPromise>

namespace Opsdeck {

namespace {

/** A promise the callback of a backend's start…() fulfils; dropped unfulfilled (the backend
 * went first), the future finishes without a value, which reads as an error. */
template<typename T>
std::pair<QFuture<T>, std::function<void(const T &)>> promised()
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    return {promise->future(), [promise](const T &value) {
                promise->addResult(value);
                promise->finish();
            }};
}

} // namespace

QFuture<Result<QList<FlagState>>> FlagsBackend::load()
{
    auto [future, fulfil] = promised<Result<QList<FlagState>>>();
    startLoad(this, fulfil);
    return future;
}

QFuture<FlagWritten> FlagsBackend::apply(const FlagEdit &edit)
{
    auto [future, fulfil] = promised<FlagWritten>();
    startApply(edit, this, [fulfil](const Status &written, const QString &via) {
        fulfil({written, via});
    });
    return future;
}

QFuture<Result<QList<FlagEvent>>> FlagsBackend::events(const QString &flagName)
{
    auto [future, fulfil] = promised<Result<QList<FlagEvent>>>();
    startEvents(flagName, this, fulfil);
    return future;
}

void FlagsBackend::startEvents(const QString &, QObject *, Events done)
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
