// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

namespace Opsdeck {

struct AxisTick
{
    double value = 0; // the axis value (a time axis: milliseconds since the epoch)
    QString label;    // exactly that value, at the precision shown
};

/** A value axis: the range it spans (the data, widened to whole steps) and its ticks. */
struct ValueAxis
{
    double low = 0, high = 1, step = 1;
    QList<AxisTick> ticks;
};

/**
 * Ticks for values in [low, high] in a panel's unit: steps of 1, 2 or 5 × 10ⁿ in the unit as it
 * is printed (0.5 GiB, 20 ms), 4 to 10 of them and as close to `wanted` as that allows; the
 * axis widens to whole steps. Labels carry as many decimals as the step needs, no more, so
 * every label is its tick's value (no "0.3" for 0.25).
 */
ValueAxis valueAxis(double low, double high, const QString &unit, int wanted = 5);

/**
 * Ticks for the time range [fromMs, toMs] in local time: steps of 1/2/5/10/15/30 s,
 * 1/2/5/10/15/30 min, 1/2/3/6/12 h or 1/2/5/10… days, aligned to the clock (13:15, not 13:13),
 * 4 to 10 of them, as close to `wanted` as that allows. Labels show what tells them apart:
 * seconds only when the step has them, the date when the range spans more than a day.
 */
QList<AxisTick> timeTicks(qint64 fromMs, qint64 toMs, int wanted = 6);

} // namespace Opsdeck
