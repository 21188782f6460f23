// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"
#include "common/pane.h"
#include "drawqueue.h"
#include "metrics/dashboards.h"
#include "metrics/timeseries.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QTimer>

#include <memory>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QToolButton;

namespace Opsdeck {

class ChartPanel;
class DatabaseSession;
class PrometheusClient;
class SshPool;

/**
 * Metrics: a dashboard of panels for the selected environment, from Prometheus (directly or
 * through the environment's tunnel) and SQL. Grafana's controls: time range (last 5m … 7d or
 * a dragged range), back and forward through ranges, auto-refresh, one crosshair across all
 * panels, hide empty series; deploys, rollbacks and flag changes as markers on every panel, and
 * alerts' firing stretches as bands on the panels whose metrics their rules read.
 * Every panel queries on its own: a slow one never holds the others or the window.
 */
class MetricsPane final : public Pane
{
    Q_OBJECT

public:
    explicit MetricsPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~MetricsPane() override;

    QString paneId() const override { return QStringLiteral("metrics"); }
    QString title() const override { return QStringLiteral("Metrics"); }

    QStringList dashboardNames() const;
    void showDashboard(const QString &name);
    void setRange(const TimeRange &range);
    TimeRange range() const { return m_range; }
    void back();
    void forward();
    /** Auto-refresh every `seconds` (0 = off). */
    void setRefreshInterval(int seconds);
    void refresh() override;
    /** A dashboard's name (`--pane metrics --item Infrastructure`) shows that dashboard. */
    void openItem(const QString &item) override;
    /** An ad-hoc PromQL panel at the top; addQueryToDashboard() keeps it in this dashboard. */
    void runQuery(const QString &promql);
    void addQueryToDashboard();
    void setAnnotations(const QList<Annotation> &annotations);
    void setHideEmpty(bool hide);
    /** Every alert's firing stretches on every panel, not only on the panels whose metrics
     * its rule reads. */
    void setAllAlerts(bool all);

    QList<ChartPanel *> panels() const { return m_panels; }
    ChartPanel *adhocPanel() const { return m_adhoc; }
    QLineEdit *queryEditor() const { return m_query; }

signals:
    /** After a refresh's every panel has its answer. */
    void refreshed();

private:
    void buildToolbar(QWidget *bar);
    void rebuildPanels();
    void queryPanel(ChartPanel *panel);
    void panelDone(ChartPanel *panel, const PanelResult &result, int generation);
    void panelDrawn(int generation);
    void loadAnnotations();
    void readAlertBands(qint64 fromMs, qint64 toMs);
    /** Markers on every panel, and on each the bands of the alerts about its metrics. */
    void applyAnnotations();
    void askAbsoluteRange();
    ChartPanel *addPanel(const PanelSpec &spec, int index);

    const Workspace &m_workspace;
    const EnvironmentSpec &m_environment;
    SshPool *m_pool;
    PrometheusClient *m_prometheus; // the environment's
    DatabaseSession *m_database;    // the environment's monitoring session (SQL panels)
    QList<DashboardSpec> m_dashboards;
    int m_dashboard = 0;
    TimeRange m_range = TimeRange::last(3600);
    QList<TimeRange> m_back, m_forward;
    QList<ChartPanel *> m_panels;
    ChartPanel *m_adhoc = nullptr;
    QList<Annotation> m_deployMarks, m_annotations;
    QList<AlertInterval> m_alertIntervals; // what fired in the range shown
    QWidget *m_grid;
    QGridLayout *m_gridLayout;
    QComboBox *m_dashboardBox, *m_rangeBox, *m_refreshBox;
    QToolButton *m_backButton, *m_forwardButton;
    QCheckBox *m_hideEmpty;
    QCheckBox *m_allAlerts;
    QLineEdit *m_query;
    QLabel *m_rangeLabel;
    QTimer m_autoRefresh;
    DrawQueue m_drawQueue;
    int m_generation = 0;
    int m_pending = 0;
    qint64 m_resolvedFrom = 0, m_resolvedTo = 0;
};

} // namespace Opsdeck
