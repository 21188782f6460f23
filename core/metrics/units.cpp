// SPDX-License-Identifier: GPL-3.0-or-later
#include "units.h"

#include <cmath>

namespace Opsdeck {

namespace {

thread_local int t_decimals = -1; // set by formatValue for one call

QString number(double v)
{
    const double a = std::fabs(v);
    const int decimals = t_decimals >= 0      ? t_decimals
                         : a == 0 || a >= 100 ? 0
                         : a >= 10            ? 1
                         : a >= 1             ? 2
                                              : 3;
    QString text = QString::number(v, 'f', decimals);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    return text;
}

/** How many times `v` is divided by `base` to print it (K, M… or KiB, MiB…; at most count - 1). */
int scaleSteps(double v, double base, int count)
{
    int i = 0;
    for (; std::fabs(v) >= base && i < count - 1; ++i)
        v /= base;
    return i;
}

QString scaled(double v, double base, const char *const *suffixes, int count, const QString &tail)
{
    const int i = scaleSteps(v, base, count);
    return number(v / std::pow(base, i)) + QLatin1String(suffixes[i]) + tail;
}

QString duration(double seconds)
{
    const double a = std::fabs(seconds);
    if (a == 0)
        return QStringLiteral("0 s");
    if (a < 1e-3)
        return number(seconds * 1e6) + QStringLiteral(" µs");
    if (a < 1)
        return number(seconds * 1e3) + QStringLiteral(" ms");
    if (a < 60)
        return number(seconds) + QStringLiteral(" s");
    if (a < 3600)
        return number(seconds / 60) + QStringLiteral(" min");
    if (a < 86400)
        return number(seconds / 3600) + QStringLiteral(" h");
    return number(seconds / 86400) + QStringLiteral(" d");
}

} // namespace

QString formatValueImpl(double value, const QString &unit);

QString formatValue(double value, const QString &unit, int decimals)
{
    t_decimals = decimals;
    const QString text = formatValueImpl(value, unit);
    t_decimals = -1;
    return text;
}

double unitScale(double value, const QString &unit)
{
    if (unit != QLatin1String("bytes") && unit != QLatin1String("Bps"))
        return 1;
    return std::pow(1024.0, scaleSteps(value, 1024, 6)); // the IEC suffixes: B … PiB
}

int decimalsForStep(double value, double step, const QString &unit)
{
    // Scale the step as the value is scaled (KiB, K, ms…) by formatting both and comparing.
    for (int decimals = 0; decimals <= 6; ++decimals)
        if (formatValue(value, unit, decimals) != formatValue(value + step, unit, decimals) &&
            formatValue(value + step, unit, decimals) !=
                formatValue(value + 2 * step, unit, decimals))
            return decimals;
    return 6;
}

QString formatValueImpl(double value, const QString &unit)
{
    if (std::isnan(value))
        return QStringLiteral("–");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    static const char *const iec[] = {" B", " KiB", " MiB", " GiB", " TiB", " PiB"};
    static const char *const si[] = {"", " K", " M", " G", " T", " P"};
    if (unit == QLatin1String("bytes"))
        return scaled(value, 1024, iec, 6, QString());
    if (unit == QLatin1String("Bps"))
        return scaled(value, 1024, iec, 6, QStringLiteral("/s"));
    if (unit == QLatin1String("s"))
        return duration(value);
    if (unit == QLatin1String("ms"))
        return duration(value / 1000);
    if (unit == QLatin1String("percent"))
        return number(value) + QStringLiteral(" %");
    if (unit == QLatin1String("percentunit"))
        return number(value * 100) + QStringLiteral(" %");
    if (unit == QLatin1String("reqps"))
        return scaled(value, 1000, si, 6, QStringLiteral(" req/s"));
    if (unit == QLatin1String("ops"))
        return scaled(value, 1000, si, 6, QStringLiteral(" ops/s"));
    return scaled(value, 1000, si, 6, QString());
}

} // namespace Opsdeck
