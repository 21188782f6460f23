// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "logentry.h"
#include "workspace/workspace.h"

#include <QStringList>

namespace Opsdeck {

/**
 * What to read: a time window, a pattern and a level the hosts filter by before anything is
 * sent (journalctl's own matches, grep -E over files), follow or not. Without a window the
 * newest `lines` of each stream are read, as `tail` and `journalctl -n` do.
 */
struct LogQuery
{
    qint64 sinceMs = 0; // 0: no lower bound
    qint64 untilMs = 0; // 0: no upper bound
    QString grep;       // an extended regular expression (journal: PCRE, on MESSAGE)
    bool grepIgnoreCase = false;
    LogLevel minLevel = LogLevel::Unknown;
    bool follow = false;
    int lines = 200;     // per stream, without sinceMs
    QStringList hosts;   // empty: all of the environment's
    QStringList sources; // empty: all of them

    bool wants(const LogEntry &entry) const
    {
        return entry.isGap ||
               ((minLevel == LogLevel::Unknown || entry.level >= minLevel) &&
                (!sinceMs || entry.timeMs >= sinceMs) && (!untilMs || entry.timeMs <= untilMs));
    }
};

/** One host × source to read, with the shell command that reads it there. */
struct LogStreamPlan
{
    QString host;
    LogSourceSpec source;
    QString command;    // file and journal sources: the shell command run on the host
    QString dockerPath; // docker sources: the engine's logs endpoint (/services/ID/logs)
};

/**
 * The streams a query reads in an environment, or why none (an unknown --host or --source is
 * named with the known ones).
 */
/** The hosts an environment's logs are read on: its own, and those its sources name (the
 * database server's, a bastion). */
QStringList logHosts(const EnvironmentSpec &environment);
/** The name of the environment's PostgreSQL server log source (format: postgres); "" if none. */
QString postgresLogSource(const EnvironmentSpec &environment);

Result<QList<LogStreamPlan>> planLogStreams(const EnvironmentSpec &environment,
                                            const LogQuery &query);

/** The line a followed stream's command prints between the history and the new lines. */
inline QByteArray historyEndMarker()
{
    return QByteArrayLiteral("\x1eopsdeck-history-end");
}

/**
 * The remote command for one file or journal source. It first reports the host's clock
 * ("opsdeck-clock MS" on stderr) and, for files, the bytes it scans ("opsdeck-scanned N");
 * `resumeCursor` continues a followed journal after a reconnect, `resumed` a followed file
 * (new lines only).
 */
QString logCommand(const LogSourceSpec &source, const LogQuery &query,
                   const QString &resumeCursor = {}, bool resumed = false);

/** "10m", "2h", "1d", "30s" before `nowMs`, or an ISO time / "HH:MM" today (UTC); 0 if unreadable.
 */
qint64 parseLogTime(const QString &text, qint64 nowMs);

} // namespace Opsdeck
