// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logentry.h"
#include "workspace/workspace.h"

#include <QObject>

#include <functional>

namespace Opsdeck {

class SshPool;

/**
 * The newest lines of one host's logs (its environment's file and journal sources, merged by
 * time): what a failed health gate shows beside its verdict, so the reason is one look away.
 * `done` is called once, on `context`'s thread, within `timeoutMs` — with what arrived by then,
 * or nothing when the environment names no logs on that host.
 */
void readRecentLogs(SshPool *pool, const EnvironmentSpec &environment, const QString &host,
                    int lines, QObject *context, std::function<void(const QList<LogEntry> &)> done,
                    int timeoutMs = 15'000);

/** "07:01:02 error.log  message" lines for a deploy's live output. */
QByteArray recentLogsText(const QList<LogEntry> &entries);

} // namespace Opsdeck
