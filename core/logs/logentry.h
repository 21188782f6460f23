// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>
#include <utility>

namespace Opsdeck {

/** Severity on syslog's scale, coarsened to what a log view colours and filters by. */
enum class LogLevel : quint8 { Unknown, Debug, Info, Notice, Warning, Error, Critical };

/** "debug" … "critical"; "" for Unknown. */
QString logLevelName(LogLevel level);
/** Accepts the usual spellings (warn, err, crit, fatal, emerg, …) and syslog numbers 0–7. */
std::optional<LogLevel> logLevelFromName(const QString &name);
/** The journal's PRIORITY (0 emerg … 7 debug). */
LogLevel logLevelFromPriority(int priority);
/** The highest syslog priority number that is at least `level` (for journalctl -p). */
int syslogPriorityOf(LogLevel level);

/**
 * One line (or entry) of one source on one host, as parsed. `timeMs` is the line's own time
 * (UTC ms since the epoch); a line without one (a traceback's continuation, plain text) takes
 * the previous line's time, or its arrival time, and says so with `timeGuessed`.
 */
struct LogEntry
{
    qint64 timeMs = 0;
    LogLevel level = LogLevel::Unknown;
    bool timeGuessed = false;
    bool isGap = false;        // a marker: the stream was interrupted and lines may be missing here
    bool isAccessLine = false; // an access log line: its fields are read from the message on demand
    QString host;
    QString source;
    QString message;
    QList<std::pair<QString, QString>> fields; // structured fields (journal, JSON, pid)

    /** The structured fields, with an access line's (client, method, path, status) read from
     * its message: a million access lines do not carry four copies of their parts. */
    QList<std::pair<QString, QString>> allFields() const;
    QString field(const QString &name) const;
};

} // namespace Opsdeck

// Every member moves by memcpy: a list of a million entries grows by realloc, not entry by entry.
Q_DECLARE_TYPEINFO(Opsdeck::LogEntry, Q_RELOCATABLE_TYPE);
