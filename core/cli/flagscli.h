// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"
#include "environmentsession.h"
#include "flags/flagsbackend.h"

#include <QEventLoop>

#include <functional>
#include <optional>

namespace Opsdeck::FlagsCli {

/** Runs an event loop until a backend's callback has answered (commands may block). */
template<typename T>
T waitFor(const std::function<void(std::function<void(const T &)>)> &start)
{
    std::optional<T> answer;
    QEventLoop loop;
    start([&](const T &value) {
        answer = value;
        loop.quit();
    });
    if (!answer)
        loop.exec();
    return *answer;
}

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
