// SPDX-License-Identifier: GPL-3.0-or-later
#include "formatting.h"

#include <QLocale>

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
    const qint64 days = then.daysTo(now);
    if (days >= 2)
        return QStringLiteral("%1 days ago").arg(days);
    const qint64 hours = then.secsTo(now) / 3600;
    if (hours >= 1)
        return hours == 1 ? QStringLiteral("an hour ago")
                          : QStringLiteral("%1 hours ago").arg(hours);
    return QStringLiteral("just now");
}

} // namespace Opsdeck
