// SPDX-License-Identifier: GPL-3.0-or-later
#include "logparse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil): the
// hot path of reading a million lines cannot afford a QDateTime per line.
qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return qint64(era) * 146097 + doe - 719468;
}

bool digits(const char *t, qsizetype len, qsizetype at, int count, int *value)
{
    if (at + count > len)
        return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
        const char c = t[at + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *value = v;
    return true;
}

qint64 epochMs(int y, int mo, int d, int h, int mi, int s, int ms)
{
    return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60'000 + qint64(s) * 1000 + ms;
}

// "+01:00", "+0100", "+01", "Z" at `at`; the offset in minutes, `at` moved past it.
bool zoneOffset(const char *t, qsizetype len, qsizetype *at, int *minutes)
{
    if (*at < len && t[*at] == 'Z') {
        ++*at;
        *minutes = 0;
        return true;
    }
    if (*at >= len || (t[*at] != '+' && t[*at] != '-'))
        return false;
    const int sign = t[*at] == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    qsizetype p = *at + 1;
    if (!digits(t, len, p, 2, &hh))
        return false;
    p += 2;
    if (p < len && t[p] == ':')
        ++p;
    if (digits(t, len, p, 2, &mm))
        p += 2;
    *at = p;
    *minutes = sign * (hh * 60 + mm);
    return true;
}

const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

LogLevel levelFromStatus(int status)
{
    return status >= 500 ? LogLevel::Error : status >= 400 ? LogLevel::Warning : LogLevel::Info;
}

// An upper- or lower-case level word at `at` (DEBUG, INFO, WARNING, ERROR, CRITICAL, …).
std::optional<LogLevel> levelWord(const char *t, qsizetype len, qsizetype at, qsizetype *end)
{
    qsizetype p = at;
    while (p < len && ((t[p] >= 'A' && t[p] <= 'Z') || (t[p] >= 'a' && t[p] <= 'z')))
        ++p;
    if (p == at || p - at > 8)
        return std::nullopt;
    std::optional<LogLevel> level = logLevelFromName(QString::fromLatin1(t + at, p - at).toLower());
    if (level)
        *end = p;
    return level;
}

QString jsonText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isArray()) { // the journal sends non-UTF-8 or binary fields as byte arrays
        QByteArray bytes;
        for (const QJsonValue &b : v.toArray())
            bytes.append(char(b.toInt()));
        return QString::fromUtf8(bytes);
    }
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
}

} // namespace

namespace LogTime {

std::optional<qint64> parseIso(const char *t, qsizetype len, qsizetype *end)
{
    int y, mo, d, h, mi, s;
    if (!digits(t, len, 0, 4, &y) || len < 19 || t[4] != '-' || !digits(t, len, 5, 2, &mo) ||
        t[7] != '-' || !digits(t, len, 8, 2, &d) || (t[10] != 'T' && t[10] != ' ') ||
        !digits(t, len, 11, 2, &h) || t[13] != ':' || !digits(t, len, 14, 2, &mi) || t[16] != ':' ||
        !digits(t, len, 17, 2, &s))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    qsizetype p = 19;
    int ms = 0;
    if (p < len && (t[p] == '.' || t[p] == ',')) {
        ++p;
        int scale = 100;
        while (p < len && t[p] >= '0' && t[p] <= '9') {
            ms += (t[p] - '0') * scale;
            scale /= 10;
            ++p;
        }
    }
    int offset = 0;
    qsizetype zoneAt = p < len && t[p] == ' ' ? p + 1 : p;
    if (zoneOffset(t, len, &zoneAt, &offset))
        p = zoneAt;
    if (end)
        *end = p;
    return epochMs(y, mo, d, h, mi, s, ms) - qint64(offset) * 60'000;
}

std::optional<qint64> parseAccess(const char *t, qsizetype len)
{
    int d, y, h, mi, s;
    if (len < 20 || !digits(t, len, 0, 2, &d) || t[2] != '/' || t[6] != '/' ||
        !digits(t, len, 7, 4, &y) || t[11] != ':' || !digits(t, len, 12, 2, &h) ||
        !digits(t, len, 15, 2, &mi) || !digits(t, len, 18, 2, &s))
        return std::nullopt;
    int mo = 0;
    for (int i = 0; i < 12; ++i)
        if (qstrncmp(t + 3, kMonths[i], 3) == 0)
            mo = i + 1;
    if (!mo)
        return std::nullopt;
    qsizetype p = 20;
    int offset = 0;
    if (p < len && t[p] == ' ')
        ++p;
    zoneOffset(t, len, &p, &offset);
    return epochMs(y, mo, d, h, mi, s, 0) - qint64(offset) * 60'000;
}

} // namespace LogTime

LogLineParser::LogLineParser(QString format, const QString &postgresPrefix)
    : m_format(std::move(format))
{
    if (m_format == QLatin1String("postgres"))
        m_postgres = PostgresLogPrefix::compile(
            postgresPrefix.isEmpty() ? PostgresLogPrefix::defaultPrefix() : postgresPrefix);
}

LogEntry LogLineParser::parse(const QByteArray &line, qint64 receivedMs)
{
    LogEntry e;
    if (m_format == QLatin1String("journal"))
        e = parseJournal(line);
    else if (m_format == QLatin1String("docker"))
        e = parseDocker(line);
    else if (m_postgres)
        e = parsePostgres(line);
    else if (m_format == QLatin1String("json") ||
             (m_format == QLatin1String("auto") && line.startsWith('{')))
        e = parseJson(line);
    else if (m_format != QLatin1String("text"))
        e = parseAuto(line);
    if (e.message.isNull())
        e.message = QString::fromUtf8(line);
    if (e.timeMs) {
        m_lastTimeMs = e.timeMs;
        m_lastLevel = e.level;
    } else {
        // A traceback or a wrapped line belongs to the entry before it.
        e.timeMs = m_lastTimeMs ? m_lastTimeMs : receivedMs;
        e.timeGuessed = true;
        if (e.level == LogLevel::Unknown)
            e.level = m_lastLevel;
    }
    return e;
}

// Python logging / gunicorn error log / docker timestamps, else a combined access log, else text.
LogEntry LogLineParser::parseAuto(const QByteArray &line)
{
    LogEntry e;
    const char *t = line.constData();
    const qsizetype len = line.size();
    const qsizetype start = len > 0 && t[0] == '[' ? 1 : 0;
    qsizetype end = 0;
    if (m_format != QLatin1String("access")) {
        if (std::optional<qint64> time = LogTime::parseIso(t + start, len - start, &end)) {
            e.timeMs = *time;
            qsizetype p = start + end;
            if (start && p < len && t[p] == ']')
                ++p;
            while (p < len && t[p] == ' ')
                ++p;
            if (p < len && t[p] == '[') { // [pid]
                qsizetype q = p + 1;
                while (q < len && t[q] >= '0' && t[q] <= '9')
                    ++q;
                if (q < len && t[q] == ']' && q > p + 1) {
                    e.fields.append(
                        {QStringLiteral("pid"), QString::fromLatin1(t + p + 1, q - p - 1)});
                    p = q + 1;
                    while (p < len && t[p] == ' ')
                        ++p;
                }
            }
            const bool bracketed = p < len && t[p] == '[';
            qsizetype levelEnd = 0;
            if (std::optional<LogLevel> level =
                    levelWord(t, len, p + (bracketed ? 1 : 0), &levelEnd)) {
                e.level = *level;
                p = levelEnd + (bracketed && levelEnd < len && t[levelEnd] == ']' ? 1 : 0);
                if (p < len && t[p] == ':')
                    ++p;
                while (p < len && t[p] == ' ')
                    ++p;
            }
            e.message = QString::fromUtf8(t + p, len - p);
            return e;
        }
    }
    // host ident user [06/Dec/2026:07:01:02 +0000] "GET / HTTP/1.1" 200 1234 "ref" "agent"
    const qsizetype open = line.indexOf(" [");
    const qsizetype close = open >= 0 ? line.indexOf("] \"", open) : -1;
    if (close < 0)
        return e;
    const std::optional<qint64> time = LogTime::parseAccess(t + open + 2, close - open - 2);
    if (!time)
        return e;
    e.timeMs = *time;
    const qsizetype requestEnd = line.indexOf("\" ", close + 3);
    if (requestEnd < 0)
        return e;
    int status = 0;
    digits(t, len, requestEnd + 2, 3, &status);
    e.level = levelFromStatus(status);
    e.isAccessLine = true;
    return e;
}

// A DETAIL, HINT or STATEMENT line takes the level of the message it explains; a line that does
// not start with the prefix (a statement's next lines, tab-indented) is the previous entry's.
LogEntry LogLineParser::parsePostgres(const QByteArray &line)
{
    LogEntry e;
    bool continuation = false;
    if (m_postgres->parse(QString::fromUtf8(line), e, &continuation) && continuation)
        e.level = m_lastLevel;
    return e;
}

// "2026-12-06T07:00:00.123456789Z <the container's line>": the engine's time, and the line's
// own level and fields (an access line, gunicorn's error log) read as any line is.
LogEntry LogLineParser::parseDocker(const QByteArray &line)
{
    qsizetype end = 0;
    const std::optional<qint64> time = LogTime::parseIso(line.constData(), line.size(), &end);
    if (!time)
        return parseAuto(line);
    const QByteArray rest = line.mid(end < line.size() && line.at(end) == ' ' ? end + 1 : end);
    LogEntry e = rest.startsWith('{') ? parseJson(rest) : parseAuto(rest);
    if (e.message.isNull())
        e.message = QString::fromUtf8(rest);
    e.timeMs = *time;
    return e;
}

LogEntry LogLineParser::parseJournal(const QByteArray &line)
{
    LogEntry e;
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    if (o.isEmpty())
        return e;
    e.timeMs = o.value(QLatin1String("__REALTIME_TIMESTAMP")).toString().toLongLong() / 1000;
    e.message = jsonText(o.value(QLatin1String("MESSAGE")));
    const QJsonValue priority = o.value(QLatin1String("PRIORITY"));
    e.level =
        priority.isUndefined() ? LogLevel::Info : logLevelFromPriority(jsonText(priority).toInt());
    m_cursor = o.value(QLatin1String("__CURSOR")).toString();
    static const QStringList kShown = {QStringLiteral("_SYSTEMD_UNIT"), QStringLiteral("_PID"),
                                       QStringLiteral("_COMM")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString key = it.key();
        if (key == QLatin1String("MESSAGE") || key.startsWith(QLatin1String("__")) ||
            (key.startsWith(QLatin1Char('_')) && !kShown.contains(key)))
            continue;
        QString name = key.startsWith(QLatin1Char('_')) ? key.mid(1) : key;
        if (name == QLatin1String("SYSTEMD_UNIT"))
            name = QStringLiteral("unit");
        e.fields.append({name, jsonText(it.value())});
    }
    e.fields.append({QStringLiteral("priority"), jsonText(priority)});
    return e;
}

LogEntry LogLineParser::parseJson(const QByteArray &line)
{
    LogEntry e;
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    if (o.isEmpty())
        return e;
    static const QStringList kTimeKeys = {QStringLiteral("time"), QStringLiteral("timestamp"),
                                          QStringLiteral("ts"), QStringLiteral("@timestamp"),
                                          QStringLiteral("asctime")};
    static const QStringList kLevelKeys = {QStringLiteral("level"), QStringLiteral("severity"),
                                           QStringLiteral("levelname"), QStringLiteral("lvl")};
    static const QStringList kMessageKeys = {QStringLiteral("msg"), QStringLiteral("message"),
                                             QStringLiteral("event")};
    QString timeKey, levelKey, messageKey;
    for (const QString &k : kTimeKeys)
        if (timeKey.isEmpty() && o.contains(k))
            timeKey = k;
    for (const QString &k : kLevelKeys)
        if (levelKey.isEmpty() && o.contains(k))
            levelKey = k;
    for (const QString &k : kMessageKeys)
        if (messageKey.isEmpty() && o.contains(k))
            messageKey = k;
    if (!timeKey.isEmpty()) {
        const QJsonValue v = o.value(timeKey);
        if (v.isDouble()) // seconds, or ms when it is too big to be seconds
            e.timeMs = v.toDouble() > 1e11 ? qint64(v.toDouble()) : qint64(v.toDouble() * 1000);
        else {
            const QByteArray text = v.toString().toUtf8();
            e.timeMs = LogTime::parseIso(text.constData(), text.size()).value_or(0);
        }
    }
    if (!levelKey.isEmpty())
        e.level =
            logLevelFromName(jsonText(o.value(levelKey)).toLower()).value_or(LogLevel::Unknown);
    e.message = messageKey.isEmpty() ? QString::fromUtf8(line) : jsonText(o.value(messageKey));
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key() != timeKey && it.key() != levelKey && it.key() != messageKey)
            e.fields.append({it.key(), jsonText(it.value())});
    return e;
}

QList<std::pair<QString, QString>> LogEntry::allFields() const
{
    if (!isAccessLine)
        return fields;
    // host ident user [time] "METHOD PATH PROTOCOL" STATUS BYTES …
    QList<std::pair<QString, QString>> parsed = fields;
    const qsizetype quote = message.indexOf(QLatin1Char('"'));
    const qsizetype requestEnd = quote >= 0 ? message.indexOf(QLatin1String("\" "), quote + 1) : -1;
    if (requestEnd < 0)
        return parsed;
    const QStringList request =
        message.mid(quote + 1, requestEnd - quote - 1).split(QLatin1Char(' '));
    parsed.append({QStringLiteral("client"), message.section(QLatin1Char(' '), 0, 0)});
    parsed.append({QStringLiteral("method"), request.value(0)});
    parsed.append({QStringLiteral("path"), request.value(1)});
    parsed.append({QStringLiteral("status"), message.mid(requestEnd + 2, 3)});
    return parsed;
}

QString LogEntry::field(const QString &name) const
{
    for (const auto &f : allFields())
        if (f.first == name)
            return f.second;
    return {};
}

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("debug");
    case LogLevel::Info:
        return QStringLiteral("info");
    case LogLevel::Notice:
        return QStringLiteral("notice");
    case LogLevel::Warning:
        return QStringLiteral("warning");
    case LogLevel::Error:
        return QStringLiteral("error");
    case LogLevel::Critical:
        return QStringLiteral("critical");
    case LogLevel::Unknown:
        break;
    }
    return {};
}

std::optional<LogLevel> logLevelFromName(const QString &name)
{
    bool isNumber = false;
    const int number = name.toInt(&isNumber);
    if (isNumber)
        return number >= 0 && number <= 7 ? std::optional(logLevelFromPriority(number))
                                          : std::nullopt;
    static const QHash<QString, LogLevel> kNames = {
        {QStringLiteral("debug"), LogLevel::Debug},
        {QStringLiteral("trace"), LogLevel::Debug},
        {QStringLiteral("info"), LogLevel::Info},
        {QStringLiteral("notice"), LogLevel::Notice},
        {QStringLiteral("warning"), LogLevel::Warning},
        {QStringLiteral("warn"), LogLevel::Warning},
        {QStringLiteral("error"), LogLevel::Error},
        {QStringLiteral("err"), LogLevel::Error},
        {QStringLiteral("critical"), LogLevel::Critical},
        {QStringLiteral("crit"), LogLevel::Critical},
        {QStringLiteral("fatal"), LogLevel::Critical},
        {QStringLiteral("alert"), LogLevel::Critical},
        {QStringLiteral("emerg"), LogLevel::Critical}};
    const auto it = kNames.find(name);
    return it == kNames.end() ? std::nullopt : std::optional(*it);
}

LogLevel logLevelFromPriority(int priority)
{
    if (priority <= 2)
        return LogLevel::Critical;
    static const LogLevel kLevels[] = {LogLevel::Error, LogLevel::Warning, LogLevel::Notice,
                                       LogLevel::Info, LogLevel::Debug};
    return kLevels[qBound(3, priority, 7) - 3];
}

int syslogPriorityOf(LogLevel level)
{
    switch (level) {
    case LogLevel::Critical:
        return 2;
    case LogLevel::Error:
        return 3;
    case LogLevel::Warning:
        return 4;
    case LogLevel::Notice:
        return 5;
    case LogLevel::Info:
        return 6;
    case LogLevel::Debug:
    case LogLevel::Unknown:
        break;
    }
    return 7;
}

} // namespace Opsdeck
