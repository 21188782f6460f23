// SPDX-License-Identifier: GPL-3.0-or-later
#include "timechartview.h"

#include "metrics/axisticks.h"
#include "metrics/units.h"

#include <QCategoryAxis>
#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QMenu>
#include <QMouseEvent>
#include <QRubberBand>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace Opsdeck {

namespace {

/** About 4 ms of QtCharts' work on one core (see drawSlice()). */
constexpr qint64 kPointsPerTurn = 8000;

/** Replaces an axis's categories; QCategoryAxis wants unique labels, which the ticks have. */
void setTicks(QCategoryAxis *axis, double start, const QList<AxisTick> &ticks)
{
    for (const QString &label : axis->categoriesLabels())
        axis->remove(label);
    axis->setStartValue(start);
    for (const AxisTick &tick : ticks)
        axis->append(tick.label, tick.value);
}

QColor thresholdColor(int index)
{
    return index == 0 ? QColor(0xd9, 0x8e, 0x04) : QColor(0xd0, 0x3b, 0x3b);
}

} // namespace

TimeChartView::TimeChartView(QWidget *parent)
    : QChartView(new QChart, parent)
    , m_annotations(scene())
    , m_x(new QCategoryAxis)
    , m_y(new QCategoryAxis)
    , m_crosshair(new QGraphicsLineItem)
    , m_valueBox(new QGraphicsRectItem)
    , m_valueText(new QGraphicsSimpleTextItem)
{
    chart()->setAnimationOptions(QChart::NoAnimation);
    chart()->legend()->hide(); // the panel's own legend has the statistics
    chart()->setMargins(QMargins(4, 4, 4, 4));
    chart()->setBackgroundRoundness(0);
    for (QAbstractAxis *axis :
         {static_cast<QAbstractAxis *>(m_x), static_cast<QAbstractAxis *>(m_y)}) {
        axis->setLabelsFont(QFont(font().family(), 8));
        axis->setGridLineColor(QColor(235, 235, 235));
    }
    m_x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    setRenderHint(QPainter::Antialiasing, false);
    setMouseTracking(true);
    setMinimumHeight(160);
    // A big chart repaints faster in full than region by region while the mouse moves.
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    m_crosshair->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    m_crosshair->setZValue(20);
    m_crosshair->hide();
    m_valueBox->setBrush(QColor(255, 255, 255, 230));
    m_valueBox->setPen(QPen(QColor(190, 190, 190)));
    m_valueBox->setZValue(21);
    m_valueBox->hide();
    m_valueText->setZValue(22);
    m_valueText->hide();
    for (QGraphicsItem *item :
         {static_cast<QGraphicsItem *>(m_crosshair), static_cast<QGraphicsItem *>(m_valueBox),
          static_cast<QGraphicsItem *>(m_valueText)})
        scene()->addItem(item);
    connect(chart(), &QChart::plotAreaChanged, this, &TimeChartView::placeOverlays);
    m_sliceTimer.setSingleShot(true);
    m_sliceTimer.setInterval(0);
    connect(&m_sliceTimer, &QTimer::timeout, this, &TimeChartView::drawSlice);
}

QColor TimeChartView::colorFor(const QString &seriesName)
{
    // Stable across refreshes: the hue comes from the name, not from the order.
    const uint hash = qHash(seriesName, 0x5eed);
    return QColor::fromHsv(int(hash % 360), 170 + int(hash / 360 % 60), 190);
}

int TimeChartView::plotWidth() const
{
    const int w = int(chart()->plotArea().width());
    return w > 10 ? w : std::max(width() - 80, 100);
}

QLineSeries *TimeChartView::line(int index)
{
    while (m_lines.size() <= index) {
        auto *line = new QLineSeries;
        chart()->addSeries(line);
        line->attachAxis(m_x);
        line->attachAxis(m_y);
        m_lines << line;
    }
    return m_lines.at(index);
}

void TimeChartView::prepareLines(int count)
{
    if (m_lines.size() >= count)
        return;
    for (int i = 0; i < 4 && m_lines.size() < count; ++i)
        line(int(m_lines.size()))->setVisible(false);
    QTimer::singleShot(0, this, [this, count] { prepareLines(count); });
}

void TimeChartView::setSeries(const QList<TimeSeries> &series, const QList<DrawnSeries> &drawn,
                              qint64 fromMs, qint64 toMs, const QString &unit,
                              const QList<double> &thresholds)
{
    m_series = series;
    m_unit = unit;
    m_thresholds = thresholds;
    while (m_bands.size() < thresholds.size()) {
        auto *band = new QGraphicsRectItem;
        band->setPen(Qt::NoPen);
        band->setBrush(m_bands.isEmpty() ? QColor(0xd9, 0x8e, 0x04, 28)
                                         : QColor(0xd0, 0x3b, 0x3b, 28));
        band->setZValue(5);
        scene()->addItem(band);
        m_bands << band;
    }
    m_fromMs = fromMs;
    m_toMs = toMs;
    m_drawnPoints = 0;
    m_longestTurnMs = m_totalDrawMs = 0;
    double low = INFINITY, high = -INFINITY;
    qint64 points = 0;
    for (const DrawnSeries &s : drawn)
        for (const QList<QPointF> &run : s.runs) {
            points += run.size();
            for (const QPointF &p : run)
                low = std::min(low, p.y()), high = std::max(high, p.y());
        }
    // The y range fits the data; a threshold outside it is an edge marker (as Grafana does), so
    // a 1 s threshold does not squeeze 9–50 ms of data into the bottom 3 % of the plot.
    if (!std::isfinite(low)) // nothing to draw: a frame that shows the thresholds, or 0–1
        low = thresholds.isEmpty() ? 0 : *std::min_element(thresholds.begin(), thresholds.end()),
        high = thresholds.isEmpty() ? 1 : *std::max_element(thresholds.begin(), thresholds.end());
    if (m_stacked) // bands are filled from zero up
        low = std::min(low, 0.0);
    if (points > kPointsPerTurn && !m_updatesHeld) {
        setUpdatesEnabled(false); // no half-drawn frames: the old one stays until the last slice
        m_updatesHeld = true;
    }
    // Empty the lines, then move the axes, then hand over the new points: QtCharts rebuilds
    // every line's geometry when an axis range changes, and doing that for the old points first
    // doubled a refresh (measured: 40 ms instead of 20 for 20 series when the range moves on).
    QElapsedTimer clock;
    clock.start();
    clearLines();
    setAxes(fromMs, toMs, low, high, unit);
    // New labels may move the plot area. QtCharts rebuilds every line's geometry when it moves,
    // so the layout runs now, while the lines are empty, not in a later turn after they are full.
    if (QGraphicsLayout *layout = chart()->layout())
        layout->activate();
    m_pendingDraw = PendingDraw{drawn};
    m_totalDrawMs = double(clock.nsecsElapsed()) / 1e6;
    drawSlice();
}

void TimeChartView::clearLines()
{
    for (QLineSeries *l : std::as_const(m_lines))
        if (l->count() > 0)
            l->clear();
}

void TimeChartView::drawSlice()
{
    // QtCharts builds each line's geometry and its hover shape (a path stroker pass) inside
    // replace(): about half a microsecond a point, 20 ms for a panel of 20 series. Slices of
    // kPointsPerTurn points keep each event-loop turn to a few milliseconds.
    if (!m_pendingDraw)
        return;
    QElapsedTimer clock;
    clock.start();
    PendingDraw &d = *m_pendingDraw;
    qint64 budget = kPointsPerTurn;
    while (d.series < d.drawn.size() && budget > 0) {
        const DrawnSeries &s = d.drawn.at(d.series);
        if (d.run >= s.runs.size()) {
            ++d.series;
            d.run = 0;
            continue;
        }
        const QList<QPointF> &run = s.runs.at(d.run++);
        QLineSeries *l = line(d.linesUsed++);
        // Width 1, as Grafana draws: a wider pen leaves the raster engine's line drawer for its
        // general stroker, which made painting a 20-series panel cost more than drawing it.
        l->setPen(QPen(colorFor(s.name), 1));
        l->setPointsVisible(run.size() < 3); // a lone point has no line to draw
        l->replace(run);                     // one geometry rebuild per run
        l->setVisible(true);
        m_drawnPoints += run.size();
        budget -= std::max<qsizetype>(run.size(), 64); // a line costs something however short
    }
    const bool more = d.series < d.drawn.size();
    if (!more)
        finishDraw();
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    m_longestTurnMs = std::max(m_longestTurnMs, ms);
    m_totalDrawMs += ms;
    if (more)
        m_sliceTimer.start(); // a 0 ms single shot: paints and input get the turn in between
}

void TimeChartView::setStacked(bool stacked)
{
    m_stacked = stacked;
}

void TimeChartView::finishDraw()
{
    int used = m_pendingDraw->linesUsed;
    m_fillRuns = m_stacked ? m_pendingDraw->drawn : QList<DrawnSeries>();
    m_pendingDraw.reset();
    for (int i = 0; i < m_thresholds.size(); ++i) { // dashed lines across the range
        const double t = m_thresholds[i];
        if (t < m_yLow || t > m_yHigh)
            continue; // an edge marker instead (placeOverlays)
        QLineSeries *l = line(used++);
        l->setPen(QPen(thresholdColor(i), 1, Qt::DashLine));
        l->setPointsVisible(false);
        l->replace({QPointF(double(m_fromMs), t), QPointF(double(m_toMs), t)});
        l->setVisible(true);
    }
    for (int i = used; i < m_lines.size(); ++i) { // spare lines: empty and hidden, kept for later
        if (m_lines[i]->count() > 0)
            m_lines[i]->clear();
        m_lines[i]->setVisible(false);
    }
    placeOverlays();
    if (m_updatesHeld) {
        m_updatesHeld = false;
        setUpdatesEnabled(true); // repaints the whole view once
    }
    emit drawn();
}

void TimeChartView::setAxes(qint64 fromMs, qint64 toMs, double low, double high,
                            const QString &unit)
{
    // Both axes on clock-aligned and 1-2-5 ticks whose labels are exactly their values (QtCharts'
    // own axes divide the range evenly: 13:13, 13:15, 13:18 and 0.3 for 0.25).
    m_x->setRange(double(fromMs), double(toMs));
    setTicks(m_x, double(fromMs), timeTicks(fromMs, toMs, std::clamp(plotWidth() / 110, 4, 10)));
    if (low > 0 && low < high * 0.5)
        low = 0; // start at zero when the data is not far from it
    const int rows = std::clamp(int(chart()->plotArea().height()) / 40, 4, 8);
    const ValueAxis y = valueAxis(low, high, unit, rows);
    setTicks(m_y, y.low, y.ticks);
    m_y->setRange(y.low, y.high);
    m_yLow = y.low;
    m_yHigh = y.high;
}

void TimeChartView::setAnnotations(const QList<Annotation> &annotations)
{
    m_annotations.set(annotations);
    placeOverlays();
}

double TimeChartView::xOf(qint64 ms) const
{
    const QRectF plot = chart()->plotArea();
    if (m_toMs <= m_fromMs)
        return plot.left();
    return plot.left() + plot.width() * double(ms - m_fromMs) / double(m_toMs - m_fromMs);
}

qint64 TimeChartView::timeAt(double x) const
{
    const QRectF plot = chart()->plotArea();
    const double f = std::clamp((x - plot.left()) / std::max(plot.width(), 1.0), 0.0, 1.0);
    return m_fromMs + qint64(f * double(m_toMs - m_fromMs));
}

void TimeChartView::placeOverlays()
{
    const QRectF plot = chart()->plotArea();
    const auto yOf = [&](double v) {
        const double f =
            (std::clamp(v, m_yLow, m_yHigh) - m_yLow) / std::max(m_yHigh - m_yLow, 1e-300);
        return plot.bottom() - f * plot.height();
    };
    for (int i = 0; i < m_bands.size(); ++i) { // thresholds as colours: the zone above each
        const bool used = i < m_thresholds.size();
        m_bands[i]->setVisible(used);
        if (used) {
            const double top = i + 1 < m_thresholds.size() ? yOf(m_thresholds[i + 1]) : plot.top();
            m_bands[i]->setRect(
                QRectF(QPointF(plot.left(), top), QPointF(plot.right(), yOf(m_thresholds[i]))));
        }
    }
    placeEdgeMarkers(plot);
    placeFills(plot);
    m_annotations.place(plot, m_fromMs, m_toMs, [this](qint64 ms) { return xOf(ms); });
    setCrosshair(m_crosshairMs);
}

void TimeChartView::placeEdgeMarkers(const QRectF &plot)
{
    while (m_edgeMarkers.size() < m_thresholds.size()) {
        auto *marker = new QGraphicsSimpleTextItem;
        marker->setZValue(12);
        marker->setFont(QFont(font().family(), 8));
        scene()->addItem(marker);
        m_edgeMarkers << marker;
    }
    // Thresholds beyond the data: named at the edge they are beyond, right-aligned, stacked.
    double aboveY = plot.top() + 2, belowY = plot.bottom() - 2;
    for (int i = 0; i < m_edgeMarkers.size(); ++i) {
        QGraphicsSimpleTextItem *marker = m_edgeMarkers[i];
        const bool used = i < m_thresholds.size();
        const bool above = used && m_thresholds[i] > m_yHigh;
        const bool below = used && m_thresholds[i] < m_yLow;
        marker->setVisible(above || below);
        if (!above && !below)
            continue;
        marker->setBrush(thresholdColor(i));
        marker->setText(QStringLiteral("%1 threshold %2")
                            .arg(above ? QChar(0x25b2) : QChar(0x25bc))
                            .arg(formatValue(m_thresholds[i], m_unit)));
        const QRectF box = marker->boundingRect();
        const double y = above ? aboveY : belowY - box.height();
        marker->setPos(plot.right() - box.width() - 4, y);
        (above ? aboveY : belowY) += above ? box.height() : -box.height();
    }
}

QStringList TimeChartView::edgeMarkerTexts() const
{
    QStringList texts;
    for (const QGraphicsSimpleTextItem *marker : m_edgeMarkers)
        if (marker->isVisible())
            texts << marker->text();
    return texts;
}

void TimeChartView::placeFills(const QRectF &plot)
{
    const double span = double(std::max<qint64>(m_toMs - m_fromMs, 1));
    const double range = std::max(m_yHigh - m_yLow, 1e-300);
    const auto at = [&](const QPointF &p) {
        const double y = (std::clamp(p.y(), m_yLow, m_yHigh) - m_yLow) / range;
        return QPointF(plot.left() + plot.width() * (p.x() - double(m_fromMs)) / span,
                       plot.bottom() - y * plot.height());
    };
    while (m_fills.size() < m_fillRuns.size()) {
        auto *fill = new QGraphicsPathItem;
        fill->setPen(Qt::NoPen);
        fill->setZValue(3.5); // above the grid, under the lines (QtCharts' series are at 4)
        scene()->addItem(fill);
        m_fills << fill;
    }
    for (qsizetype i = 0; i < m_fills.size(); ++i) {
        m_fills[i]->setVisible(i < m_fillRuns.size());
        if (i >= m_fillRuns.size())
            continue;
        // Each run of this series, closed along the series below it where that has points in
        // the run's span, along zero where it has none (a gap below, or the first series).
        const QList<QList<QPointF>> *below = i > 0 ? &m_fillRuns[i - 1].runs : nullptr;
        QPainterPath path;
        for (const QList<QPointF> &run : m_fillRuns[i].runs) {
            if (run.size() < 2)
                continue;
            QPolygonF band;
            band.reserve(run.size() * 2 + 2);
            for (const QPointF &p : run)
                band << at(p);
            const double from = run.first().x(), to = run.last().x();
            QPolygonF floor;
            if (below)
                for (const QList<QPointF> &under : *below)
                    for (const QPointF &p : under)
                        if (p.x() >= from && p.x() <= to)
                            floor << at(p);
            if (floor.isEmpty())
                floor << at(QPointF(from, 0)) << at(QPointF(to, 0));
            for (qsizetype k = floor.size() - 1; k >= 0; --k)
                band << floor[k];
            path.addPolygon(band);
            path.closeSubpath();
        }
        QColor color = colorFor(m_fillRuns[i].name);
        color.setAlpha(70);
        m_fills[i]->setBrush(color);
        m_fills[i]->setPath(path);
    }
}

QString TimeChartView::crosshairText() const
{
    return m_valueText->isVisible() ? m_valueText->text() : QString();
}

QStringList TimeChartView::yLabels() const
{
    return m_y->categoriesLabels();
}

QStringList TimeChartView::xLabels() const
{
    return m_x->categoriesLabels();
}

QList<double> TimeChartView::markerPositions() const
{
    QList<double> xs;
    for (const double x : m_annotations.linePositions())
        xs << mapFromScene(QPointF(x, 0)).x();
    return xs;
}

QList<std::pair<double, double>> TimeChartView::bandExtents() const
{
    QList<std::pair<double, double>> extents;
    for (const auto &[left, right] : m_annotations.bandExtents())
        extents << std::pair(mapFromScene(QPointF(left, 0)).x(),
                             mapFromScene(QPointF(right, 0)).x());
    return extents;
}

void TimeChartView::setCrosshair(qint64 ms)
{
    m_crosshairMs = ms;
    const QRectF plot = chart()->plotArea();
    const bool show = ms >= m_fromMs && ms <= m_toMs && m_toMs > m_fromMs && !m_series.isEmpty();
    for (QGraphicsItem *item :
         {static_cast<QGraphicsItem *>(m_crosshair), static_cast<QGraphicsItem *>(m_valueBox),
          static_cast<QGraphicsItem *>(m_valueText)})
        item->setVisible(show);
    if (!show)
        return;
    const double x = xOf(ms);
    m_crosshair->setLine(x, plot.top(), x, plot.bottom());
    // Each series' own value at the step nearest the crosshair (at most 8 lines); a stacked
    // panel adds the total, never running sums in place of the values.
    QStringList lines{QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"))};
    // The box stays inside the plot: as many lines as fit its height, names elided to fit its
    // width (a long label set must not push the values out of the window).
    const QFontMetricsF metrics(m_valueText->font());
    const int maxLines =
        std::clamp(int((plot.height() - 8) / metrics.lineSpacing()) - (m_stacked ? 2 : 1), 1, 8);
    const double nameWidth = std::max(40.0, plot.width() * 0.6);
    double total = 0;
    bool anyValue = false;
    for (const TimeSeries &s : std::as_const(m_series)) {
        const qint64 i =
            s.grid.stepMs > 0 ? qRound64(double(ms - s.grid.startMs) / double(s.grid.stepMs)) : -1;
        if (i < 0 || std::size_t(i) >= s.values.size())
            continue;
        const double value = s.values[std::size_t(i)];
        if (std::isfinite(value))
            total += value, anyValue = true;
        if (lines.size() <= maxLines)
            lines << QStringLiteral("%1: %2").arg(
                metrics.elidedText(s.name.left(200), Qt::ElideMiddle, nameWidth),
                formatValue(value, m_unit));
    }
    if (m_stacked && anyValue)
        lines << QStringLiteral("Total: %1").arg(formatValue(total, m_unit));
    m_valueText->setText(lines.join(QLatin1Char('\n')));
    const QRectF text = m_valueText->boundingRect();
    double left = x + 8;
    if (left + text.width() + 8 > plot.right())
        left = x - text.width() - 16;
    left = std::clamp(left, plot.left(), std::max(plot.left(), plot.right() - text.width() - 8));
    m_valueText->setPos(left + 4, plot.top() + 4);
    m_valueBox->setRect(left, plot.top(), text.width() + 8, text.height() + 8);
}

QRect TimeChartView::crosshairBox() const
{
    return mapFromScene(m_valueBox->sceneBoundingRect()).boundingRect();
}

void TimeChartView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF scenePos = mapToScene(event->position().toPoint());
    if (chart()->plotArea().contains(scenePos))
        emit hovered(timeAt(scenePos.x()));
    else
        emit hovered(-1);
    if (m_rubberBand && m_dragFrom >= 0)
        m_rubberBand->setGeometry(
            QRect(QPoint(std::min(m_dragFrom, int(event->position().x())), 0),
                  QPoint(std::max(m_dragFrom, int(event->position().x())), height()))
                .normalized());
    QChartView::mouseMoveEvent(event);
}

void TimeChartView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragFrom = int(event->position().x());
        if (!m_rubberBand)
            m_rubberBand = new QRubberBand(QRubberBand::Rectangle, this);
        m_rubberBand->setGeometry(m_dragFrom, 0, 1, height());
        m_rubberBand->show();
    }
    QChartView::mousePressEvent(event);
}

void TimeChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_dragFrom >= 0) {
        m_rubberBand->hide();
        const int to = int(event->position().x());
        if (std::abs(to - m_dragFrom) > 5) {
            const qint64 a = timeAt(mapToScene(QPoint(m_dragFrom, 0)).x());
            const qint64 b = timeAt(mapToScene(QPoint(to, 0)).x());
            emit zoomRequested(std::min(a, b), std::max(a, b));
        }
        m_dragFrom = -1;
    }
    QChartView::mouseReleaseEvent(event);
}

void TimeChartView::contextMenuEvent(QContextMenuEvent *event)
{
    const double x = mapToScene(event->pos()).x();
    if (!chart()->plotArea().contains(mapToScene(event->pos())))
        return;
    // A deploy or flag marker within a few pixels wins over the time under the cursor.
    qint64 at = timeAt(x);
    QString what = QDateTime::fromMSecsSinceEpoch(at).toString(QStringLiteral("HH:mm:ss"));
    for (const Annotation &a : m_annotations.annotations())
        if (std::abs(xOf(a.atMs) - x) <= 4)
            std::tie(at, what) = std::pair(a.atMs, a.title);
    QMenu menu(this);
    menu.addAction(tr("Logs around %1").arg(what), this,
                   [this, at] { emit logsAroundRequested(at); });
    menu.exec(event->globalPos());
}

void TimeChartView::leaveEvent(QEvent *event)
{
    emit hovered(-1);
    QChartView::leaveEvent(event);
}

void TimeChartView::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    placeOverlays();
}

} // namespace Opsdeck
