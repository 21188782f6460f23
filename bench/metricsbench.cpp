// SPDX-License-Identifier: GPL-3.0-or-later
// Metrics pane benchmarks (bench/metrics.sh runs all three):
//   metricsbench points RUNS           (a) one series of 1k/10k/100k/1M raw points: Opsdeck's path
//                                      (decimate + replace + render) next to QtCharts fed raw
//   metricsbench dashboard REFRESHES   (b) 12 panels × 20 series × 11,001 points, refreshed every
//                                      5 s: parsing on the pool, UI-thread time per refresh,
//                                      longest event-loop stall, resident memory
//   metricsbench open WORKSPACE ENV RUNS  (c) opening the pane → every panel drawn (demo world)
#include "metrics/chartpanel.h"
#include "metrics/drawqueue.h"
#include "metrics/metricspane.h"
#include "metrics/promresponse.h"
#include "metrics/timechartview.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "workspace/workspaceloader.h"

#include "benchclock.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QFile>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QImage>
#include <QLineSeries>
#include <QPainter>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstdio>

using namespace Opsdeck;

namespace {

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

TimeSeries randomWalk(qint64 points, quint32 seed)
{
    TimeSeries s;
    s.name = QStringLiteral("walk %1").arg(seed);
    s.grid = {0, (points - 1) * 1000, 1000};
    s.values.resize(std::size_t(points));
    QRandomGenerator random(seed);
    double v = 50;
    for (double &x : s.values)
        x = v += random.generateDouble() - 0.5;
    return s;
}

int points(int runs)
{
    std::printf("(a) one series, 1200×400 plot, offscreen raster: replace + render\n");
    for (const qint64 n : {1000LL, 10000LL, 100000LL, 1000000LL}) {
        const TimeSeries s = randomWalk(n, 1);
        QList<double> ours, raw;
        for (int run = 0; run < runs; ++run) {
            TimeChartView view;
            view.resize(1200, 400);
            view.show(); // laid out: the chart has its real plot area
            view.setSeries({}, {}, s.grid.startMs, s.grid.endMs, QString(), {});
            spin(10);
            QImage image(1200, 400, QImage::Format_ARGB32_Premultiplied);
            QElapsedTimer t;
            t.start();
            view.setSeries({s},
                           drawSeries({s}, s.grid.startMs, s.grid.endMs, view.plotWidth(), false),
                           s.grid.startMs, s.grid.endMs, QString(), {});
            while (view.isDrawing()) // one series is one slice; more would take turns
                QCoreApplication::processEvents();
            QPainter painter(&image);
            view.render(&painter);
            painter.end();
            ours << double(t.nsecsElapsed()) / 1e6;
            if (n > 100000 && run > 0)
                continue; // QtCharts raw at 1M: once is plenty (it takes most of a second)
            QChartView plain;
            plain.resize(1200, 400);
            plain.chart()->setAnimationOptions(QChart::NoAnimation);
            auto *line = new QLineSeries;
            QList<QPointF> pts;
            pts.reserve(qsizetype(n));
            for (qint64 i = 0; i < n; ++i)
                pts << QPointF(double(s.grid.timeAt(i)), s.values[std::size_t(i)]);
            plain.chart()->addSeries(line);
            plain.chart()->createDefaultAxes();
            plain.show();
            spin(10);
            QImage image2(1200, 400, QImage::Format_ARGB32_Premultiplied);
            t.restart();
            line->replace(pts);
            plain.chart()->axes(Qt::Horizontal).first()->setRange(0.0, double(s.grid.endMs));
            plain.chart()->axes(Qt::Vertical).first()->setRange(0.0, 100.0);
            QPainter painter2(&image2);
            plain.render(&painter2);
            raw << double(t.nsecsElapsed()) / 1e6;
        }
        std::printf("  %8lld points   Opsdeck %8.1f ms (median of %d)   QtCharts raw "
                    "replace+render %8.1f ms\n",
                    n, median(ours), runs, median(raw));
    }
    return 0;
}

QByteArray matrixJson(int series, qint64 points, quint32 seed)
{
    QByteArray out = R"({"status":"success","data":{"resultType":"matrix","result":[)";
    QRandomGenerator random(seed);
    for (int s = 0; s < series; ++s) {
        out += s ? "," : "";
        out += R"({"metric":{"__name__":"bench","series":")" + QByteArray::number(s) +
               R"("},"values":[)";
        double v = 50;
        for (qint64 i = 0; i < points; ++i) {
            out += i ? ",[" : "[";
            out += QByteArray::number(1700000000 + i) + ",\"" +
                   QByteArray::number(v += random.generateDouble() - 0.5, 'g', 12) + "\"]";
        }
        out += "]}";
    }
    return out + "]}}";
}

int dashboard(int refreshes)
{
    constexpr int kPanels = 12, kSeries = 20;
    constexpr qint64 kPoints = 11001;
    const QueryGrid grid{1700000000000LL, (1700000000LL + kPoints - 1) * 1000, 1000};
    QList<QByteArray> answers;
    for (int p = 0; p < kPanels; ++p)
        answers << matrixJson(kSeries, kPoints, quint32(p + 1));
    QScrollArea window; // as the pane holds its panels: legends growing do not resize the window
    window.setWidgetResizable(true);
    auto *panelGrid = new QWidget;
    auto *layout = new QGridLayout(panelGrid);
    QList<ChartPanel *> panels;
    for (int p = 0; p < kPanels; ++p) {
        PanelSpec spec;
        spec.title = QStringLiteral("Panel %1").arg(p + 1);
        spec.query = QStringLiteral("bench");
        auto *panel = new ChartPanel(spec);
        panel->setFixedHeight(330); // as the pane does
        layout->addWidget(panel, p / 3, p % 3);
        panels << panel;
    }
    window.setWidget(panelGrid);
    window.resize(1800, 1200);
    window.show();
    spin(200);
    QElapsedTimer parseClock;
    QList<double> uiMs, parseMs, stalls, longestPanels, longestTurns;
    qint64 rssAfterFirst = 0;
    OpsdeckBench::StallClock stallClock;
    DrawQueue queue;
    for (int r = 0; r < refreshes; ++r) {
        stallClock.reset();
        int pending = kPanels;
        double ui = 0, longestPanel = 0, longestTurn = 0;
        // Each refresh looks 5 s further on, as "last 3 hours" does: the axes move every time.
        const qint64 shift = qint64(r) * 5000;
        parseClock.start();
        for (int p = 0; p < kPanels; ++p) {
            // As the pane does: parse on the pool, hand the result to the UI thread.
            auto *watcher = new QFutureWatcher<PanelResult>;
            QObject::connect(watcher, &QFutureWatcherBase::finished, [&, watcher, p] {
                const PanelResult prepared = watcher->result();
                watcher->deleteLater();
                queue.push([&, prepared, p] { // as the pane does: one panel per event-loop turn
                    QElapsedTimer t;
                    t.start();
                    panels[p]->setResult(prepared, grid.startMs + shift, grid.endMs + shift);
                    const double legend =
                        double(t.nsecsElapsed()) / 1e6 - panels[p]->chartView()->lastDrawTotalMs();
                    const auto drawn = [&, p, legend] { // the plot's last slice is drawn
                        const TimeChartView *view = panels[p]->chartView();
                        ui += legend + view->lastDrawTotalMs();
                        longestPanel = std::max(longestPanel, view->lastDrawTotalMs());
                        longestTurn = std::max(longestTurn, view->lastDrawLongestTurnMs());
                        --pending;
                    };
                    if (panels[p]->chartView()->isDrawing())
                        QObject::connect(panels[p]->chartView(), &TimeChartView::drawn, panels[p],
                                         drawn, Qt::SingleShotConnection);
                    else
                        drawn();
                });
            });
            const int width = panels[p]->plotWidth();
            watcher->setFuture(QtConcurrent::run(metricsThreadPool(), [&answers, p, grid, width,
                                                                       shift] {
                // As the pane does: parse, then decimate for the panel's width, off the UI thread.
                Result<QList<TimeSeries>> series = parsePrometheusResponse(answers[p], 200, grid);
                PanelResult prepared;
                prepared.grid = grid;
                if (series) {
                    prepared.series = series.value();
                    prepared.drawn = drawSeries(prepared.series, grid.startMs + shift,
                                                grid.endMs + shift, width, false);
                    prepared.drawnWidth = width;
                }
                return prepared;
            }));
        }
        while (pending > 0)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::processEvents(); // the panels paint in their own turns, as on screen
        parseMs << double(parseClock.nsecsElapsed()) / 1e6;
        uiMs << ui;
        spin(r + 1 < refreshes ? 5000 : 50); // the next refresh in 5 s
        stalls << stallClock.longestMs();
        if (r == 0)
            rssAfterFirst = OpsdeckBench::rssKb();
        longestPanels << longestPanel;
        longestTurns << longestTurn;
        std::fprintf(
            stderr,
            "  refresh %d: stall %.1f ms, UI %.1f ms (longest panel %.1f ms in turns of at "
            "most %.1f ms), RSS %lld MB\n",
            r + 1, stalls.last(), ui, longestPanel, longestTurn, OpsdeckBench::rssKb() / 1024);
    }
    QList<double> paintMs; // one panel repainted on its own (what a turn after its draw costs)
    for (ChartPanel *panel : panels) {
        QImage image(panel->size(), QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&image);
        QElapsedTimer t;
        t.start();
        panel->render(&painter); // the panel and its children, as a repaint draws them
        paintMs << double(t.nsecsElapsed()) / 1e6;
    }
    std::printf("(b) 12 panels × 20 series × 11,001 points (8.3 MB of JSON each), refreshed every "
                "5 s, %d refreshes\n",
                refreshes);
    std::printf("  answers → all panels drawn:        median %8.1f ms\n", median(parseMs));
    std::printf("  UI-thread time per refresh:          median %8.1f ms (240 series handed to "
                "QtCharts, legends)\n",
                median(uiMs));
    std::printf("  longest event-loop stall per refresh: median %8.1f ms   max %8.1f ms\n",
                median(stalls), *std::max_element(stalls.begin(), stalls.end()));
    std::printf("  one panel's plot handed to QtCharts:  median %8.1f ms (all its turns), its "
                "longest turn %.1f ms\n",
                median(longestPanels), median(longestTurns));
    std::printf("  one panel's paint (20 series):        median %8.1f ms\n", median(paintMs));
    std::printf("  resident memory: after the first refresh %lld MB, after the last %lld MB\n",
                rssAfterFirst / 1024, OpsdeckBench::rssKb() / 1024);
    return 0;
}

int open(const QString &workspacePath, const QString &env, int runs)
{
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(workspacePath);
    if (!loaded.ok())
        return 1;
    FixedPrompter accept(HostKeyDecision::Reject);
    SshPool pool(*loaded.workspace, &accept);
    QList<double> ms;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer t;
        t.start();
        EnvironmentContexts contexts(*loaded.workspace, &pool);
        MetricsPane pane(*contexts.context(env));
        pane.resize(1400, 1900);
        pane.show();
        QEventLoop loop;
        QObject::connect(&pane, &Pane::loaded, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
        if (!pane.dashboardNames().contains(QStringLiteral("Infrastructure")))
            return 1;
        bool refreshed = false;
        QObject::connect(&pane, &MetricsPane::refreshed, [&] {
            refreshed = true;
            loop.quit();
        });
        t.restart(); // the Infrastructure dashboard: 8 Prometheus panels through the SSH tunnel
        pane.showDashboard(QStringLiteral("Infrastructure"));
        if (!refreshed)
            loop.exec();
        pane.repaint();
        ms << double(t.nsecsElapsed()) / 1e6;
    }
    std::printf("(c) Infrastructure dashboard (8 Prometheus panels via the bastion tunnel), switch "
                "→ all drawn: median %.1f ms (%d runs)\n",
                median(ms), runs);
    return 0;
}

/**
 * With OPSDECK_BENCH_TRACE=MS set, every event that takes longer than MS ms is printed with its
 * type and receiver: what a stall is made of.
 */
class TracingApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!m_trace)
            return QApplication::notify(receiver, event);
        const int type = event->type();
        // Named before delivery: a DeferredDelete ends the receiver.
        const QByteArray name = QByteArray(receiver->metaObject()->className()) + " (" +
                                receiver->objectName().toUtf8() + ")";
        QElapsedTimer t;
        t.start();
        ++m_depth; // only the outermost event: nested ones are part of it
        const bool result = QApplication::notify(receiver, event);
        --m_depth;
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (ms > m_threshold && m_depth == 0)
            std::fprintf(stderr, "    slow event %d to %s: %.1f ms\n", type, name.constData(), ms);
        return result;
    }

private:
    bool m_trace = qEnvironmentVariableIsSet("OPSDECK_BENCH_TRACE");
    double m_threshold = qEnvironmentVariableIntValue("OPSDECK_BENCH_TRACE"); // ms
    int m_depth = 0;
};

} // namespace

int main(int argc, char *argv[])
{
    TracingApplication app(argc, argv);
    const QString mode = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (mode == QLatin1String("points"))
        return points(argc > 2 ? std::atoi(argv[2]) : 5);
    if (mode == QLatin1String("dashboard"))
        return dashboard(argc > 2 ? std::atoi(argv[2]) : 10);
    if (mode == QLatin1String("open") && argc > 3)
        return open(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]),
                    argc > 4 ? std::atoi(argv[4]) : 5);
    std::fprintf(
        stderr,
        "usage: metricsbench points RUNS | dashboard REFRESHES | open WORKSPACE ENV RUNS\n");
    return 2;
}
