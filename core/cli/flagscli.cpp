// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagscli.h"

namespace Opsdeck::FlagsCli {

Result<OpenedFlags> openFlags(CliContext &ctx, const QString &environment)
{
    using R = Result<OpenedFlags>;
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session)
        return R::failure(session.errorString());
    const Result<FlagsBackend *> backend = (*session)->context().flagsBackend();
    if (!backend)
        return R::failure(backend.errorString());
    return R(OpenedFlags{std::move(session.value()), backend.value()});
}

Result<QList<FlagState>> readFlags(FlagsBackend &backend)
{
    return EnvironmentSession::wait(backend.load());
}

Result<QList<FlagState>> readFlags(CliContext &ctx, const QString &environment)
{
    Result<OpenedFlags> opened = openFlags(ctx, environment);
    if (!opened)
        return Result<QList<FlagState>>::failure(opened.errorString());
    return readFlags(*opened.value().backend);
}

} // namespace Opsdeck::FlagsCli
