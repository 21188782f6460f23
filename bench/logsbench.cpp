// SPDX-License-Identifier: GPL-3.0-or-later
// The Logs pane reading a large window the way the window does: every stream's lines into the
// table (history sorted in the pool, handed over in slices), then a search over what is held.
// Prints how long until every line was read and shown, the longest event-loop stall and
// resident memory.
//   bench-logs WORKSPACE ENVIRONMENT EXPECTED_LINES [CAPACITY]
//   bench-logs WORKSPACE ENVIRONMENT --latency APP_PORT [REQUESTS]
//       (how long a request takes from the app's access log to the pane, followed)
#include "benchclock.h"
#include "logs/logmerger.h"
#include "logs/logspane.h"
#include "logtablemodel.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "workspace/workspaceloader.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUuid>

#include <cstdio>

using namespace Opsdeck;
using namespace OpsdeckBench;

namespace {

/**
 * Runs the event loop until `done()`, looking every 5 ms. The loop sleeps in between, as a user's
 * does: a loop that polls without sleeping keeps the UI thread always runnable, and the kernel
 * then makes it wait behind every worker that wakes (that doubled the stalls measured here).
 */
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer check;
    QElapsedTimer clock;
    clock.start();
    bool finished = false;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        finished = done();
        if (finished || clock.elapsed() > timeoutMs)
            loop.quit();
    });
    check.start(5);
    loop.exec();
    return finished;
}

/** Requests to the app one after another; for each, the time until its line is in the table. */
int measureLatency(LogsPane *pane, int port, int requests)
{
    if (!spinUntil([pane] { return pane->isSettled(); }, 120'000))
        return 1;
    QNetworkAccessManager http;
    QList<double> latencies;
    for (int i = 0; i < requests; ++i) {
        const QString probe = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QElapsedTimer clock;
        clock.start();
        QNetworkReply *reply = http.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1/?latency=%2").arg(port).arg(probe))));
        QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        const bool seen = spinUntil(
            [pane, &probe] {
                const LogTableModel *model = pane->model();
                for (int row = model->rowCount() - 1; row >= 0 && row >= model->rowCount() - 200;
                     --row)
                    if (model->entryAt(row).message.contains(probe))
                        return true;
                return false;
            },
            30'000);
        if (!seen)
            return 1;
        latencies << double(clock.nsecsElapsed()) / 1e6;
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("a request's access line in the pane (followed, %lld requests): median %.0f ms, "
                "worst %.0f ms "
                "(%d ms of it the merger's hold, to keep hosts in time order)\n",
                qint64(latencies.size()), latencies.at(latencies.size() / 2), latencies.last(),
                LogMerger::kFollowDelayMs);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench-logs WORKSPACE ENVIRONMENT EXPECTED_LINES [CAPACITY]\n");
        return 2;
    }
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(QString::fromLocal8Bit(argv[1]));
    if (!loaded.ok())
        return 2;
    const qint64 expected = QByteArray(argv[3]).toLongLong();
    FixedPrompter reject{HostKeyDecision::Reject};
    SshPool pool(*loaded.workspace, &reject);
    EnvironmentContexts contexts(*loaded.workspace, &pool);
    EnvironmentContext *context = contexts.context(QString::fromLocal8Bit(argv[2]));
    if (!context)
        return 2;

    if (QByteArray(argv[3]) == "--latency") {
        auto *pane = new LogsPane(*context);
        pane->resize(1400, 900);
        pane->show();
        const int result = measureLatency(pane, QByteArray(argv[4]).toInt(),
                                          argc > 5 ? QByteArray(argv[5]).toInt() : 10);
        delete pane;
        return result;
    }
    const qint64 rssBefore = rssKb();
    auto *pane = new LogsPane(*context);
    if (argc > 4)
        pane->model()->setCapacity(QByteArray(argv[4]).toInt());
    StallClock stall;
    app.resetSlowest();
    QElapsedTimer clock;
    clock.start();
    pane->resize(1400, 900);
    pane->show();
    const bool read = spinUntil(
        [pane, expected] {
            return pane->isSettled() &&
                   pane->model()->heldCount() + pane->linesOnDisk() + pane->linesLetGo() >=
                       expected;
        },
        600'000);
    const double readMs = double(clock.nsecsElapsed()) / 1e6;
    const double readStall = stall.longestMs();
    const qint64 rssRead = rssKb();
    std::printf(
        "logs pane: %lld lines %s in %.0f ms (%.0f lines/s); %d held, %lld on disk, %lld "
        "let go; longest stall %.1f ms (the UI thread on the CPU %.1f ms of it, waiting for "
        "a CPU %.1f ms)\n",
        pane->model()->heldCount() + pane->linesOnDisk() + pane->linesLetGo(),
        read ? "read and shown" : "(TIMED OUT)", readMs, double(expected) / (readMs / 1000.0),
        pane->model()->heldCount(), pane->linesOnDisk(), pane->linesLetGo(), readStall,
        stall.longestCpuMs(), stall.longestWaitedMs());
    std::printf("slowest event handled while reading: %s\n", qPrintable(app.slowest()));

    stall.reset();
    clock.restart();
    pane->searchField()->setText(QStringLiteral("status=500"));
    spinUntil(
        [pane] { return !pane->model()->filter().isEmpty() && !pane->model()->isSearching(); },
        120'000);
    const double searchMs = double(clock.nsecsElapsed()) / 1e6;
    std::printf("search status=500 over %d held lines and %lld on disk: %.0f ms (from the last "
                "keystroke, 150 ms of it the typing pause), %d shown (%d from disk); longest "
                "stall %.1f ms\n",
                pane->model()->heldCount(), pane->model()->spillScanned(), searchMs,
                pane->model()->rowCount(), pane->model()->olderMatchCount(), stall.longestMs());
    std::printf("resident memory: %lld MB before, %lld MB with the lines held\n", rssBefore / 1024,
                rssRead / 1024);
    delete pane;
    return read ? 0 : 1;
}
