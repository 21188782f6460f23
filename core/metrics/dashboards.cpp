// SPDX-License-Identifier: GPL-3.0-or-later
#include "dashboards.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace Opsdeck {

namespace {

PanelSpec panel(const char *title, const char *query, const char *unit, bool stack = false,
                QList<double> thresholds = {})
{
    PanelSpec p;
    p.title = QString::fromUtf8(title);
    p.source = QStringLiteral("prometheus");
    p.query = QString::fromUtf8(query);
    p.unit = QString::fromUtf8(unit);
    p.stack = stack;
    p.thresholds = std::move(thresholds);
    return p;
}

// django-prometheus's latency histogram, one quantile per series (label "quantile").
const char *const kLatency =
    "label_replace(histogram_quantile(0.5, sum by (le) (rate(django_http_requests_latency_seconds_"
    "by_view_method_bucket{env=~\"$env|\"}[$__rate_interval]))), \"quantile\", \"p50\", \"\", "
    "\"\") or "
    "label_replace(histogram_quantile(0.9, sum by (le) (rate(django_http_requests_latency_seconds_"
    "by_view_method_bucket{env=~\"$env|\"}[$__rate_interval]))), \"quantile\", \"p90\", \"\", "
    "\"\") or "
    "label_replace(histogram_quantile(0.99, sum by (le) (rate(django_http_requests_latency_seconds_"
    "by_view_method_bucket{env=~\"$env|\"}[$__rate_interval]))), \"quantile\", \"p99\", \"\", "
    "\"\")";

const char *const kCommitsRollbacks =
    "label_replace(rate(pg_stat_database_xact_commit{datname=\"$database\"}[$__rate_interval]), "
    "\"kind\", \"commits\", \"\", \"\") or "
    "label_replace(rate(pg_stat_database_xact_rollback{datname=\"$database\"}[$__rate_interval]), "
    "\"kind\", \"rollbacks\", \"\", \"\")";

const char *const kCacheHit =
    "rate(pg_stat_database_blks_hit{datname=\"$database\"}[$__rate_interval]) / "
    "(rate(pg_stat_database_blks_hit{datname=\"$database\"}[$__rate_interval]) + "
    "rate(pg_stat_database_blks_read{datname=\"$database\"}[$__rate_interval]))";

} // namespace

QList<DashboardSpec> builtinDashboards()
{
    DashboardSpec infrastructure{QStringLiteral("Infrastructure"), {}};
    infrastructure.panels = {
        panel("CPU busy",
              "100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[$__rate_"
              "interval])))",
              "percent", false, {80, 95}),
        panel("Load", "{__name__=~\"node_load1|node_load5|node_load15\"}", "short"),
        panel("Memory available", "node_memory_MemAvailable_bytes", "bytes"),
        panel("Disk free", "node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay|squashfs|ramfs\"}",
              "bytes"),
        panel("Network received",
              "rate(node_network_receive_bytes_total{device!=\"lo\"}[$__rate_interval])", "Bps"),
        panel("Network sent",
              "rate(node_network_transmit_bytes_total{device!=\"lo\"}[$__rate_interval])", "Bps"),
        panel("HTTP responses by status",
              "sum by (status) (rate(django_http_responses_total_by_status_total{env=~\"$env|\"}[$_"
              "_rate_interval]))",
              "reqps", true),
        panel("HTTP latency", kLatency, "s", false, {0.5, 1}),
        // Prometheus' own view of who answers its scrapes: where InstanceDown-style alerts look.
        panel("Targets up", "up{env=~\"$env|\"}", "short"),
    };
    infrastructure.panels.last().legendFormat = QStringLiteral("{{job}} {{host}} {{instance}}");
    DashboardSpec database{QStringLiteral("Database"), {}};
    database.panels = {
        panel("Connections by state",
              "sum by (state) (pg_stat_activity_count{datname=\"$database\"})", "short", true),
        panel("Commits and rollbacks", kCommitsRollbacks, "ops"),
        panel("Cache hit ratio", kCacheHit, "percentunit"),
        panel("Replication lag", "pg_replication_lag", "s", false, {10, 60}),
        panel("Database size", "pg_database_size_bytes{datname=\"$database\"}", "bytes"),
    };
    return {infrastructure, database};
}

QString expandPromVariables(const QString &promql, const QueryGrid &grid, qint64 scrapeIntervalMs,
                            const QString &environment, const QString &database)
{
    const qint64 rateInterval = std::max(grid.stepMs + scrapeIntervalMs, 4 * scrapeIntervalMs);
    QString out = promql;
    out.replace(QStringLiteral("$__rate_interval"), promDuration(rateInterval));
    out.replace(QStringLiteral("$__interval"), promDuration(grid.stepMs));
    out.replace(QStringLiteral("$database"), database);
    out.replace(QStringLiteral("$env"), environment);
    return out;
}

QList<Annotation> deployAnnotations(const QList<HistoryEntry> &history)
{
    QList<Annotation> out;
    for (const HistoryEntry &h : history) {
        if (!h.time.isValid())
            continue;
        Annotation a;
        a.atMs = h.time.toMSecsSinceEpoch();
        const bool failed = h.result == HistoryEntry::Result::Failed ||
                            h.result == HistoryEntry::Result::Interrupted ||
                            h.result == HistoryEntry::Result::Cancelled;
        a.kind = failed                                  ? Annotation::Kind::FailedDeploy
                 : h.action == QLatin1String("rollback") ? Annotation::Kind::Rollback
                                                         : Annotation::Kind::Deploy;
        const QString what = h.ref.isEmpty() ? h.release : h.ref;
        a.title = QStringLiteral("%1 %2 (%3)").arg(h.action, what, h.revision.left(7));
        a.detail =
            QStringLiteral("by %1%2%3")
                .arg(h.user, failed ? QStringLiteral(", ") + resultLabel(h.result) : QString(),
                     h.comment.isEmpty() ? QString() : QStringLiteral(" — ") + h.comment);
        out << a;
    }
    return out;
}

QList<Annotation> flagAnnotations(const QList<AuditEntry> &audit, const QString &environment)
{
    QList<Annotation> out;
    for (const AuditEntry &e : audit) {
        if (!e.action.startsWith(QLatin1String("flag.")) || e.environment != environment ||
            !auditOutcomeSucceeded(e.outcome))
            continue;
        out << Annotation{
            e.at.toMSecsSinceEpoch(), Annotation::Kind::Flag,
            QStringLiteral("%1: %2 → %3").arg(e.target, e.before, e.after),
            QStringLiteral("by %1%2").arg(
                e.user, e.comment.isEmpty() ? QString() : QStringLiteral(" — ") + e.comment)};
    }
    return out;
}

QString panelYaml(const PanelSpec &panel)
{
    YAML::Emitter out;
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "title" << YAML::Value << panel.title.toStdString();
    out << YAML::Key << "source" << YAML::Value << panel.source.toStdString();
    if (!panel.unit.isEmpty())
        out << YAML::Key << "unit" << YAML::Value << panel.unit.toStdString();
    out << YAML::Key << "query" << YAML::Value << YAML::DoubleQuoted << panel.query.toStdString();
    out << YAML::EndMap;
    return QStringLiteral("      - ") + QString::fromStdString(out.c_str()) + QLatin1Char('\n');
}

} // namespace Opsdeck
