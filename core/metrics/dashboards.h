// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audit/auditlog.h"
#include "deploy/deploystate.h"
#include "timegrid.h"
#include "workspace/workspace.h"

namespace Opsdeck {

/**
 * Dashboards that work with no configuration: Infrastructure (node_exporter, and the app's
 * HTTP responses and latency from django-prometheus) and Database (postgres_exporter).
 * Queries use $env (the environment), $database (its database's dbname) and $__rate_interval.
 */
QList<DashboardSpec> builtinDashboards();

/** $env, $database, $__interval and $__rate_interval (Grafana's max(step + scrape, 4 × scrape)). */
QString expandPromVariables(const QString &promql, const QueryGrid &grid, qint64 scrapeIntervalMs,
                            const QString &environment, const QString &database);

/**
 * A panel as one line of workspace YAML (`      - { title: …, source: …, query: … }`, indented
 * for a dashboard's `panels:`), quoted by yaml-cpp so any PromQL or SQL reads back unchanged.
 */
QString panelYaml(const PanelSpec &panel);

/** Something that happened at a moment, drawn as a vertical line on every panel; or, with an
 * end (an alert's firing stretch), as a band from `atMs` to `endMs`. */
struct Annotation
{
    enum class Kind { Deploy, Rollback, FailedDeploy, Flag, Alert };
    qint64 atMs = 0;
    Kind kind = Kind::Deploy;
    QString title;    // "deploy v2 (3f2a91c)"
    QString detail;   // who, result, comment
    qint64 endMs = 0; // 0: a moment
};

/** The environment's deploys and rollbacks (from its hosts' history), newest first. */
QList<Annotation> deployAnnotations(const QList<HistoryEntry> &history);
/** Flag changes made through Opsdeck in this environment (from the audit log). */
QList<Annotation> flagAnnotations(const QList<AuditEntry> &audit, const QString &environment);

} // namespace Opsdeck
