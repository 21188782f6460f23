// SPDX-License-Identifier: GPL-3.0-or-later
// The plot of a metrics panel on its own (offscreen, no services): a large panel is handed to
// QtCharts over several event-loop turns with the previous frame kept on screen until the last
// one, a small one at once, a newer answer replaces a draw in progress, and stacked series fill
// the band between each series and the one below it.
#include "metrics/chartpanel.h"
#include "metrics/timechartview.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QChart>
#include <QContextMenuEvent>
#include <QGraphicsPathItem>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Opsdeck;

namespace {

TimeSeries constant(const QString &name, double value, qint64 points)
{
    TimeSeries s;
    s.name = name;
    s.grid = {0, (points - 1) * 1000, 1000};
    s.values.assign(std::size_t(points), value);
    return s;
}

TimeSeries zigzag(const QString &name, qint64 points)
{
    TimeSeries s = constant(name, 0, points);
    for (std::size_t i = 0; i < s.values.size(); ++i)
        s.values[i] = double(i % 7) + name.size();
    return s;
}

/** `count` series of 11,001 points: more than one slice of drawing. */
QList<TimeSeries> manySeries(int count)
{
    QList<TimeSeries> series;
    for (int i = 0; i < count; ++i)
        series << zigzag(QStringLiteral("series %1").arg(i), 11001);
    return series;
}

/** Counts the paint events a widget receives. */
class PaintCounter final : public QObject
{
public:
    int paints = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return false;
    }
};

} // namespace

class TestTimeChartView final : public QObject
{
    Q_OBJECT

    static void show(TimeChartView &view)
    {
        view.resize(900, 360);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setSeries({}, {}, 0, 10000, QString(), {}); // a first, empty frame
        QTest::qWait(20);
    }

private slots:
    void aLargePanelIsDrawnOverSeveralTurnsKeepingTheLastFrame()
    {
        TimeChartView view;
        show(view);
        const QList<TimeSeries> series = manySeries(20);
        const qint64 from = 0, to = 11000 * 1000;
        const QList<DrawnSeries> drawn = drawSeries(series, from, to, view.plotWidth(), false);
        qint64 points = 0;
        for (const DrawnSeries &s : drawn)
            for (const QList<QPointF> &run : s.runs)
                points += run.size();
        QVERIFY2(points > 20000, qPrintable(QString::number(points))); // more than one slice

        PaintCounter counter;
        view.viewport()->installEventFilter(&counter);
        QSignalSpy drawnSpy(&view, &TimeChartView::drawn);
        view.setSeries(series, drawn, from, to, QString(), {});
        QVERIFY(view.isDrawing());
        QVERIFY(!view.updatesEnabled()); // the old frame stays up: no half-drawn plot
        QVERIFY(view.drawnPoints() < points);
        QCOMPARE(drawnSpy.count(), 0);
        QVERIFY(drawnSpy.wait(10000));
        QCOMPARE(drawnSpy.count(), 1);
        QCOMPARE(counter.paints, 0); // nothing painted between the slices
        QVERIFY(!view.isDrawing());
        QCOMPARE(view.drawnPoints(), points);
        QVERIFY(view.updatesEnabled());
        QVERIFY2(view.lastDrawLongestTurnMs() < view.lastDrawTotalMs(),
                 "the draw took more than one turn");
        QTRY_VERIFY(counter.paints > 0); // and the finished plot is painted
    }

    void aSmallPanelIsDrawnAtOnce()
    {
        TimeChartView view;
        show(view);
        const QList<TimeSeries> series{zigzag(QStringLiteral("cpu"), 300)};
        QSignalSpy drawnSpy(&view, &TimeChartView::drawn);
        view.setSeries(series, drawSeries(series, 0, 299000, view.plotWidth(), false), 0, 299000,
                       QString(), {});
        QCOMPARE(drawnSpy.count(), 1);
        QVERIFY(!view.isDrawing());
        QCOMPARE(view.drawnPoints(), 300);
        QVERIFY(view.updatesEnabled());
    }

    // Right-click on a deploy marker: "Logs around deploy v2" asks for the marker's own time;
    // elsewhere on the plot, the time under the cursor.
    void theContextMenuOpensTheLogsAroundAMarker()
    {
        TimeChartView view;
        show(view);
        const QList<TimeSeries> series{zigzag(QStringLiteral("cpu"), 300)};
        view.setSeries(series, drawSeries(series, 0, 299000, view.plotWidth(), false), 0, 299000,
                       QString(), {});
        Annotation deploy;
        deploy.atMs = 120'000;
        deploy.title = QStringLiteral("deploy v2");
        view.setAnnotations({deploy});
        QSignalSpy asked(&view, &TimeChartView::logsAroundRequested);
        const QRectF plot = view.chart()->plotArea(); // scene coordinates
        const int middleY = view.mapFromScene(plot.center()).y();
        const auto rightClickAt = [&view, middleY](int x, QString *menuText) { // view coordinates
            QTimer::singleShot(100, [menuText] {
                auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
                if (!menu || menu->actions().isEmpty())
                    return;
                *menuText = menu->actions().first()->text();
                menu->actions().first()->trigger();
                menu->close();
            });
            const QPoint at(x, middleY);
            QContextMenuEvent event(QContextMenuEvent::Mouse, at, view.mapToGlobal(at));
            QApplication::sendEvent(view.viewport(), &event);
        };
        QString text;
        QCOMPARE(view.markerPositions().size(), 1);
        rightClickAt(int(view.markerPositions().value(0)) + 2, &text);
        QCOMPARE(text, QStringLiteral("Logs around deploy v2"));
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.at(0).at(0).toLongLong(), 120'000);
        rightClickAt(
            view.mapFromScene(QPointF(plot.left() + plot.width() * 0.75, plot.center().y())).x(),
            &text);
        QCOMPARE(asked.count(), 2);
        QVERIFY(qAbs(asked.at(1).at(0).toLongLong() - 224'250) < 5'000); // three quarters in
    }

    void aNewerAnswerReplacesADrawInProgress()
    {
        TimeChartView view;
        show(view);
        const QList<TimeSeries> large = manySeries(12);
        view.setSeries(large, drawSeries(large, 0, 11000000, view.plotWidth(), false), 0, 11000000,
                       QString(), {});
        QVERIFY(view.isDrawing());
        const QList<TimeSeries> small{constant(QStringLiteral("one"), 5, 100)};
        QSignalSpy drawnSpy(&view, &TimeChartView::drawn);
        view.setSeries(small, drawSeries(small, 0, 99000, view.plotWidth(), false), 0, 99000,
                       QString(), {});
        QCOMPARE(drawnSpy.count(), 1);
        QVERIFY(!view.isDrawing());
        QCOMPARE(view.drawnPoints(), 100);
        QVERIFY(view.updatesEnabled());
        QTest::qWait(50); // nothing of the abandoned draw comes back
        QCOMPARE(view.drawnPoints(), 100);
        QCOMPARE(drawnSpy.count(), 1);
    }

    void stackedSeriesFillTheirBands()
    {
        TimeChartView view;
        view.setStacked(true);
        show(view);
        // 1 and 2 stacked: bands 0–1 and 1–3 on a 0–3 axis.
        const QList<TimeSeries> series{constant(QStringLiteral("a"), 1, 50),
                                       constant(QStringLiteral("b"), 2, 50)};
        view.setSeries(stacked(series), drawSeries(series, 0, 49000, view.plotWidth(), true), 0,
                       49000, QString(), {});
        QVERIFY(!view.isDrawing());
        QList<QGraphicsPathItem *> fills;
        for (QGraphicsItem *item : view.scene()->items(Qt::AscendingOrder))
            if (auto *fill = dynamic_cast<QGraphicsPathItem *>(item); fill && fill->isVisible())
                fills << fill;
        QCOMPARE(fills.size(), 2);
        const QRectF plot = view.chart()->plotArea();
        const auto yOf = [&](double v) {
            return plot.bottom() - plot.height() * v / 3.0;
        };
        QRectF bands[2] = {fills[0]->path().boundingRect(), fills[1]->path().boundingRect()};
        if (bands[0].top() < bands[1].top())
            std::swap(bands[0], bands[1]); // the lower band first
        QVERIFY2(std::abs(bands[0].top() - yOf(1)) < 1.5,
                 qPrintable(QString::number(bands[0].top())));
        QVERIFY(std::abs(bands[0].bottom() - yOf(0)) < 1.5);
        QVERIFY(std::abs(bands[1].top() - yOf(3)) < 1.5);
        QVERIFY(std::abs(bands[1].bottom() - yOf(1)) < 1.5);
        QVERIFY(std::abs(bands[1].left() - plot.left()) < 1.5);
        QVERIFY(std::abs(bands[1].right() - plot.right()) < 1.5);
        // Drawn: the middle of each band is tinted, not white.
        const QImage image = view.grab().toImage();
        for (const QRectF &band : bands) {
            const QColor c = image.pixelColor(view.mapFromScene(band.center()));
            QVERIFY2(c.saturation() > 20, qPrintable(c.name()));
        }
        // Unstacked panels fill nothing.
        view.setStacked(false);
        view.setSeries(series, drawSeries(series, 0, 49000, view.plotWidth(), false), 0, 49000,
                       QString(), {});
        for (QGraphicsItem *item : view.scene()->items())
            if (auto *fill = dynamic_cast<QGraphicsPathItem *>(item))
                QVERIFY(!fill->isVisible());
    }

    void theLinesFollowThePlotAreaWhenLabelsWidenAndOnResize()
    {
        TimeChartView view;
        show(view);
        const auto lineBounds = [&view] {
            QRectF bounds;
            for (QAbstractSeries *series : view.chart()->series())
                if (series->isVisible())
                    for (QGraphicsItem *item : view.scene()->items())
                        if (item->zValue() == 4 && item->isVisible() &&
                            !item->boundingRect().isEmpty() &&
                            !dynamic_cast<QGraphicsPathItem *>(item))
                            bounds |= item->sceneBoundingRect();
            return bounds;
        };
        const auto inside = [&view](const QRectF &lines) {
            const QRectF plot = view.chart()->plotArea().adjusted(-3, -3, 3, 3);
            return !lines.isEmpty() && plot.contains(lines);
        };
        const QList<TimeSeries> small{zigzag(QStringLiteral("x"), 100)};
        view.setSeries(small, drawSeries(small, 0, 99000, view.plotWidth(), false), 0, 99000,
                       QString(), {});
        const QRectF narrow = view.chart()->plotArea();
        QVERIFY(narrow.left() > 10 && narrow.bottom() < view.height() - 10); // labels fit
        QVERIFY2(inside(lineBounds()), "lines inside the plot");
        // Labels like "3.4 GiB" are wider: the plot area moves right, the new lines with it.
        const QList<TimeSeries> big{constant(QStringLiteral("bytes"), 3.5e9, 100)};
        view.setSeries(big, drawSeries(big, 0, 99000, view.plotWidth(), false), 0, 99000,
                       QStringLiteral("bytes"), {});
        QVERIFY(view.chart()->plotArea().left() > narrow.left());
        // Ticks at round GiB values: every label different ("3.4 GiB" once, not twice).
        QStringList labels;
        for (QAbstractAxis *axis : view.chart()->axes(Qt::Vertical))
            if (auto *category = qobject_cast<QCategoryAxis *>(axis))
                for (const QString &label : category->categoriesLabels())
                    labels << QString(label).remove(QChar(0x200b));
        QVERIFY(labels.size() >= 3);
        QCOMPARE(QSet<QString>(labels.begin(), labels.end()).size(), labels.size());
        QVERIFY2(inside(lineBounds()), "lines inside the moved plot");
        // A taller view: axes, grid and lines all follow.
        view.resize(900, 500);
        QTest::qWait(50);
        QVERIFY(view.chart()->plotArea().bottom() > narrow.bottom() + 100);
        QVERIFY2(inside(lineBounds()), "lines inside the resized plot");
        QRectF background; // QtCharts' chart background item, below everything
        for (QGraphicsItem *item : view.scene()->items())
            if (item->zValue() == -1)
                background |= item->sceneBoundingRect();
        QVERIFY2(background.height() > 480, qPrintable(QString::number(background.height())));
    }

    void theCrosshairOfAStackedPanelShowsEachSeriesOwnValue()
    {
        // Hovering a stacked chart read "200: 2, 302: 2.33, 404: 2.33" (running totals) while
        // the legend said 2 / 0.333 / 0.
        PanelSpec spec;
        spec.title = QStringLiteral("requests by status");
        spec.stack = true;
        ChartPanel panel(spec);
        panel.resize(900, 360);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        PanelResult result;
        result.series = {constant(QStringLiteral("200"), 2, 50),
                         constant(QStringLiteral("302"), 1.0 / 3, 50),
                         constant(QStringLiteral("404"), 0, 50)};
        panel.setResult(result, 0, 49000);
        panel.chartView()->setCrosshair(20000);
        const QStringList lines = panel.chartView()->crosshairText().split(QLatin1Char('\n'));
        QVERIFY2(lines.contains(QStringLiteral("200: 2")), qPrintable(lines.join(u'|')));
        QVERIFY2(lines.contains(QStringLiteral("302: 0.333")), qPrintable(lines.join(u'|')));
        QVERIFY2(lines.contains(QStringLiteral("404: 0")), qPrintable(lines.join(u'|')));
        QVERIFY2(lines.contains(QStringLiteral("Total: 2.33")), qPrintable(lines.join(u'|')));
    }

    void theCrosshairBoxStaysInsideASmallPanel()
    {
        // Long label sets, many series, a narrow and short panel: the box used to run off the
        // window's edge (and below it) instead of fitting.
        TimeChartView view;
        view.resize(320, 220);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QList<TimeSeries> series;
        for (int i = 0; i < 12; ++i)
            series << constant(QStringLiteral("{device=\"/dev/mapper/volume-group-%1-data\", "
                                              "instance=\"web%1.example.internal:9100\"}")
                                   .arg(i),
                               i, 50);
        view.setSeries(series, drawSeries(series, 0, 49000, 300, false), 0, 49000, QString(), {});
        for (const qint64 ms : {qint64(0), qint64(24000), qint64(49000)}) {
            view.setCrosshair(ms);
            const QRect box = view.crosshairBox();
            QVERIFY2(view.rect().contains(box), qPrintable(QStringLiteral("%1: %2,%3 %4x%5")
                                                               .arg(ms)
                                                               .arg(box.x())
                                                               .arg(box.y())
                                                               .arg(box.width())
                                                               .arg(box.height())));
            // Fewer lines than series when they do not fit; each still shows its value.
            const QStringList lines = view.crosshairText().split(QLatin1Char('\n'));
            QVERIFY(lines.size() >= 2 && lines.size() < 13);
            QVERIFY2(lines.value(1).endsWith(QStringLiteral(": 0")), qPrintable(lines.value(1)));
        }
    }

    void aThresholdFarAboveTheDataIsAnEdgeMarker()
    {
        TimeChartView view;
        show(view);
        // p90 latency at 9–50 ms with a 1 s threshold: the data keeps the plot.
        TimeSeries latency = constant(QStringLiteral("p90"), 0.009, 60);
        for (std::size_t i = 0; i < latency.values.size(); ++i)
            latency.values[i] = 0.009 + 0.041 * double(i % 10) / 9;
        const QList<TimeSeries> series{latency};
        view.setSeries(series, drawSeries(series, 0, 59000, view.plotWidth(), false), 0, 59000,
                       QStringLiteral("s"), {0.03, 1.0});
        QVERIFY(!view.isDrawing());
        const auto [low, high] = view.yRange();
        QVERIFY2(high >= 0.05 && high <= 0.1, qPrintable(QString::number(high)));
        QCOMPARE(low, 0.0);
        // 30 ms is inside: a dashed line. 1 s is not: named at the top edge.
        QCOMPARE(view.edgeMarkerTexts(), QStringList{QStringLiteral("\u25b2 threshold 1 s")});
        // Labels are the ticks' values: 0, 10 ms, 20 ms, … (no "0.3"-style rounding).
        const QStringList labels = view.yLabels();
        QVERIFY2(labels.size() >= 4, qPrintable(labels.join(u'|')));
        QCOMPARE(labels.first(), QStringLiteral("0 s"));
        QVERIFY2(labels.contains(QStringLiteral("10 ms")) ||
                     labels.contains(QStringLiteral("20 ms")),
                 qPrintable(labels.join(u'|')));
    }

    void timeLabelsFallOnTheClock()
    {
        TimeChartView view;
        show(view);
        const qint64 from = QDateTime(QDate(2026, 12, 5), QTime(13, 12, 41)).toMSecsSinceEpoch();
        const QList<TimeSeries> series{constant(QStringLiteral("x"), 1, 10)};
        view.setSeries(series, drawSeries(series, from, from + 900000, view.plotWidth(), false),
                       from, from + 900000, QString(), {});
        const QStringList labels = view.xLabels();
        QVERIFY2(labels.size() >= 4 && labels.size() <= 10, qPrintable(labels.join(u'|')));
        for (const QString &label : labels) {
            const QTime time = QTime::fromString(label, QStringLiteral("HH:mm"));
            QVERIFY2(time.isValid() && time.minute() % 2 == 0, qPrintable(label));
        }
    }
};

QTEST_MAIN(TestTimeChartView)
#include "tst_timechartview.moc"
