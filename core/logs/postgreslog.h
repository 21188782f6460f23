// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logentry.h"

#include <QRegularExpression>
#include <QStringList>

namespace Opsdeck {

/**
 * PostgreSQL's server log read with the server's own `log_line_prefix`: each escape becomes a
 * field (`%p` pid, `%u` user, `%d` database, `%a` application, `%h`/`%r` client, `%e` SQL state,
 * `%c` session, `%l` line, `%x`/`%v` transaction, `%b` backend type, `%i` command tag), `%m`/
 * `%t`/`%n` the time, and the word after the prefix (LOG, ERROR, FATAL, DETAIL, …) the level —
 * so Database health can show one backend's lines (`pid=1234`). DETAIL, HINT, STATEMENT, CONTEXT
 * and QUERY lines belong to the message before them and take its level.
 */
class PostgresLogPrefix final
{
public:
    /** Debian's default (postgresql-common): time with ms, pid, and user@database for sessions. */
    static QString defaultPrefix() { return QStringLiteral("%m [%p] %q%u@%d "); }

    /** An escape PostgreSQL does not know is an error naming it. */
    static std::optional<PostgresLogPrefix> compile(const QString &prefix,
                                                    QString *error = nullptr);

    /**
     * Fills `entry` (time, level, fields, message) from one line; false when the line does not
     * start with the prefix (a statement's continuation lines, which start with a tab).
     * `continuesPrevious` says the line is a DETAIL/HINT/… of the message before it.
     */
    bool parse(const QString &line, LogEntry &entry, bool *continuesPrevious = nullptr) const;

private:
    QRegularExpression m_regex;
    QStringList m_fieldNames; // one per capture group after the whole match; "" = the time
};

} // namespace Opsdeck
