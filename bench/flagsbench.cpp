// SPDX-License-Identifier: GPL-3.0-or-later
// Times the feature flags pane on a workspace with many flags (bench/flags.sh sets one up:
// 500 flags × 4 environments, each environment its own waffle database):
//   flagsbench WORKSPACE RUNS
//   flagsbench --print-sql        the waffle query, for psql
// For each run: a new pane, from construction until every environment is in the matrix and
// painted; the longest event-loop stall while it loads (a 1 ms timer's longest gap); and the
// time the matrix model spends taking one environment's flags.
#include "flags/flagsbackend.h"
#include "flags/flagspane.h"
#include "flagsmatrixmodel.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "workspace/workspaceloader.h"

#include "benchclock.h"

using OpsdeckBench::report;

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Opsdeck;

int main(int argc, char *argv[])
{
    if (argc == 2 && qstrcmp(argv[1], "--print-sql") == 0) {
        std::printf("%s\n", qPrintable(flagsQuery(*FlagsSpec::fromWorkspace({})).sql));
        return 0;
    }
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: flagsbench WORKSPACE [RUNS]\n");
        return 2;
    }
    const int runs = argc > 2 ? std::atoi(argv[2]) : 10;
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(QString::fromLocal8Bit(argv[1]));
    if (!loaded.ok()) {
        std::fprintf(stderr, "flagsbench: the workspace has errors\n");
        return 1;
    }
    const Workspace &workspace = *loaded.workspace;
    FixedPrompter prompter(HostKeyDecision::Reject);
    SshPool pool(workspace, &prompter);
    QList<double> loadMs, stallMs, modelMs;
    int flags = 0;
    for (int run = 0; run < runs; ++run) {
        OpsdeckBench::StallClock stalls;
        QElapsedTimer elapsed;
        elapsed.start();
        // As the window builds it: the environment's context first, the pane on it.
        EnvironmentContexts contexts(workspace, &pool);
        FlagsPane pane(*contexts.context(workspace.environments.first().name));
        pane.resize(1200, 800);
        pane.show();
        QEventLoop loop;
        QObject::connect(&pane, &Pane::loaded, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        if (!pane.hasLoaded())
            loop.exec();
        pane.view()->viewport()->repaint(); // painted, not just loaded
        loadMs << double(elapsed.nsecsElapsed()) / 1e6;
        QEventLoop settle; // let the stall clock see the paint
        QTimer::singleShot(20, &settle, &QEventLoop::quit);
        settle.exec();
        stallMs << stalls.longestMs();
        flags = pane.model()->rowCount();
        for (const QString &env : pane.model()->environments())
            if (!pane.model()->isLoaded(env)) {
                std::fprintf(stderr, "flagsbench: %s did not load: %s\n", qPrintable(env),
                             qPrintable(pane.model()->errorOf(env)));
                return 1;
            }
    }
    // The model alone: one environment's flags arriving into a full matrix.
    {
        EnvironmentContexts contexts(workspace, &pool);
        FlagsPane pane(*contexts.context(workspace.environments.first().name));
        QEventLoop loop;
        QObject::connect(&pane, &Pane::loaded, &loop, &QEventLoop::quit);
        if (!pane.hasLoaded())
            loop.exec();
        FlagsMatrixModel *model = pane.model();
        const QString env = model->environments().last();
        QList<FlagState> states;
        for (int row = 0; row < model->rowCount(); ++row)
            if (const FlagState *s = model->state(row, env))
                states << *s;
        for (int run = 0; run < runs; ++run) {
            QElapsedTimer t;
            t.start();
            model->setFlags(env, states);
            modelMs << double(t.nsecsElapsed()) / 1e6;
        }
    }
    std::printf("%d flags × %lld environments, one query per environment\n", flags,
                qlonglong(workspace.environments.size()));
    report("pane: open → every environment loaded and painted", loadMs, "ms");
    report("longest event-loop stall while loading", stallMs, "ms");
    report("matrix model: one environment's flags arrive", modelMs, "ms");
    return 0;
}
