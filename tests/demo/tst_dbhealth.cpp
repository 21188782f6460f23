// SPDX-License-Identifier: GPL-3.0-or-later
// Health checks against real PostgreSQL: the demo world's planted problems, and a fresh
// cluster that must come out all green.
#include "dbhealth/dboverview.h"
#include "dbhealth/healthrunner.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "runtime/environmentprobe.h"
#include "testservices.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Opsdeck;

namespace {

QString demoConninfo(const QString &db)
{
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres")
        .arg(TestServices::load(QStringLiteral("demo")).value(QStringLiteral("PGPORT")), db);
}

QStringList objects(const CheckResult *check)
{
    QStringList list;
    for (const Finding &f : check->findings)
        list << f.object;
    return list;
}

/** One report line per check name (a name may have a file per PostgreSQL version range), of
 * the checks a primary runs. */
int checkNames()
{
    QSet<QString> names;
    for (const CheckDefinition &c : builtinChecks())
        if (c.onPrimary)
            names.insert(c.name);
    return int(names.size());
}

const CheckDefinition &builtin(const QString &name)
{
    for (const CheckDefinition &c : builtinChecks())
        if (c.name == name)
            return c;
    qFatal("no check %s", qPrintable(name));
}

} // namespace

class TestDbHealth final : public QObject
{
    Q_OBJECT

private slots:
    void everyPlantedProblemIsFound()
    {
        PgConnection pg(demoConninfo(QStringLiteral("minitwit_prod")));
        QVERIFY(wait(pg.open()).ok());
        // The live problems are only seconds old when this runs: judge them from 0 s.
        HealthRunner runner(builtinChecks(),
                            {{QStringLiteral("idle_in_transaction.warn_seconds"), 0},
                             {QStringLiteral("blocked_queries.warn_seconds"), 0},
                             {QStringLiteral("xmin_horizon.warn_seconds"), 0}});
        const HealthReport report = wait(runner.run(pg));
        QCOMPARE(report.checks.size(), checkNames());
        for (const CheckResult &c : report.checks)
            QVERIFY2(c.verdict != Verdict::NotRun,
                     qPrintable(c.name + QStringLiteral(": ") + c.error));

        QCOMPARE(objects(report.check(QStringLiteral("dead_tuples"))),
                 QStringList{QStringLiteral("public.twit_pageview")});
        QVERIFY(report.check(QStringLiteral("dead_tuples"))
                    ->findings.first()
                    .detail.contains(QStringLiteral("autovacuum is switched OFF")));
        QCOMPARE(objects(report.check(QStringLiteral("unused_indexes"))),
                 QStringList{QStringLiteral(
                     "public.twit_pageview_path_unused")}); // found with the default 10 MB
        QVERIFY(objects(report.check(QStringLiteral("duplicate_indexes")))
                    .contains(QStringLiteral("public.twit_message_author_dup")));
        QCOMPARE(objects(report.check(QStringLiteral("stale_statistics"))),
                 QStringList{QStringLiteral("public.twit_pageview")});
        const CheckResult *sizes = report.check(QStringLiteral("relation_sizes"));
        QCOMPARE(sizes->verdict, Verdict::Ok); // information, not a problem
        QCOMPARE(sizes->findings.size(), 10);
        QCOMPARE(sizes->findings.first().object,
                 QStringLiteral("public.twit_pageview")); // 400,000 rows + its index
        QVERIFY(sizes->findings.first().extra.value(QStringLiteral("index_bytes")).toLongLong() >
                10 * 1024 * 1024);
        QCOMPARE(objects(report.check(QStringLiteral("replication_slots"))),
                 QStringList{QStringLiteral("analytics_export")});
        QVERIFY(report.check(QStringLiteral("replication_slots"))
                    ->findings.first()
                    .detail.contains(QStringLiteral("INACTIVE")));

        const CheckResult *idle = report.check(QStringLiteral("idle_in_transaction"));
        QCOMPARE(idle->findings.size(), 1);
        QVERIFY(idle->findings.first().detail.contains(QStringLiteral("reporting-job")));
        const CheckResult *blocked = report.check(QStringLiteral("blocked_queries"));
        QCOMPARE(blocked->findings.size(),
                 2); // the migration behind the job, the reader behind the migration
        const QString idlePid = idle->findings.first().object;
        QVERIFY(blocked->findings.first()
                    .extra.value(QStringLiteral("blocked_by"))
                    .toString()
                    .split(QLatin1Char(','))
                    .contains(idlePid));
        // Both name the root of the chain (the idle job, not the nearest waiter), and since it is
        // idle in transaction the fix terminates it: cancelling an idle session does nothing.
        for (const Finding &f : blocked->findings) {
            QCOMPARE(f.extra.value(QStringLiteral("root_blocker")).toString(), idlePid);
            QVERIFY2(
                f.fix.startsWith(QStringLiteral("select pg_terminate_backend(%1);").arg(idlePid)),
                qPrintable(f.fix));
        }
        QVERIFY(report.check(QStringLiteral("xmin_horizon"))->findings.size() >= 1);
        // pg_stat_statements is installed in production: the check ran rather than skipped.
        QVERIFY(report.check(QStringLiteral("top_queries"))->verdict != Verdict::Skipped);
        QVERIFY(report.overall() >= Verdict::Warning);
    }

    void connectionsReadTheSameEverywhere()
    {
        // Overview said "17 of 120" while Database health said "18 of 117": one definition now,
        // checked against the server's own settings.
        PgConnection pg(demoConninfo(QStringLiteral("minitwit_prod")));
        QVERIFY(wait(pg.open()).ok());
        const Result<PgResultSet> server = wait(pg.query(
            QStringLiteral("select current_setting('max_connections')::int - "
                           "current_setting('superuser_reserved_connections')::int as usable, "
                           "current_setting('max_connections')::int as max")));
        QVERIFY(server.ok());
        const int usable = server->value(0, QStringLiteral("usable")).toInt();
        QVERIFY(usable < server->value(0, QStringLiteral("max")).toInt()); // some are reserved

        const Result<PgResultSet> probe = wait(pg.query(EnvironmentProbe::databaseSql()));
        QVERIFY(probe.ok());
        QCOMPARE(probe->value(0, QStringLiteral("max_connections")).toInt(), usable);
        const Result<PgResultSet> overview = wait(pg.query(overviewSql()));
        QVERIFY(overview.ok());
        const OverviewSample sample = overviewSample(*overview);
        QCOMPARE(sample.maxConnections, usable);

        const HealthReport report =
            wait(HealthRunner({builtin(QStringLiteral("connections"))},
                              {{QStringLiteral("connections.warn_percent"), 0}})
                     .run(pg));
        const CheckResult *check = report.check(QStringLiteral("connections"));
        QCOMPARE(check->findings.size(), 1);
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("^(\\d+) of (\\d+) connections"))
                .match(check->findings.first().detail);
        QVERIFY2(m.hasMatch(), qPrintable(check->findings.first().detail));
        QCOMPARE(m.captured(2).toInt(), usable);
        // In use is counted the same way (client backends); the demo's load may come and go.
        QVERIFY(qAbs(m.captured(1).toInt() - sample.connections) <= 3);
        QVERIFY(qAbs(probe->value(0, QStringLiteral("connections")).toInt() - sample.connections) <=
                3);
    }

    void sizesInFindingsUseIecUnits()
    {
        PgConnection pg(demoConninfo(QStringLiteral("minitwit_prod")));
        QVERIFY(wait(pg.open()).ok());
        const HealthReport report = wait(HealthRunner({builtin(QStringLiteral("replication_slots")),
                                                       builtin(QStringLiteral("relation_sizes"))},
                                                      {})
                                             .run(pg));
        const QRegularExpression iec(QStringLiteral("\\d(\\.\\d)? (bytes|KiB|MiB|GiB)"));
        for (const CheckResult &c : report.checks) {
            QVERIFY(!c.findings.isEmpty());
            for (const Finding &f : c.findings) {
                QVERIFY2(f.detail.contains(iec), qPrintable(f.detail));
                QVERIFY2(!f.detail.contains(QStringLiteral(" kB")) &&
                             !f.detail.contains(QStringLiteral(" MB")),
                         qPrintable(f.detail));
            }
        }
    }

    void cleanDatabaseIsAllGreen()
    {
        // A fresh database in the plain test cluster (not the demo's, which shares its slot).
        const QString name =
            QStringLiteral("opsdeck_clean_%1").arg(QCoreApplication::applicationPid());
        PgConnection admin(TestServices::pgConninfo(QStringLiteral("postgres")),
                           PgSessionSettings::action());
        QVERIFY(wait(admin.open()).ok());
        QVERIFY(wait(admin.query(QStringLiteral("create database ") + name)).ok());
        // Cluster-wide counters remember what other tests did (DROP DATABASE forces checkpoints).
        QVERIFY(wait(admin.query(QStringLiteral("select pg_stat_reset_shared('bgwriter')"))).ok());
        {
            PgConnection pg(TestServices::pgConninfo(name));
            QVERIFY(wait(pg.open()).ok());
            const HealthReport report = wait(HealthRunner(builtinChecks(), {}).run(pg));
            for (const CheckResult &c : report.checks) {
                const bool expected =
                    c.verdict == Verdict::Ok ||
                    (c.name == QLatin1String("top_queries") && c.verdict == Verdict::Skipped);
                QVERIFY2(expected,
                         qPrintable(c.name + QStringLiteral(": ") + verdictName(c.verdict) +
                                    QStringLiteral(" ") + c.summary));
            }
            QCOMPARE(report.overall(), Verdict::Ok);
        }
        QVERIFY(wait(admin.query(QStringLiteral("drop database ") + name)).ok());
    }

    void sequencesThatCanRunOutAreFound()
    {
        const QString name =
            QStringLiteral("opsdeck_seq_%1").arg(QCoreApplication::applicationPid());
        PgConnection admin(TestServices::pgConninfo(QStringLiteral("postgres")),
                           PgSessionSettings::action());
        QVERIFY(wait(admin.open()).ok());
        QVERIFY(wait(admin.query(QStringLiteral("create database ") + name)).ok());
        {
            PgConnection setup(TestServices::pgConninfo(name), PgSessionSettings::action());
            QVERIFY(wait(setup.open()).ok());
            for (const char *sql :
                 {"create table small (id serial primary key)",  // int4: can run out
                  "create table big (id bigserial primary key)", // int8: cannot, in practice
                  "create table widened (id int primary key)",
                  "create sequence widened_seq as bigint owned by widened.id",
                  "select setval('small_id_seq', 2000000000)", // 93 %
                  "select setval('big_id_seq', 9000000000000000000)",
                  "select setval('widened_seq', 1700000000)"}) // 79 % of the int column
                QVERIFY2(wait(setup.query(QString::fromLatin1(sql))).ok(), sql);
            PgConnection pg(TestServices::pgConninfo(name));
            QVERIFY(wait(pg.open()).ok());
            const HealthReport report =
                wait(HealthRunner({builtin(QStringLiteral("sequences"))}, {}).run(pg));
            const CheckResult *c = report.check(QStringLiteral("sequences"));
            QVERIFY2(c->verdict == Verdict::Critical, qPrintable(c->summary));
            QCOMPARE(objects(c), (QStringList{QStringLiteral("public.small_id_seq"),
                                              QStringLiteral("public.widened_seq")}));
            QCOMPARE(c->findings[0].severity, Verdict::Critical);
            QCOMPARE(c->findings[1].severity, Verdict::Warning);
            QVERIFY2(c->findings[1].fix.startsWith(
                         QStringLiteral("alter table public.widened alter column id type bigint;")),
                     qPrintable(c->findings[1].fix));
        }
        QVERIFY(wait(admin.query(QStringLiteral("drop database ") + name)).ok());
    }

    void pgMonitorAloneIsEnough()
    {
        // Least privilege: a role with only pg_monitor runs every check; what it cannot read is
        // named, not turned into a failure.
        PgConnection admin(demoConninfo(QStringLiteral("minitwit_prod")),
                           PgSessionSettings::action());
        QVERIFY(wait(admin.open()).ok());
        (void)wait(
            admin.query(QStringLiteral("create role opsdeck_monitor login in role pg_monitor")));
        PgConnection pg(
            demoConninfo(QStringLiteral("minitwit_prod"))
                .replace(QStringLiteral("user=postgres"), QStringLiteral("user=opsdeck_monitor")));
        QVERIFY(wait(pg.open()).ok());
        const HealthReport report = wait(HealthRunner(builtinChecks(), {}).run(pg));
        for (const CheckResult &c : report.checks)
            QVERIFY2(c.verdict != Verdict::NotRun,
                     qPrintable(c.name + QStringLiteral(": ") + c.error));
        QCOMPARE(objects(report.check(QStringLiteral("dead_tuples"))),
                 QStringList{QStringLiteral("public.twit_pageview")});
        QVERIFY(objects(report.check(QStringLiteral("sequences")))
                    .contains(QStringLiteral("unreadable sequences")));
        QCOMPARE(report.check(QStringLiteral("sequences"))->verdict, Verdict::Ok); // info only
        // The activity the monitor sees is complete: other users' queries, not "<insufficient
        // privilege>".
        const Result<PgResultSet> activity =
            wait(pg.query(QStringLiteral("select count(*) as hidden from pg_stat_activity where "
                                         "query = '<insufficient privilege>'")));
        QCOMPARE(activity->value(0, QStringLiteral("hidden")).toInt(), 0);
    }

    void thresholdsFromTheWorkspaceAreHonoured()
    {
        PgConnection pg(demoConninfo(QStringLiteral("minitwit_prod")));
        QVERIFY(wait(pg.open()).ok());
        const QList<CheckDefinition> checks{builtin(QStringLiteral("unused_indexes"))};
        const HealthReport strict =
            wait(HealthRunner(checks, {{QStringLiteral("unused_indexes"),
                                        QVariantMap{{QStringLiteral("min_size_mb"), 0}}}})
                     .run(pg));
        const HealthReport lax = wait(
            HealthRunner(checks, {{QStringLiteral("unused_indexes.min_size_mb"), 500}}).run(pg));
        QVERIFY(strict.check(QStringLiteral("unused_indexes"))->findings.size() >
                1); // the small ones too
        QCOMPARE(lax.check(QStringLiteral("unused_indexes"))->verdict, Verdict::Ok);
        QCOMPARE(lax.check(QStringLiteral("unused_indexes"))
                     ->thresholds.value(QStringLiteral("min_size_mb"))
                     .toInt(),
                 500);
    }

    void aCheckThatTimesOutSaysSoWhileTheOthersReport()
    {
        PgSessionSettings settings;
        settings.statementTimeoutMs = 300;
        PgConnection pg(demoConninfo(QStringLiteral("minitwit_prod")), settings);
        QVERIFY(wait(pg.open()).ok());
        const Result<CheckDefinition> slow =
            parseCheck(QStringLiteral("-- name: slow\n-- title: Slow\nselect 'x' as object, "
                                      "'warning' as severity, '' as detail,"
                                      " '' as fix from pg_sleep(2)"),
                       QStringLiteral("slow.sql"));
        QVERIFY(slow.ok());
        const HealthReport report =
            wait(HealthRunner({builtin(QStringLiteral("dead_tuples")), *slow,
                               builtin(QStringLiteral("replication_slots"))},
                              {})
                     .run(pg));
        QCOMPARE(report.check(QStringLiteral("slow"))->verdict, Verdict::NotRun);
        QCOMPARE(report.check(QStringLiteral("slow"))->summary,
                 QStringLiteral("could not run: statement timeout"));
        QCOMPARE(report.check(QStringLiteral("dead_tuples"))->findings.size(), 1);
        QCOMPARE(report.check(QStringLiteral("replication_slots"))->findings.size(), 1);
    }

    void aCheckBehindDdlGivesUpAfterTheLockTimeout()
    {
        // twit_report is locked by the demo's blocked migration queue; a check that needs an
        // ACCESS SHARE lock on it must give up after lock_timeout (1 s), not hang.
        PgConnection pg(demoConninfo(QStringLiteral("minitwit_prod")));
        QVERIFY(wait(pg.open()).ok());
        const Result<CheckDefinition> needsLock =
            parseCheck(QStringLiteral("-- name: locked\n-- title: Locked\nselect count(*)::text as "
                                      "object, 'warning' as severity,"
                                      " '' as detail, '' as fix from twit_report"),
                       QStringLiteral("locked.sql"));
        QElapsedTimer clock;
        clock.start();
        const HealthReport report = wait(HealthRunner({*needsLock}, {}).run(pg));
        QCOMPARE(report.check(QStringLiteral("locked"))->verdict, Verdict::NotRun);
        QVERIFY2(report.check(QStringLiteral("locked"))
                     ->summary.contains(QStringLiteral("lock_timeout")),
                 qPrintable(report.check(QStringLiteral("locked"))->summary));
        QVERIFY(clock.elapsed() < 4000);
    }

    void aLockTimeoutNamesTheHolder()
    {
        PgConnection holder(TestServices::pgConninfo(), PgSessionSettings::action());
        QVERIFY(wait(holder.open()).ok());
        QVERIFY(
            wait(holder.query(QStringLiteral("create table if not exists held_t (x int)"))).ok());
        const int holderPid = wait(holder.query(QStringLiteral("select pg_backend_pid() as p")))
                                  ->value(0, QStringLiteral("p"))
                                  .toInt();
        QVERIFY(wait(holder.query(QStringLiteral("begin"))).ok());
        QVERIFY(
            wait(holder.query(QStringLiteral("lock table held_t in access exclusive mode"))).ok());
        PgConnection pg(TestServices::pgConninfo());
        QVERIFY(wait(pg.open()).ok());
        const Result<CheckDefinition> needsLock =
            parseCheck(QStringLiteral("-- name: locked\n-- title: Locked\nselect count(*)::text as "
                                      "object, 'warning' as severity,"
                                      " '' as detail, '' as fix from held_t"),
                       QStringLiteral("locked.sql"));
        const HealthReport report =
            wait(HealthRunner({*needsLock, builtin(QStringLiteral("connections"))}, {}).run(pg));
        const QString summary = report.check(QStringLiteral("locked"))->summary;
        QVERIFY2(
            summary.startsWith(
                QStringLiteral("could not run: waiting for a lock held by pid %1 ").arg(holderPid)),
            qPrintable(summary));
        QVERIFY(summary.contains(QStringLiteral("on held_t")));
        QCOMPARE(report.check(QStringLiteral("connections"))->verdict,
                 Verdict::Ok); // the others still report
        QVERIFY(wait(holder.query(QStringLiteral("rollback"))).ok());
    }

    void commandLineExitCodes()
    {
        const QString opsdeck = qEnvironmentVariable("OPSDECK_BINARY");
        const QString workspace =
            TestServices::load(QStringLiteral("demo")).value(QStringLiteral("WORKSPACE"));
        QProcess staging;
        staging.start(opsdeck,
                      {QStringLiteral("db"), QStringLiteral("health"), QStringLiteral("staging"),
                       QStringLiteral("-w"), workspace, QStringLiteral("--json")});
        QVERIFY(staging.waitForFinished(30000));
        QCOMPARE(staging.exitCode(),
                 1); // warnings only (Django's redundant FK indexes, the shared slot)
        const QJsonObject json = QJsonDocument::fromJson(staging.readAllStandardOutput()).object();
        QCOMPARE(json.value(QStringLiteral("verdict")).toString(), QStringLiteral("warning"));
        // The catalogue and backup freshness (the demo workspace has backups:).
        QCOMPARE(json.value(QStringLiteral("checks")).toArray().size(), checkNames() + 1);

        QProcess production;
        production.start(opsdeck, {QStringLiteral("db"), QStringLiteral("health"),
                                   QStringLiteral("production"), QStringLiteral("-w"), workspace,
                                   QStringLiteral("--check"), QStringLiteral("dead_tuples")});
        QVERIFY(production.waitForFinished(30000));
        QCOMPARE(production.exitCode(), 1);
        QVERIFY(production.readAllStandardOutput().contains("public.twit_pageview"));

        QProcess activity;
        activity.start(opsdeck, {QStringLiteral("db"), QStringLiteral("ps"),
                                 QStringLiteral("production"), QStringLiteral("-w"), workspace});
        QVERIFY(activity.waitForFinished(30000));
        QCOMPARE(activity.exitCode(), 0);
        QVERIFY(activity.readAllStandardOutput().contains("reporting-job"));

        QProcess typo;
        typo.start(opsdeck, {QStringLiteral("db"), QStringLiteral("helth"),
                             QStringLiteral("production"), QStringLiteral("-w"), workspace});
        QVERIFY(typo.waitForFinished(30000));
        QCOMPARE(typo.exitCode(), 2);
        QVERIFY(typo.readAllStandardError().contains("Did you mean 'health'?"));

        QProcess noEnv;
        noEnv.start(opsdeck, {QStringLiteral("db"), QStringLiteral("health"),
                              QStringLiteral("prod"), QStringLiteral("-w"), workspace});
        QVERIFY(noEnv.waitForFinished(30000));
        QCOMPARE(noEnv.exitCode(), 3);
        QVERIFY(noEnv.readAllStandardError().contains("no environment 'prod'"));
    }
};

QTEST_GUILESS_MAIN(TestDbHealth)
#include "tst_dbhealth.moc"
