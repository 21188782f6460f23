// SPDX-License-Identifier: GPL-3.0-or-later
// Times the Alerts pane against a Prometheus with many rules (bench/alerts.sh sets one up: 2,000
// alerting rules, 500 of them firing, and an Alertmanager holding those 500):
//   alertsbench WORKSPACE RUNS
// For each run: a new pane, from construction until the first answer is parsed and shown; the
// longest event-loop stall while it loads; then one more refresh with everything on screen
// (the model replaced, the tree expanded again) and its stall; and the model's own time.
#include "alerts/alertsclient.h"
#include "alerts/alertspane.h"
#include "alertsmodel.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "workspace/workspaceloader.h"

#include "benchclock.h"

using OpsdeckBench::report;

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cstdio>

using namespace Opsdeck;

namespace {

/** Runs the event loop until `signal` of `sender` fires (or a minute passes). */
template<typename Sender, typename Signal>
void waitFor(Sender *sender, Signal signal)
{
    QEventLoop loop;
    QObject::connect(sender, signal, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: alertsbench WORKSPACE [RUNS]\n");
        return 2;
    }
    const int runs = argc > 2 ? std::atoi(argv[2]) : 10;
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(QString::fromLocal8Bit(argv[1]));
    if (!loaded.ok()) {
        std::fprintf(stderr, "alertsbench: the workspace has errors\n");
        return 1;
    }
    const Workspace &workspace = *loaded.workspace;
    FixedPrompter prompter(HostKeyDecision::Reject);
    SshPool pool(workspace, &prompter);
    QList<double> loadMs, loadStallMs, refreshStallMs, modelMs;
    int rules = 0, firing = 0;
    for (int run = 0; run < runs; ++run) {
        OpsdeckBench::StallClock stalls;
        QElapsedTimer elapsed;
        elapsed.start();
        EnvironmentContexts contexts(workspace, &pool);
        EnvironmentContext &context = *contexts.context(workspace.environments.first().name);
        AlertsPane pane(context);
        pane.resize(1400, 900);
        pane.show(); // asks at once
        if (!pane.hasLoaded())
            waitFor(&pane, &Pane::loaded);
        pane.tree()->viewport()->repaint(); // painted, not just loaded
        loadMs << double(elapsed.nsecsElapsed()) / 1e6;
        QEventLoop settle;
        QTimer::singleShot(20, &settle, &QEventLoop::quit);
        settle.exec();
        loadStallMs << stalls.longestMs();

        stalls.reset();
        context.alerts()->update();
        waitFor(context.alerts(), &AlertsClient::changed);
        pane.tree()->viewport()->repaint();
        QTimer::singleShot(20, &settle, &QEventLoop::quit);
        settle.exec();
        refreshStallMs << stalls.longestMs();

        const AlertsSnapshot snapshot = *context.alerts()->latest();
        rules = int(snapshot.rules.size());
        firing = int(snapshot.firing().size());
        AlertsModel model;
        QElapsedTimer modelClock;
        modelClock.start();
        model.setSnapshot(snapshot);
        modelMs << double(modelClock.nsecsElapsed()) / 1e6;
    }
    std::printf("%d alerting rules, %d alerts firing\n", rules, firing);
    report("pane: first answer parsed and shown", loadMs, "ms");
    report("pane: longest event-loop stall while loading", loadStallMs, "ms");
    report("pane: longest stall of a refresh, all shown", refreshStallMs, "ms");
    report("AlertsModel::setSnapshot (UI thread)", modelMs, "ms");
    return 0;
}
