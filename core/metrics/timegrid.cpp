// SPDX-License-Identifier: GPL-3.0-or-later
#include "timegrid.h"

#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

namespace Opsdeck {

namespace {

constexpr qint64 kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

} // namespace

std::pair<qint64, qint64> TimeRange::resolve(qint64 nowMs) const
{
    if (isRelative())
        return {nowMs - lastSeconds * kSecond, nowMs};
    return {fromMs, toMs};
}

QString TimeRange::label() const
{
    if (isRelative()) {
        const qint64 s = lastSeconds;
        if (s % 86400 == 0)
            return s == 86400 ? QStringLiteral("Last 24 hours")
                              : QStringLiteral("Last %1 days").arg(s / 86400);
        if (s % 3600 == 0)
            return s == 3600 ? QStringLiteral("Last hour")
                             : QStringLiteral("Last %1 hours").arg(s / 3600);
        return QStringLiteral("Last %1 minutes").arg(s / 60);
    }
    const QString format = QStringLiteral("yyyy-MM-dd HH:mm:ss");
    return QStringLiteral("%1 – %2").arg(QDateTime::fromMSecsSinceEpoch(fromMs).toString(format),
                                         QDateTime::fromMSecsSinceEpoch(toMs).toString(format));
}

qint64 roundIntervalMs(qint64 ms)
{
    // Grafana's pkg/tsdb/intervalv2 roundInterval: thresholds and the interval each rounds to.
    static const std::pair<qint64, qint64> table[] = {
        {10, 1},
        {15, 10},
        {35, 20},
        {75, 50},
        {150, 100},
        {350, 200},
        {750, 500},
        {1500, kSecond},
        {3500, 2 * kSecond},
        {7500, 5 * kSecond},
        {12500, 10 * kSecond},
        {17500, 15 * kSecond},
        {25000, 20 * kSecond},
        {45000, 30 * kSecond},
        {90000, kMinute},
        {210000, 2 * kMinute},
        {450000, 5 * kMinute},
        {750000, 10 * kMinute},
        {1050000, 15 * kMinute},
        {1500000, 20 * kMinute},
        {2700000, 30 * kMinute},
        {5400000, kHour},
        {9000000, 2 * kHour},
        {16200000, 3 * kHour},
        {32400000, 6 * kHour},
        {86400000, 12 * kHour},
        {172800000, kDay},
        {604800000, kDay},
        {1814400000, 7 * kDay},
        {3628800000, 30 * kDay},
    };
    for (const auto &[upTo, rounded] : table)
        if (ms <= upTo)
            return rounded;
    return 365 * kDay;
}

QueryGrid chooseGrid(qint64 fromMs, qint64 toMs, int widthPx, qint64 scrapeIntervalMs)
{
    const qint64 span = std::max<qint64>(toMs - fromMs, 1);
    const qint64 perPixel = roundIntervalMs(span / std::max(widthPx, 1));
    // The 11,000 guard rounds up: rounding down (16 s → 15 s) could ask for 11,001+ steps.
    const qint64 safe = (span + kMaxStepsPerSeries - 1) / kMaxStepsPerSeries;
    qint64 step = std::max({perPixel, std::max<qint64>(scrapeIntervalMs, 1), safe});
    if (step >= kSecond)
        step = (step + kSecond - 1) / kSecond * kSecond; // whole seconds: Prometheus-friendly
    QueryGrid grid;
    grid.stepMs = step;
    grid.startMs = fromMs / step * step;
    grid.endMs = toMs / step * step;
    while ((grid.endMs - grid.startMs) / grid.stepMs > kMaxStepsPerSeries) // after alignment
        grid.startMs += grid.stepMs;
    return grid;
}

QString promDuration(qint64 ms)
{
    if (ms % kSecond != 0)
        return QStringLiteral("%1ms").arg(ms);
    const qint64 s = ms / kSecond;
    if (s % 3600 == 0)
        return QStringLiteral("%1h").arg(s / 3600);
    if (s % 60 == 0)
        return QStringLiteral("%1m").arg(s / 60);
    return QStringLiteral("%1s").arg(s);
}

qint64 parseDurationMs(const QString &text)
{
    static const QRegularExpression part(QStringLiteral("(\\d+)(ms|s|m|h|d|w|y)"));
    qint64 total = 0;
    qsizetype at = 0;
    auto it = part.globalMatch(text.trimmed());
    if (!it.hasNext())
        return -1;
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart() != at)
            return -1;
        at = m.capturedEnd();
        const qint64 n = m.captured(1).toLongLong();
        const QString unit = m.captured(2);
        const qint64 scale = unit == QLatin1String("ms")  ? 1
                             : unit == QLatin1String("s") ? kSecond
                             : unit == QLatin1String("m") ? kMinute
                             : unit == QLatin1String("h") ? kHour
                             : unit == QLatin1String("d") ? kDay
                             : unit == QLatin1String("w") ? 7 * kDay
                                                          : 365 * kDay;
        total += n * scale;
    }
    return at == text.trimmed().size() ? total : -1;
}

} // namespace Opsdeck
