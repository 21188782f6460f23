// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "timegrid.h"

#include <QList>
#include <QMap>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <cmath>
#include <vector>

namespace Opsdeck {

/**
 * One series on a regular grid, kept outside QtCharts: values[i] is at start + i × step, NaN
 * where there is no value (Prometheus had no sample, or NaN itself). 8 bytes a point.
 */
struct TimeSeries
{
    QString name; // the legend's text
    QMap<QString, QString> labels;
    QueryGrid grid;
    std::vector<double> values;

    struct Stats
    {
        double last = NAN, min = NAN, max = NAN, mean = NAN;
        qint64 count = 0; // values that are numbers
    };
    Stats stats() const;
    /** Nothing but zeros and gaps: Grafana's "hide series with only zeros / nulls". */
    bool isAllZeroOrNull() const;
};

/** One series as drawn: its runs for a plot of a given width (see drawableRuns). */
struct DrawnSeries
{
    QString name;
    QList<QList<QPointF>> runs;
};

/** What one panel query gave: its series, or an error to show on the panel. */
struct PanelResult
{
    QList<TimeSeries> series;
    QList<DrawnSeries> drawn; // prepared off the UI thread for `drawnWidth` (stacked if asked)
    int drawnWidth = 0;
    QString error;
    QStringList warnings;
    QueryGrid grid;
    qint64 elapsedMs = 0;
};

/**
 * The pool metrics work (parsing answers, decimating) runs on: one thread fewer than the
 * machine has cores, so a dashboard's twelve 8 MB answers never take the UI thread's core.
 */
QThreadPool *metricsThreadPool();

/** Grafana's legend text: the metric name and its labels, `{status="200", view="timeline"}`. */
QString seriesName(const QMap<QString, QString> &labels);

/**
 * Legend names for one panel's series. With `format`, Grafana's legendFormat: `{{instance}}`
 * replaced by each series' label. Without one, what tells the series apart: the value of the one
 * label that differs ("200", "eth0"), or `key=value` for each that differs; a lone series is named
 * by its metric, else its label values, else `fallback` (the panel's title) — never `{}`. Series
 * without labels (SQL panels: named by their column) keep their names.
 */
void applyLegendNames(QList<TimeSeries> &series, const QString &format, const QString &fallback);

/**
 * Stacks series (each becomes the running total of itself and those before it); a gap stacks
 * as zero where other series have values, and stays a gap where all are gaps.
 */
QList<TimeSeries> stacked(QList<TimeSeries> series);

/**
 * Points to draw for `series` in a plot `widthPx` wide spanning [fromMs, toMs]: per pixel
 * column the first, min, max and last point (M4), so every spike survives; gaps split the
 * result into separate runs (QtCharts cannot draw NaN). x is milliseconds since the epoch.
 */
QList<QList<QPointF>> drawableRuns(const TimeSeries &series, qint64 fromMs, qint64 toMs,
                                   int widthPx);

/** Every series of `series` (stacked first when asked) as drawn on a plot `widthPx` wide. */
QList<DrawnSeries> drawSeries(const QList<TimeSeries> &series, qint64 fromMs, qint64 toMs,
                              int widthPx, bool stack);

} // namespace Opsdeck
