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
Result<QList<TimeSeries>> parsePrometheusResponse(const QByteArray &body, int httpStatus,
                                                  const QueryGrid &grid,
                                                  QStringList *warnings = nullptr);

/** A sample value as Prometheus writes it: "1.5", "1e-07", "NaN", "+Inf", "-Inf". */
double parsePromValue(std::string_view text, bool *ok = nullptr);

/** `/api/v1/label/<name>/values` and friends: the list of strings in `data`. */
Result<QStringList> parsePrometheusStrings(const QByteArray &body, int httpStatus);

} // namespace Opsdeck
