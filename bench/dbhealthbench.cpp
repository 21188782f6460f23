// SPDX-License-Identifier: GPL-3.0-or-later
// Times Opsdeck's database refreshes against a live server (bench/dbhealth.sh sets one up):
//   dbhealthbench CONNINFO runs            health refresh (all checks, one pipeline) and
//                                          activity refresh (query + model update), median/p90
//   dbhealthbench --dump-sql FILE          the same check SQL with default thresholds, for psql
#include "activitymodel.h"
#include "cli/environmentsession.h"
#include "dbhealth/activity.h"
#include "dbhealth/healthrunner.h"
#include "pg/pgconnection.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFutureWatcher>
#include <QGuiApplication>

#include <algorithm>
#include <cstdio>

using namespace Opsdeck;

namespace {

template<typename T>
T wait(const QFuture<T> &future)
{
    return EnvironmentSession::wait(future);
}

void report(const char *what, QList<double> ms)
{
    std::sort(ms.begin(), ms.end());
    std::printf("%-44s median %8.1f ms   p90 %8.1f ms   (%lld runs)\n", what, ms[ms.size() / 2],
                ms[qsizetype(0.9 * double(ms.size() - 1))], qlonglong(ms.size()));
}

int dumpSql(const QString &file)
{
    // Parameters substituted as literals: psql runs exactly what Opsdeck sends.
    HealthRunner runner(builtinChecks(), {});
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return 1;
    for (const PgStatement &s : runner.statements(150000)) {
        QString sql = s.sql;
        for (qsizetype i = s.params.size(); i >= 1; --i)
            sql.replace(QStringLiteral("$%1").arg(i),
                        QLatin1Char('\'') + s.params[i - 1].toString() + QLatin1Char('\''));
        out.write(sql.toUtf8() + ";\n");
    }
    out.write(activitySql().toUtf8() + ";\n");
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--dump-sql"))
        return dumpSql(args.value(2));
    const int runs = args.value(2, QStringLiteral("10")).toInt();
    PgConnection pg(args.value(1));
    if (const Status s = wait(pg.open()); !s) {
        std::fprintf(stderr, "%s\n", qPrintable(s.errorString()));
        return 1;
    }
    HealthRunner runner(builtinChecks(), {});
    (void)wait(
        runner.run(pg)); // warm the backend's catalog caches, as a long-lived session would be
    QList<double> health, periodic, activity, modelUpdate;
    int notRun = 0;
    HealthRunner periodicRunner = runner;
    periodicRunner.setIncludeOnDemand(false); // what the pane's 60 s timer sends
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        const HealthReport r = wait(runner.run(pg));
        health << t.nsecsElapsed() / 1e6;
        notRun += r.count(Verdict::NotRun);
        t.restart();
        (void)wait(periodicRunner.run(pg));
        periodic << t.nsecsElapsed() / 1e6;
    }
    ActivityModel model;
    int backends = 0;
    for (int i = 0; i < runs * 3; ++i) {
        QElapsedTimer t;
        t.start();
        const Result<PgResultSet> set = wait(pg.query(activitySql()));
        const QList<ActivityRow> rows = activityRows(*set);
        QElapsedTimer m;
        m.start();
        model.update(rows); // what the UI thread does with a refresh
        modelUpdate << m.nsecsElapsed() / 1e6;
        activity << t.nsecsElapsed() / 1e6;
        backends = int(rows.size());
    }
    QList<double> activeOnly;
    int activeRows = 0;
    for (int i = 0; i < runs * 3; ++i) {
        QElapsedTimer t;
        t.start();
        const QList<ActivityRow> rows = activityRows(*wait(pg.query(activitySql(false))));
        model.update(rows);
        activeOnly << t.nsecsElapsed() / 1e6;
        activeRows = int(rows.size());
    }
    report(qPrintable(QStringLiteral("opsdeck periodic health refresh (%1 stmts)")
                          .arg(periodicRunner.statements(pg.serverVersion()).size())),
           periodic);
    report(qPrintable(QStringLiteral("opsdeck full health refresh, F5 (%1 stmts)")
                          .arg(runner.statements(pg.serverVersion()).size())),
           health);
    report(qPrintable(QStringLiteral("opsdeck activity refresh (%1 backends)").arg(backends)),
           activity);
    report("  of which the model update (UI thread)", modelUpdate);
    report(qPrintable(QStringLiteral("opsdeck activity, idle hidden (%1 rows)").arg(activeRows)),
           activeOnly);
    if (notRun)
        std::printf("warning: %d check runs could not run (timeouts?)\n", notRun);
    return 0;
}
