// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts.h"
#include "metrics/dashboards.h"

#include <QSet>

namespace Opsdeck {

/**
 * The metric names a PromQL expression reads: `rate(http_requests_total{code=~"5.."}[5m]) /
 * sum(up)` reads http_requests_total and up. Functions, aggregation and set keywords, label
 * names (inside {} and by/without/on/ignoring lists), strings, numbers and durations are not
 * metrics. A lexer's view, not a parser's: enough to tell which panels an alert is about.
 */
QSet<QString> promqlMetricNames(const QString &promql);

/**
 * The firing stretches of `intervals` drawn as bands on a panel whose query is `panelQuery`:
 * those of alerts whose rule reads one of the panel's metrics (Grafana's alert annotations on
 * the panel the rule watches), or all of them with `all`. Rules are looked up by alertname.
 */
QList<Annotation> alertAnnotations(const QList<AlertInterval> &intervals,
                                   const QList<AlertRule> &rules, const QString &panelQuery,
                                   bool all);

} // namespace Opsdeck
