// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logentry.h"
#include "postgreslog.h"

#include <QByteArray>

#include <optional>

namespace Opsdeck {

/**
 * Turns one source's lines into entries. Formats: `journal` (journalctl -o json), `access`
 * (combined/gunicorn access log), `python` (Python logging and gunicorn's error log: a time, an
 * optional [pid], a level), `json` (one object per line: time/ts/@timestamp, level/severity,
 * msg/message), `docker` (the engine's `timestamps=1` prefix), `postgres` (the server log, read
 * with its log_line_prefix) and `text`; `auto` picks per line.
 * A line that does not parse is kept as text, never dropped. Stateful: a line without a time
 * (a traceback) continues the previous entry's time and level.
 */
class LogLineParser final
{
public:
    /** `postgresPrefix`: the log_line_prefix of a `postgres` source (Debian's when empty). */
    explicit LogLineParser(QString format = QStringLiteral("auto"),
                           const QString &postgresPrefix = QString());

    /** `receivedMs` stands in for the time of the first lines that carry none. */
    LogEntry parse(const QByteArray &line, qint64 receivedMs);
    /** The journal's cursor of the last entry parsed (to resume after a reconnect). */
    QString lastCursor() const { return m_cursor; }

private:
    LogEntry parseAuto(const QByteArray &line);
    LogEntry parseJournal(const QByteArray &line);
    LogEntry parseDocker(const QByteArray &line);
    LogEntry parseJson(const QByteArray &line);
    LogEntry parsePostgres(const QByteArray &line);

    QString m_format;
    std::optional<PostgresLogPrefix> m_postgres;
    QString m_cursor;
    qint64 m_lastTimeMs = 0;
    LogLevel m_lastLevel = LogLevel::Unknown;
};

/** Parses the time formats logs use, to UTC ms since the epoch; exposed for tests. */
namespace LogTime {
/** "2026-12-06 07:00:00,123", "2026-12-06T07:00:00.123456Z", "…+01:00", "… +0000". On success
 * `end` is the index after the time (and zone). No zone means UTC. */
std::optional<qint64> parseIso(const char *text, qsizetype length, qsizetype *end = nullptr);
/** "06/Dec/2026:07:01:02 +0000" (access logs). */
std::optional<qint64> parseAccess(const char *text, qsizetype length);
} // namespace LogTime

} // namespace Opsdeck
