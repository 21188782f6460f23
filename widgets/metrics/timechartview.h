// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "annotationoverlay.h"
#include "metrics/dashboards.h"
#include "metrics/timeseries.h"

#include <QChartView>
#include <QSet>
#include <QTimer>

#include <optional>

class QGraphicsLineItem;
class QGraphicsPathItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QRubberBand;
class QLineSeries;
class QCategoryAxis;

namespace Opsdeck {

/**
 * One panel's plot. Series arrive already on their grid; each is decimated to the plot's width
 * (first/min/max/last per pixel column) and split at gaps, then handed to QtCharts with one
 * replace() per run — never point by point, no animations, no OpenGL. The crosshair, its value
 * box and the deploy markers are plain graphics items over the plot. Dragging across the plot
 * asks for that time range (the pane re-queries at the finer step, as Grafana does).
 */
class TimeChartView final : public QChartView
{
    Q_OBJECT

public:
    explicit TimeChartView(QWidget *parent = nullptr);

    /**
     * `series` give the crosshair its values; `drawn` is what is drawn (prepared runs). A large
     * panel is handed to QtCharts a slice per event-loop turn (see drawSlice()); the plot keeps
     * showing the previous frame until the last slice, then drawn() is emitted.
     */
    void setSeries(const QList<TimeSeries> &series, const QList<DrawnSeries> &drawn, qint64 fromMs,
                   qint64 toMs, const QString &unit, const QList<double> &thresholds);
    /**
     * Stacked panels fill each series' band, from the series below it (or zero) up to its own
     * line, as Grafana's stacked graphs do; the lines stay on top.
     */
    void setStacked(bool stacked);
    /** Empties every line (cheap; the next setSeries() fills them). */
    void clearLines();
    void setAnnotations(const QList<Annotation> &annotations);
    /** Shows the shared crosshair at `ms` (negative hides it). */
    void setCrosshair(qint64 ms);
    int plotWidth() const;
    /**
     * Creates `count` line series ahead of the first answer, a few per event-loop turn: adding
     * a series to a chart costs about a millisecond, and a dashboard's first refresh would
     * otherwise pay for all of them at once.
     */
    void prepareLines(int count);
    bool isDrawing() const { return m_pendingDraw.has_value(); }
    /** The last draw's longest event-loop turn and all its turns together (for the bench). */
    double lastDrawLongestTurnMs() const { return m_longestTurnMs; }
    double lastDrawTotalMs() const { return m_totalDrawMs; }
    /** Points handed to QtCharts at the last setSeries (for tests and the bench). */
    qint64 drawnPoints() const { return m_drawnPoints; }
    /** The markers' x positions in view coordinates (for tests). */
    QList<double> markerPositions() const;
    /** The alert bands' [left, right] in view coordinates (for tests). */
    QList<std::pair<double, double>> bandExtents() const;
    /** What the crosshair's box says (for tests). */
    QString crosshairText() const;
    /** Where the crosshair's box is, in the view's coordinates (for tests). */
    QRect crosshairBox() const;
    /** The y axis as drawn (its ticks span the data) and its labels (for tests). */
    std::pair<double, double> yRange() const { return {m_yLow, m_yHigh}; }
    QStringList yLabels() const;
    QStringList xLabels() const;
    /** The thresholds drawn as markers at the plot's edge, being outside the data's range. */
    QStringList edgeMarkerTexts() const;
    static QColor colorFor(const QString &seriesName);

signals:
    void drawn();
    void hovered(qint64 ms);
    void zoomRequested(qint64 fromMs, qint64 toMs);
    /** The context menu's "Logs around …": a marker's time, or the time under the cursor. */
    void logsAroundRequested(qint64 ms);

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void setAxes(qint64 fromMs, qint64 toMs, double low, double high, const QString &unit);
    void drawSlice();
    void finishDraw();
    QLineSeries *line(int index);
    void placeOverlays();
    void placeFills(const QRectF &plot);
    void placeEdgeMarkers(const QRectF &plot);
    qint64 timeAt(double x) const;
    double xOf(qint64 ms) const;

    /** What is left of the draw in progress: the runs, and how far it has got. */
    struct PendingDraw
    {
        QList<DrawnSeries> drawn;
        qsizetype series = 0, run = 0;
        int linesUsed = 0;
    };
    std::optional<PendingDraw> m_pendingDraw;
    QTimer m_sliceTimer;
    bool m_updatesHeld = false; // the viewport keeps its last frame while slices are drawn
    double m_longestTurnMs = 0, m_totalDrawMs = 0;
    QList<TimeSeries> m_series;
    QList<QLineSeries *> m_lines; // reused across refreshes: attached once, points replaced
    QString m_unit;
    qint64 m_fromMs = 0, m_toMs = 0;
    qint64 m_drawnPoints = 0;
    qint64 m_crosshairMs = -1;
    AnnotationOverlay m_annotations;
    QList<double> m_thresholds;
    QList<QGraphicsRectItem *> m_bands; // above each threshold: amber, then red, faintly
    QList<QGraphicsSimpleTextItem *> m_edgeMarkers; // thresholds outside the y range
    double m_yLow = 0, m_yHigh = 1;
    bool m_stacked = false;
    QList<DrawnSeries> m_fillRuns;      // stacked panels: the drawn cumulative runs
    QList<QGraphicsPathItem *> m_fills; // one band per series, under the lines
    QCategoryAxis *m_x; // time: ticks from timeTicks() (QDateTimeAxis cannot align them)
    QCategoryAxis *m_y;
    QGraphicsLineItem *m_crosshair;
    QGraphicsRectItem *m_valueBox;
    QGraphicsSimpleTextItem *m_valueText;
    QRubberBand *m_rubberBand = nullptr;
    int m_dragFrom = -1;
};

} // namespace Opsdeck
