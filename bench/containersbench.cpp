// SPDX-License-Identifier: GPL-3.0-or-later
// The Deployments pane of a swarm environment with many services (bench/containers.sh makes
// 50 services of 4 tasks each and kills tasks while this runs):
//   containersbench WORKSPACE ENV SECONDS
// opens the pane as the window does, waits for the first status, then follows the engine's
// event stream for SECONDS while tasks die and come back. Prints the first read's time, how
// many reads the events caused and how long each took (event burst → tree rebuilt), the
// longest event-loop stall (a 1 ms timer's longest gap; goal < 50 ms) and resident memory.
#include "containers/containerspane.h"
#include "docker/dockerengine.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "ssh/hostkey.h"
#include "workspace/workspaceloader.h"

#include "benchclock.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Opsdeck;

namespace {} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: containersbench WORKSPACE ENV SECONDS\n");
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(QString::fromLocal8Bit(argv[1]));
    if (!loaded.ok())
        return 1;
    const QString env = QString::fromLocal8Bit(argv[2]);
    const int seconds = std::atoi(argv[3]);
    FixedPrompter reject(HostKeyDecision::Reject);
    SshPool pool(*loaded.workspace, &reject);
    EnvironmentContexts contexts(*loaded.workspace, &pool);

    QElapsedTimer opened;
    opened.start();
    ContainersPane pane(*contexts.context(env));
    pane.resize(1400, 900);
    pane.show();
    QEventLoop loop;
    const auto firstRead =
        QObject::connect(&pane, &ContainersPane::statusRead, &loop, &QEventLoop::quit);
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(firstRead);
    if (pane.status().services.isEmpty()) {
        std::fprintf(stderr, "no services read\n");
        return 1;
    }
    int tasks = 0;
    for (const SwarmService &s : pane.status().services)
        tasks += int(s.tasks.size());
    std::printf("  first status: %lld ms (%lld services, %d tasks listed, pane opened → tree "
                "filled)\n",
                opened.elapsed(), qlonglong(pane.status().services.size()), tasks);

    // Follow the events: every read the pane makes from now on is caused by them.
    OpsdeckBench::StallClock stalls;
    QList<double> readMs;
    QElapsedTimer sinceEvent;
    QObject::connect(contexts.context(env)->docker(), &DockerEngine::eventReceived, &pane,
                     [&sinceEvent] {
                         if (!sinceEvent.isValid())
                             sinceEvent.start();
                     });
    QObject::connect(&pane, &ContainersPane::statusRead, &pane, [&] {
        if (sinceEvent.isValid())
            readMs << double(sinceEvent.nsecsElapsed()) / 1e6;
        sinceEvent.invalidate();
    });
    QEventLoop following;
    QTimer::singleShot(seconds * 1000, &following, &QEventLoop::quit);
    following.exec();
    std::sort(readMs.begin(), readMs.end());
    std::printf("  %d s following events: %lld reads caused by them; first event → tree "
                "rebuilt: median %.0f ms, worst %.0f ms (250 ms of it is the pane's debounce)\n",
                seconds, qlonglong(readMs.size()), readMs.value(readMs.size() / 2),
                readMs.value(readMs.size() - 1));
    std::printf("  longest event-loop stall: %.1f ms (goal < 50 ms); resident memory %lld MB\n",
                stalls.longestMs(), OpsdeckBench::rssKb() / 1024);
    return 0;
}
