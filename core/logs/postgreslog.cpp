// SPDX-License-Identifier: GPL-3.0-or-later
#include "postgreslog.h"

#include "logparse.h"

#include <QHash>

namespace Opsdeck {

namespace {

struct Escape
{
    const char *field; // "" for the time
    const char *pattern;
};

// Patterns as PostgreSQL writes each escape (src/backend/utils/error/elog.c, log_line_prefix).
const QHash<QChar, Escape> &escapes()
{
    static const QHash<QChar, Escape> table{
        {QLatin1Char('m'), {"", R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}(?: [A-Za-z0-9+:-]+)?)"}},
        {QLatin1Char('t'), {"", R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: [A-Za-z0-9+:-]+)?)"}},
        {QLatin1Char('n'), {"", R"(\d+\.\d{3})"}},
        {QLatin1Char('p'), {"pid", R"(\d+)"}},
        {QLatin1Char('u'), {"user", R"([^\s@]*?)"}},
        {QLatin1Char('d'), {"database", R"([^\s@]*?)"}},
        {QLatin1Char('a'), {"application", R"(.*?)"}},
        {QLatin1Char('h'), {"client", R"(\S*?)"}},
        {QLatin1Char('r'), {"client", R"(\S*?)"}},
        {QLatin1Char('e'), {"sqlstate", R"([0-9A-Z]{5})"}},
        {QLatin1Char('c'), {"session", R"([0-9a-f]+\.[0-9a-f]+)"}},
        {QLatin1Char('l'), {"line", R"(\d+)"}},
        {QLatin1Char('x'), {"xid", R"(\d+)"}},
        {QLatin1Char('v'), {"vxid", R"(\S*?)"}},
        {QLatin1Char('b'), {"backend", R"(.*?)"}},
        {QLatin1Char('i'), {"command", R"(.*?)"}},
        {QLatin1Char('s'), {"session_start", R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?: \S+)?)"}},
        {QLatin1Char('Q'), {"query_id", R"(-?\d+)"}},
        {QLatin1Char('P'), {"leader_pid", R"(\d*)"}},
    };
    return table;
}

const QStringList kContinuations = {QStringLiteral("DETAIL"),    QStringLiteral("HINT"),
                                    QStringLiteral("STATEMENT"), QStringLiteral("CONTEXT"),
                                    QStringLiteral("QUERY"),     QStringLiteral("LOCATION")};

std::optional<LogLevel> severityLevel(const QString &word)
{
    if (word == QLatin1String("LOG") || word == QLatin1String("INFO"))
        return LogLevel::Info;
    if (word == QLatin1String("NOTICE"))
        return LogLevel::Notice;
    if (word == QLatin1String("WARNING"))
        return LogLevel::Warning;
    if (word == QLatin1String("ERROR"))
        return LogLevel::Error;
    if (word == QLatin1String("FATAL") || word == QLatin1String("PANIC"))
        return LogLevel::Critical;
    if (word.startsWith(QLatin1String("DEBUG")))
        return LogLevel::Debug;
    return std::nullopt;
}

/** "2026-12-07 01:02:03.456 UTC" (or CET, +01): what LogTime reads, with a named UTC zone. */
std::optional<qint64> prefixTime(QString text)
{
    if (!text.contains(QLatin1Char('-')) || text.size() < 19) // %n: seconds since the epoch
        return text.isEmpty() ? std::nullopt
                              : std::optional<qint64>(qint64(text.toDouble() * 1000));
    for (const char *utc : {" UTC", " GMT"})
        if (text.endsWith(QLatin1String(utc)))
            text.chop(4);
    const QByteArray bytes = text.toLatin1();
    qsizetype end = 0;
    const std::optional<qint64> time = LogTime::parseIso(bytes.constData(), bytes.size(), &end);
    // A zone named otherwise (CET, EST…) is ambiguous; the time is read as UTC and the skew
    // estimate shows the difference.
    return time;
}

} // namespace

std::optional<PostgresLogPrefix> PostgresLogPrefix::compile(const QString &prefix, QString *error)
{
    PostgresLogPrefix compiled;
    QString pattern = QStringLiteral("^");
    int optionalGroups = 0;
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        const QChar c = prefix.at(i);
        if (c != QLatin1Char('%') || i + 1 >= prefix.size()) {
            pattern += QRegularExpression::escape(QString(c));
            continue;
        }
        ++i;
        while (i < prefix.size() && (prefix.at(i) == QLatin1Char('-') || prefix.at(i).isDigit()))
            ++i; // padding (%-10u): the value is followed or led by spaces
        const QChar escape = i < prefix.size() ? prefix.at(i) : QChar();
        if (escape == QLatin1Char('%')) {
            pattern += QLatin1Char('%');
        } else if (escape == QLatin1Char('q')) {
            pattern += QStringLiteral("(?:"); // the rest only for session processes
            ++optionalGroups;
        } else if (const auto it = escapes().constFind(escape); it != escapes().cend()) {
            pattern += QStringLiteral(" *(") + QLatin1String(it->pattern) + QStringLiteral(") *");
            compiled.m_fieldNames << QLatin1String(it->field);
        } else {
            if (error)
                *error = QStringLiteral("log_line_prefix: %%1 is not an escape PostgreSQL knows")
                             .arg(escape);
            return std::nullopt;
        }
    }
    for (int g = 0; g < optionalGroups; ++g)
        pattern += QStringLiteral(")?");
    pattern += QStringLiteral(R"(([A-Z][A-Z0-9]*):  (.*)$)");
    compiled.m_regex.setPattern(pattern);
    if (!compiled.m_regex.isValid()) {
        if (error)
            *error = compiled.m_regex.errorString();
        return std::nullopt;
    }
    compiled.m_regex.optimize();
    return compiled;
}

bool PostgresLogPrefix::parse(const QString &line, LogEntry &entry, bool *continuesPrevious) const
{
    const QRegularExpressionMatch match = m_regex.match(line);
    if (!match.hasMatch())
        return false;
    const int severityGroup = int(m_fieldNames.size()) + 1;
    const QString severity = match.captured(severityGroup);
    const std::optional<LogLevel> level = severityLevel(severity);
    const bool continuation = kContinuations.contains(severity);
    if (!level && !continuation)
        return false;
    for (int i = 0; i < m_fieldNames.size(); ++i) {
        const QString value = match.captured(i + 1);
        if (m_fieldNames.at(i).isEmpty()) {
            if (const std::optional<qint64> time = prefixTime(value))
                entry.timeMs = *time;
        } else if (!value.isEmpty() && value != QLatin1String("[unknown]")) {
            entry.fields.append({m_fieldNames.at(i), value});
        }
    }
    entry.level = level.value_or(LogLevel::Unknown);
    entry.message = continuation
                        ? severity + QStringLiteral(":  ") + match.captured(severityGroup + 1)
                        : match.captured(severityGroup + 1);
    if (!continuation && severity != QLatin1String("LOG"))
        entry.fields.append({QStringLiteral("severity"), severity});
    if (continuesPrevious)
        *continuesPrevious = continuation;
    return true;
}

} // namespace Opsdeck
