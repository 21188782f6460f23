// SPDX-License-Identifier: GPL-3.0-or-later
// The Logs pane reading a large window the way the window does: every stream's lines into the
// table (history sorted in the pool, handed over in slices), then a search over what is held.
// Prints how long until every line was read and shown, the longest event-loop stall and
// resident memory.
//   bench-logs WORKSPACE ENVIRONMENT EXPECTED_LINES [CAPACITY]
#include "benchclock.h"
#include "logs/logspane.h"
#include "logtablemodel.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "workspace/workspaceloader.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QTimer>

#include <cstdio>

using namespace Opsdeck;
using namespace OpsdeckBench;

namespace {

bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
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

    const qint64 rssBefore = rssKb();
    auto *pane = new LogsPane(*context);
    if (argc > 4)
        pane->model()->setCapacity(QByteArray(argv[4]).toInt());
    StallClock stall;
    QElapsedTimer clock;
    clock.start();
    pane->resize(1400, 900);
    pane->show();
    const bool read = spinUntil(
        [pane, expected] {
            return pane->isSettled() && pane->model()->heldCount() + pane->linesLetGo() >= expected;
        },
        600'000);
    const double readMs = double(clock.nsecsElapsed()) / 1e6;
    const double readStall = stall.longestMs();
    const qint64 rssRead = rssKb();
    std::printf("logs pane: %lld lines %s in %.0f ms (%.0f lines/s); %d held, %lld let go; longest "
                "stall %.1f ms\n",
                pane->model()->heldCount() + pane->linesLetGo(),
                read ? "read and shown" : "(TIMED OUT)", readMs,
                double(expected) / (readMs / 1000.0), pane->model()->heldCount(),
                pane->linesLetGo(), readStall);

    stall.reset();
    clock.restart();
    pane->searchField()->setText(QStringLiteral("status=500"));
    spinUntil(
        [pane] { return !pane->model()->filter().isEmpty() && !pane->model()->isSearching(); },
        120'000);
    const double searchMs = double(clock.nsecsElapsed()) / 1e6;
    std::printf(
        "search status=500 over %d held lines: %.0f ms (from the last keystroke, 150 ms of it the "
        "typing pause), %d shown; longest stall %.1f ms\n",
        pane->model()->heldCount(), searchMs, pane->model()->rowCount(), stall.longestMs());
    std::printf("resident memory: %lld MB before, %lld MB with the lines held\n", rssBefore / 1024,
                rssRead / 1024);
    delete pane;
    return read ? 0 : 1;
}
