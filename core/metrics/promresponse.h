// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "timeseries.h"

#include <QByteArray>

#include <string_view>

namespace Opsdeck {

/**
 * Prometheus's answer to /api/v1/query_range or /api/v1/query, read straight into series on
 * `grid` (a matrix's missing steps stay NaN, so they draw as gaps; a vector or scalar gives one
 * point each). Errors come back as Prometheus words them ("bad_data: parse error at char 5:
 * …"), a plain-text answer (503 "Service Unavailable" while it starts) as its status and text.
 * A purpose-built scanner: an 8 MB matrix reads in milliseconds, where QJsonDocument took a
 * third of a second.
 */
/** Bounds on one answer, so a server cannot make a panel take gigabytes: at most this many
 * series, and series × grid points (each a double) at most kMaxPromCells. A matrix series gets
 * its grid only when its first sample arrives; one with no samples is dropped (nothing to
 * draw). Over a bound, the panel's error says so. */
constexpr qsizetype kMaxPromSeries = 2000;
constexpr qint64 kMaxPromCells = 10'000'000;
/** An answer larger than this is not read at all (PrometheusClient aborts it). */
constexpr qint64 kMaxPromResponseBytes = 64 * 1024 * 1024;

Result<QList<TimeSeries>> parsePrometheusResponse(const QByteArray &body, int httpStatus,
                                                  const QueryGrid &grid,
                                                  QStringList *warnings = nullptr);

/** A sample value as Prometheus writes it: "1.5", "1e-07", "NaN", "+Inf", "-Inf". */
double parsePromValue(std::string_view text, bool *ok = nullptr);

/** `/api/v1/label/<name>/values` and friends: the list of strings in `data`. */
Result<QStringList> parsePrometheusStrings(const QByteArray &body, int httpStatus);

} // namespace Opsdeck
