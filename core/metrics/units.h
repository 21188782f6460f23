// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Opsdeck {

/**
 * A value in a panel's unit, Grafana's ids: "bytes" (IEC: KiB, MiB…), "s" and "ms" (µs…h),
 * "percent" (0–100), "percentunit" (0–1), "reqps", "ops", "short" (K, M, G) or none.
 */
QString formatValue(double value, const QString &unit, int decimals = -1);
/** Decimals that tell ticks `step` apart once scaled like `value` (for axis labels). */
int decimalsForStep(double value, double step, const QString &unit);

} // namespace Opsdeck
