// SPDX-License-Identifier: GPL-3.0-or-later
// The data grid in the Database pane, on a table of 10,000,000 rows (bench/dbexplorer.sh makes it):
//   datagridbench WORKSPACE ENV TABLE [PAGES]
// opens the pane as the window does (the environment's context, its one explorer session),
// asks for the table's rows, then turns PAGES pages forwards with Next, jumps to the last page
// and turns PAGES pages back with Previous. PAGES 0 (the default) is every page: the whole
// table, 20,000 pages of 500. It prints the first page's time, each page turn's median and
// worst time (the click until the rows are in the model and painted), the longest event-loop
// stall over the whole run (a 1 ms timer's longest gap) and the resident memory before and after.
#include "database/databasepane.h"
#include "database/datagridview.h"
#include "resultrowsmodel.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "ssh/hostkey.h"
#include "workspace/workspaceloader.h"

#include "benchclock.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLabel>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Opsdeck;

namespace {

/** Runs `action` and the event loop until the grid shows a page; returns the milliseconds. */
double timePage(DataGridView *grid, const std::function<void()> &action)
{
    QEventLoop loop;
    const auto shown = QObject::connect(grid, &DataGridView::pageShown, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, [&loop] { loop.exit(1); });
    QElapsedTimer t;
    t.start();
    action();
    const int timedOut = loop.exec();
    grid->table()->viewport()->repaint(); // the rows on screen, not only in the model
    QObject::disconnect(shown);
    return timedOut ? -1 : double(t.nsecsElapsed()) / 1e6;
}

struct Turns
{
    QList<double> ms;
    qint64 firstRow = 0; // the first cell of the last page shown, to check the run went far
    void print(const char *what) const
    {
        QList<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        std::printf("  %-34s %6lld pages   median %6.1f ms   p99 %6.1f ms   worst %6.1f ms\n", what,
                    qlonglong(ms.size()), sorted.value(sorted.size() / 2),
                    sorted.value(sorted.size() * 99 / 100), sorted.value(sorted.size() - 1));
    }
};

/** Turns up to `pages` pages; stops at the table's end (or start). */
bool turn(DataGridView *grid, int pages, bool forwards, Turns &turns)
{
    for (int i = 0; i < pages; ++i) {
        if (!(forwards ? grid->canGoNext() : grid->canGoPrevious()))
            break;
        if (i % 1000 == 999)
            std::fprintf(stderr, "  %s: %d pages\n", forwards ? "forwards" : "backwards", i + 1);
        const double ms = timePage(
            grid, [grid, forwards] { forwards ? grid->nextPage() : grid->previousPage(); });
        if (ms < 0)
            return false;
        turns.ms << ms;
    }
    turns.firstRow = grid->model()->index(0, 0).data().toLongLong();
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: datagridbench WORKSPACE ENV SCHEMA.TABLE [PAGES]\n");
        return 2;
    }
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(QString::fromLocal8Bit(argv[1]));
    if (!loaded.ok())
        return 1;
    const QString env = QString::fromLocal8Bit(argv[2]);
    const QString table = QString::fromLocal8Bit(argv[3]);
    const int pageArg = argc > 4 ? std::atoi(argv[4]) : 0;
    const int pages = pageArg > 0 ? pageArg : 10'000'000 / DataGridView::kPageSize;

    FixedPrompter reject(HostKeyDecision::Reject);
    SshPool pool(*loaded.workspace, &reject);
    EnvironmentContexts contexts(*loaded.workspace, &pool);
    DatabasePane pane(*contexts.context(env));
    pane.resize(1400, 900);
    pane.show();
    QEventLoop loop;
    QObject::connect(&pane, &Pane::loaded, &loop, &QEventLoop::quit);
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    if (!pane.hasLoaded())
        loop.exec();
    const qint64 rssBefore = OpsdeckBench::rssKb() / 1024;

    OpsdeckBench::StallClock stalls;
    DataGridView *grid = pane.grid();
    const double firstPage =
        timePage(grid, [&] { pane.openItem(QStringLiteral("table:") + table); });
    if (firstPage < 0 || grid->model()->rowCount() == 0) {
        std::fprintf(stderr, "no rows from %s: %s\n", qPrintable(table),
                     qPrintable(grid->status()->text()));
        return 1;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // each line as it is known
    std::printf("%s, %d rows a page\n", qPrintable(table), DataGridView::kPageSize);
    std::printf("  %-34s %6.1f ms (asked → rows painted; longest stall meanwhile %.1f ms: the "
                "table's structure and first page shown)\n",
                "first page", firstPage, stalls.longestMs());
    stalls.reset(); // from here on: page turns only

    Turns forwards, backwards;
    if (!turn(grid, pages, true, forwards))
        return 1;
    forwards.print("Next, page after page");
    const double last = timePage(grid, [grid] { grid->lastPage(); });
    std::printf("  %-34s %6.1f ms (read backwards by key)\n", "Last", last);
    if (!turn(grid, pages, false, backwards))
        return 1;
    backwards.print("Previous, page after page");
    std::printf(
        "  last page reached going forwards starts at id %lld; going back ended at id %lld\n",
        forwards.firstRow, backwards.firstRow);
    std::printf("  longest event-loop stall while turning pages: %.1f ms (goal < 50 ms)\n",
                stalls.longestMs());
    std::printf("  resident memory: %lld MB with the pane open, %lld MB after %lld pages "
                "(pgAdmin 4: 1,170 MB with 23,516 tables, #4253; DBeaver 550 MB idle, #35153)\n",
                rssBefore, OpsdeckBench::rssKb() / 1024,
                qlonglong(forwards.ms.size() + backwards.ms.size() + 2));
    return 0;
}
