// SPDX-License-Identifier: GPL-3.0-or-later
#include "logfilter.h"

namespace Opsdeck {

Result<LogFilter> LogFilter::parse(const QString &text)
{
    LogFilter f;
    const QStringList tokens = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &token : tokens) {
        if (token.size() > 2 && token.startsWith(QLatin1Char('/')) &&
            token.endsWith(QLatin1Char('/'))) {
            f.m_regex = QRegularExpression(token.mid(1, token.size() - 2),
                                           QRegularExpression::CaseInsensitiveOption);
            if (!f.m_regex.isValid())
                return Result<LogFilter>::failure(
                    QStringLiteral("%1: %2").arg(token, f.m_regex.errorString()));
            continue;
        }
        const qsizetype eq = token.indexOf(QLatin1Char('='));
        if (eq > 0 && eq < token.size() - 1) {
            const QString key = token.left(eq).toLower();
            const QString value = token.mid(eq + 1);
            if (key == QLatin1String("level")) {
                const std::optional<LogLevel> level = logLevelFromName(value.toLower());
                if (!level)
                    return Result<LogFilter>::failure(
                        QStringLiteral(
                            "level=%1: use debug, info, notice, warning, error or critical")
                            .arg(value));
                f.m_minLevel = *level;
            } else if (key == QLatin1String("host")) {
                f.m_hosts << value;
            } else if (key == QLatin1String("source")) {
                f.m_sources << value;
            } else {
                f.m_fields.append({token.left(eq), value});
            }
            continue;
        }
        if (token.size() > 1 && token.startsWith(QLatin1Char('-')))
            f.m_excluded << token.mid(1);
        else
            f.m_words << token;
    }
    return f;
}

bool LogFilter::isEmpty() const
{
    return m_words.isEmpty() && m_excluded.isEmpty() && m_regex.pattern().isEmpty() &&
           m_fields.isEmpty() && m_hosts.isEmpty() && m_sources.isEmpty() &&
           m_minLevel == LogLevel::Unknown;
}

bool LogFilter::matches(const LogEntry &e) const
{
    if (e.isGap) // a gap is context for whatever is shown around it
        return m_hosts.isEmpty() || m_hosts.contains(e.host);
    if (m_minLevel != LogLevel::Unknown && e.level < m_minLevel)
        return false;
    if (!m_hosts.isEmpty() && !m_hosts.contains(e.host))
        return false;
    if (!m_sources.isEmpty() && !m_sources.contains(e.source))
        return false;
    for (const QString &w : m_words)
        if (!e.message.contains(w, Qt::CaseInsensitive))
            return false;
    for (const QString &w : m_excluded)
        if (e.message.contains(w, Qt::CaseInsensitive))
            return false;
    if (!m_regex.pattern().isEmpty() && !m_regex.match(e.message).hasMatch())
        return false;
    for (const auto &[key, value] : m_fields)
        if (e.field(key).compare(value, Qt::CaseInsensitive) != 0)
            return false;
    return true;
}

QString LogFilter::hostPattern() const
{
    if (!m_regex.pattern().isEmpty())
        return m_regex.pattern();
    return m_words.isEmpty() ? QString() : escapeForGrep(m_words.first());
}

QString escapeForGrep(const QString &text)
{
    static const QString kSpecial = QStringLiteral("\\.[]()*+?{}|^$");
    QString escaped;
    for (const QChar c : text) {
        if (kSpecial.contains(c))
            escaped += QLatin1Char('\\');
        escaped += c;
    }
    return escaped;
}

} // namespace Opsdeck
