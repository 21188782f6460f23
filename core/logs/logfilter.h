// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "logentry.h"

#include <QRegularExpression>
#include <QStringList>

namespace Opsdeck {

/**
 * The Logs pane's search, typed the way Kibana's and k9s' users type it: words (each must
 * appear, any case), `-word` (must not), `/regex/`, and `key=value` — `host=web1`,
 * `source=access.log`, `level=warning` (that level or worse), or any field (`status=500`,
 * `unit=app.service`). Immutable; safe to use from a worker thread.
 */
class LogFilter final
{
public:
    LogFilter() = default;
    /** An unreadable regex or level is an error naming it. */
    static Result<LogFilter> parse(const QString &text);

    bool isEmpty() const;
    bool matches(const LogEntry &entry) const;
    /**
     * A pattern the hosts can grep for (case-insensitively) that keeps every line this filter
     * keeps: the regex, else the first word escaped; empty when nothing narrows on the hosts.
     */
    QString hostPattern() const;
    LogLevel minLevel() const { return m_minLevel; }
    QStringList hosts() const { return m_hosts; }
    QStringList sources() const { return m_sources; }

private:
    QStringList m_words;
    QStringList m_excluded;
    QRegularExpression m_regex;
    QList<std::pair<QString, QString>> m_fields;
    QStringList m_hosts;
    QStringList m_sources;
    LogLevel m_minLevel = LogLevel::Unknown;
};

/** `text` with every character special to an extended (or Perl) regular expression escaped. */
QString escapeForGrep(const QString &text);

} // namespace Opsdeck
