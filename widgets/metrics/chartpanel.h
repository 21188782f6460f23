// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "metrics/dashboards.h"
#include "metrics/timeseries.h"
#include "workspace/workspace.h"

#include <QFrame>
#include <QSet>

class QLabel;
class QToolButton;
class QTreeWidget;

namespace Opsdeck {

class TimeChartView;

/**
 * One dashboard panel: title, how long its query took (or "loading…"), the plot, the error
 * Prometheus or PostgreSQL gave (on the panel itself, other panels unaffected), and a legend
 * with last / min / max / mean that sorts and hides series. Export to PNG or CSV from its menu.
 */
class ChartPanel final : public QFrame
{
    Q_OBJECT

public:
    /** A chart's fixed height, as Grafana's grid gives each panel: a legend that grows with the
     * first answer takes room from its own plot instead of moving every panel below it. */
    static constexpr int kChartHeight = 330;

    explicit ChartPanel(PanelSpec spec, QWidget *parent = nullptr);
    /** A single number's height: the title and the big number, nothing more. */
    int statHeight() const;

    const PanelSpec &spec() const { return m_spec; }
    void setLoading(bool loading);
    void setResult(const PanelResult &result, qint64 fromMs, qint64 toMs);
    void setAnnotations(const QList<Annotation> &annotations);
    void setCrosshair(qint64 ms);
    /** Grafana's "hide series with only zeros or nulls". */
    void setHideEmpty(bool hide);
    int plotWidth() const;
    bool hasResult() const { return m_hasResult; }
    QString errorText() const;
    /** What the panel says instead of an empty plot; empty while it has something to draw. */
    QString emptyText() const;
    TimeChartView *chartView() const { return m_chart; }
    QTreeWidget *legend() const { return m_legend; }
    const PanelResult &result() const { return m_result; }

    bool exportPng(const QString &path);
    Result<QString> exportCsv(const QString &path) const;

signals:
    void hovered(qint64 ms);
    void zoomRequested(qint64 fromMs, qint64 toMs);
    void logsAroundRequested(qint64 ms);

private:
    enum LegendUpdate { LegendRefilled, LegendKept };
    void redraw(LegendUpdate legend);
    /** Returns whether the legend's height changed. */
    bool fillLegend(const QList<TimeSeries> &all);
    /** Why there is nothing to draw (no series, all hidden), else empty. */
    QString emptySentence(const QList<TimeSeries> &shown) const;
    void showMenu();
    void showExportError(const QString &message);

    PanelSpec m_spec;
    PanelResult m_result;
    qint64 m_fromMs = 0, m_toMs = 0;
    bool m_hideEmpty = false;
    bool m_hasResult = false;
    QSet<QString> m_hidden; // series the user unticked
    QLabel *m_title, *m_status, *m_error, *m_stat, *m_empty;
    QToolButton *m_menu;
    TimeChartView *m_chart;
    QTreeWidget *m_legend;
};

} // namespace Opsdeck
