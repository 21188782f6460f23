// SPDX-License-Identifier: GPL-3.0-or-later
// Streams `seq N` from one host through the engine into the live view (bench/deploy.sh sets up
// the hosts) and reports when the last line was on screen, the longest event-loop stall and the
// peak memory — run with two sizes, the memory shows whether it is bounded.
//   deploylogbench WORKSPACE ENV HOST LINES
#include "cli/environmentsession.h"
#include "deploy/deploylog.h"
#include "deploy/deployrunner.h"
#include "deploylogmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QListView>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>

#include <cstdio>

using namespace Opsdeck;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc != 5) {
        std::fprintf(stderr, "usage: deploylogbench WORKSPACE ENV HOST LINES\n");
        return 2;
    }
    auto session =
        EnvironmentSession::open(QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]));
    if (!session) {
        std::fprintf(stderr, "%s\n", qPrintable(session.errorString()));
        return 1;
    }
    const QString host = QString::fromLocal8Bit(argv[3]);
    const long lines = std::atol(argv[4]);
    QTemporaryDir temp;
    DeployLog log(temp.filePath(QStringLiteral("run.log")));
    DeployLogModel model;
    model.setLog(&log);
    QListView view;
    view.setUniformItemSizes(true);
    view.setModel(&model);
    view.resize(1000, 700);
    view.show();
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, &view, &QListView::scrollToBottom);

    DeployRunner runner((*session)->pool(), (*session)->environment());
    QObject::connect(&runner, &DeployRunner::output, &log, &DeployLog::append);
    QObject::connect(&runner, &DeployRunner::finished, &log, &DeployLog::finish);
    QElapsedTimer clock;
    qint64 longestStall = 0, last = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        longestStall = std::max(longestStall, clock.elapsed() - last);
        last = clock.elapsed();
    });
    QObject::connect(&log, &DeployLog::finished, &app, [&] {
        view.repaint(); // the last rows painted, not just queued
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        std::printf("%-44s %8.2f s   longest stall %3lld ms   peak RSS %4ld MB   (%lld lines, %d "
                    "in view)\n",
                    qPrintable(QStringLiteral("opsdeck live view, seq %1").arg(lines)), seconds,
                    longestStall, usage.ru_maxrss / 1024, log.totalLines(), model.rowCount());
        app.quit();
    });
    clock.start();
    ticker.start(1);
    runner.runCommand(QStringLiteral("seq %1").arg(lines), {host});
    return app.exec();
}
