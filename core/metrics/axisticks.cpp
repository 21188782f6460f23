// SPDX-License-Identifier: GPL-3.0-or-later
#include "axisticks.h"

#include "units.h"

#include <QDateTime>

#include <algorithm>
#include <climits>
#include <cmath>

namespace Opsdeck {

namespace {

constexpr int kMinTicks = 4, kMaxTicks = 10;
constexpr double kSlack = 1e-9; // in steps: 0.30000000000000004 is the tick 0.3

/** How far `count` is from what was asked for; an allowed count always beats a forbidden one. */
int badness(int count, int wanted)
{
    if (count < kMinTicks || count > kMaxTicks)
        return 1000 + std::abs(count - wanted);
    return std::abs(count - wanted);
}

int decimalsOf(double scaledStep)
{
    // 1-2-5 × 10ⁿ: n < 0 needs exactly -n decimals.
    return std::max(0, int(std::ceil(-std::log10(scaledStep) - kSlack)));
}

ValueAxis valueAxisAtScale(double low, double high, double scale, const QString &unit, int wanted)
{
    const double span = (high - low) / scale;
    const int top = int(std::floor(std::log10(span))) + 1;
    ValueAxis best;
    int bestBadness = INT_MAX;
    for (int exponent = top - 3; exponent <= top; ++exponent)
        for (const double mantissa : {1.0, 2.0, 5.0}) {
            const double step = mantissa * std::pow(10.0, exponent);
            const double first = std::floor(low / scale / step + kSlack);
            const double last = std::ceil(high / scale / step - kSlack);
            const int count = int(last - first) + 1;
            // Ties go to the larger step: fewer, rounder labels.
            if (badness(count, wanted) > bestBadness)
                continue;
            bestBadness = badness(count, wanted);
            best.step = step * scale;
            best.low = first * step * scale;
            best.high = last * step * scale;
            best.ticks.clear();
            const int decimals = decimalsOf(step);
            for (double k = first; k <= last; ++k) {
                const double value = k == 0 ? 0.0 : k * step * scale;
                best.ticks << AxisTick{value, formatValue(value, unit, decimals)};
            }
        }
    return best;
}

/** What a unit's printed number is divided by at `value`, when that is not a power of ten. */
double printedScale(double value, const QString &unit)
{
    const double a = std::fabs(value);
    const double perSecond = unit == QLatin1String("ms") ? 1000 : 1;
    if (unit == QLatin1String("s") || unit == QLatin1String("ms")) {
        for (const double seconds : {86400.0, 3600.0, 60.0})
            if (a >= seconds * perSecond)
                return seconds * perSecond;
        return 1;
    }
    if (unit == QLatin1String("percentunit"))
        return 0.01; // printed × 100
    if (unit == QLatin1String("bytes") || unit == QLatin1String("Bps") ||
        unit == QLatin1String("percent"))
        return unitScale(value, unit);
    // Counts and rates print K, M, G…: "1 G" for 1.2e9 would repeat a label.
    double scale = 1;
    for (int i = 0; a >= scale * 1000 && i < 5; ++i)
        scale *= 1000;
    return scale;
}

} // namespace

ValueAxis valueAxis(double low, double high, const QString &unit, int wanted)
{
    if (!std::isfinite(low) || !std::isfinite(high))
        low = 0, high = 1;
    if (high < low)
        std::swap(low, high);
    if (high - low < std::max(std::fabs(high), 1.0) * 1e-12)
        high = low + (low == 0 ? 1 : std::fabs(low) * 0.1);
    // The ticks are chosen in the unit as printed (0.5 GiB, 1.5 min), then again if the widened
    // axis reaches the next unit up (1,000 B widened to 1,200 B is printed in KiB).
    double scale = printedScale(std::max(std::fabs(low), std::fabs(high)), unit);
    ValueAxis axis;
    for (int round = 0; round < 3; ++round) {
        axis = valueAxisAtScale(low, high, scale, unit, wanted);
        const double widened =
            printedScale(std::max(std::fabs(axis.low), std::fabs(axis.high)), unit);
        if (widened == scale)
            break;
        scale = widened;
    }
    return axis;
}

QList<AxisTick> timeTicks(qint64 fromMs, qint64 toMs, int wanted)
{
    static const qint64 second = 1000, minute = 60 * second, hour = 60 * minute, day = 24 * hour;
    static const QList<qint64> steps{
        100,         200,         500,        second,     2 * second, 5 * second,  10 * second,
        15 * second, 30 * second, minute,     2 * minute, 5 * minute, 10 * minute, 15 * minute,
        30 * minute, hour,        2 * hour,   3 * hour,   6 * hour,   12 * hour,   day,
        2 * day,     5 * day,     10 * day,   20 * day,   50 * day,   100 * day,   200 * day,
        500 * day,   1000 * day,  2000 * day, 5000 * day};
    if (toMs <= fromMs)
        return {};
    // Aligned to the local clock: an hour step falls on 14:00 in Kolkata too (UTC+05:30).
    const qint64 offset = qint64(QDateTime::fromMSecsSinceEpoch(fromMs).offsetFromUtc()) * 1000;
    qint64 bestStep = steps.last();
    int bestBadness = INT_MAX;
    for (const qint64 step : steps) {
        const qint64 first = (fromMs + offset + step - 1) / step;
        const qint64 last = (toMs + offset) / step;
        const int count = int(std::min<qint64>(last - first + 1, 100000));
        if (badness(count, wanted) <= bestBadness) {
            bestBadness = badness(count, wanted);
            bestStep = step;
        }
        if (count < kMinTicks)
            break; // only fewer from here on
    }
    const qint64 span = toMs - fromMs;
    const QString format = bestStep >= day     ? (span > 300 * day ? QStringLiteral("yyyy-MM-dd")
                                                                   : QStringLiteral("MM-dd"))
                           : span > day        ? QStringLiteral("MM-dd HH:mm")
                           : bestStep < second ? QStringLiteral("HH:mm:ss.zzz")
                           : bestStep < minute ? QStringLiteral("HH:mm:ss")
                                               : QStringLiteral("HH:mm");
    QList<AxisTick> ticks;
    for (qint64 k = (fromMs + offset + bestStep - 1) / bestStep; k * bestStep - offset <= toMs;
         ++k) {
        const qint64 at = k * bestStep - offset;
        ticks << AxisTick{double(at), QDateTime::fromMSecsSinceEpoch(at).toString(format)};
    }
    return ticks;
}

} // namespace Opsdeck
