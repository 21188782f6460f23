// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Opsdeck {

/**
 * A value in a panel's unit, Grafana's ids: "bytes" (IEC: KiB, MiB…), "s" and "ms" (µs…h),
 * "percent" (0–100), "percentunit" (0–1), "reqps", "ops", "short" (K, M, G) or none.
 */
QString formatValue(double value, const QString &unit, int decimals = -1);
/**
 * What formatValue() divides `value` by before printing it when that is not a power of ten
 * (1024ⁿ for bytes), else 1: axis ticks are chosen in those units (0.1 GiB, not 0.1 GB).
 */
double unitScale(double value, const QString &unit);
/** Decimals that tell ticks `step` apart once scaled like `value` (for axis labels). */
int decimalsForStep(double value, double step, const QString &unit);

} // namespace Opsdeck
