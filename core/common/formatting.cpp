// SPDX-License-Identifier: GPL-3.0-or-later
#include "formatting.h"

#include <QLocale>

#include <cstdlib>

namespace Opsdeck {

QString formatBytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString formatDuration(qint64 seconds)
{
    const qint64 days = seconds / 86400, hours = (seconds % 86400) / 3600,
                 minutes = (seconds % 3600) / 60;
    if (days > 0)
        return QStringLiteral("%1d %2h").arg(days).arg(hours);
    if (hours > 0)
        return QStringLiteral("%1h %2m").arg(hours).arg(minutes);
    if (minutes > 0)
        return QStringLiteral("%1m").arg(minutes);
    return QStringLiteral("%1s").arg(seconds);
}

QString formatAge(double seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return QString::number(seconds, 'f', 1) + QLatin1Char('s');
    const qint64 s = qint64(seconds);
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60);
    return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60);
}

QString formatAgo(const QDateTime &then, const QDateTime &now)
{
    // secsTo compares instants: a UTC time from the server against a local clock is right.
    const qint64 seconds = then.secsTo(now);
    const qint64 away = std::abs(seconds);
    QString span;
    if (away < 60)
        return QStringLiteral("just now");
    if (away < 3600)
        span = countOf(away / 60, QStringLiteral("minute"), QStringLiteral("minutes"));
    else if (away < 86400)
        span = countOf(away / 3600, QStringLiteral("hour"), QStringLiteral("hours"));
    else if (away < 60 * 86400)
        span = countOf(away / 86400, QStringLiteral("day"), QStringLiteral("days"));
    else if (away < 730 * 86400)
        span = countOf(away / (30 * 86400), QStringLiteral("month"), QStringLiteral("months"));
    else
        span = countOf(away / (365 * 86400), QStringLiteral("year"), QStringLiteral("years"));
    return seconds >= 0 ? span + QStringLiteral(" ago") : QStringLiteral("in ") + span;
}

QString formatLocalTime(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                          : QString();
}

QString formatWhen(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid())
        return {};
    return QStringLiteral("%1 (%2)").arg(formatLocalTime(time), formatAgo(time, now));
}

QString countOf(qint64 count, const QString &singular, const QString &plural)
{
    return QStringLiteral("%1 %2").arg(count).arg(count == 1 ? singular : plural);
}

QString formatColumns(const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows)
        for (qsizetype c = 0; c < row.size(); ++c) {
            if (widths.size() <= c)
                widths << 0;
            widths[c] = std::max(widths[c], row[c].size());
        }
    QString text;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c)
            line += c + 1 < row.size() ? row[c].leftJustified(widths[c]) + QStringLiteral("  ")
                                       : row[c];
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        text += line + QLatin1Char('\n');
    }
    return text;
}

} // namespace Opsdeck
