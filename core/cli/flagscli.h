// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"
#include "environmentsession.h"
#include "flags/flagsbackend.h"

#include <QEventLoop>

#include <functional>
#include <optional>

namespace Opsdeck::FlagsCli {

struct OpenedFlags
{
    std::unique_ptr<EnvironmentSession> session;
    FlagsBackend *backend = nullptr; // the session's context owns it
};

Result<OpenedFlags> openFlags(CliContext &ctx, const QString &environment);
Result<QList<FlagState>> readFlags(FlagsBackend &backend);
Result<QList<FlagState>> readFlags(CliContext &ctx, const QString &environment);

/** on, off, set, create, delete, rules and kill: every write the Feature flags pane can do. */
int runWrite(CliContext &ctx, const QString &verb, QStringList args);

} // namespace Opsdeck::FlagsCli
