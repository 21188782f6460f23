// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/formatting.h"
#include "dbhealth/activity.h"
#include "dbhealth/dboverview.h"
#include "dbhealth/healthcheck.h"
#include "dbhealth/healthrunner.h"
#include "dbhealth/replication.h"

#include <QSet>
#include <QTest>

using namespace Opsdeck;

class TestHealthCheck final : public QObject
{
    Q_OBJECT

private slots:
    void builtinCatalogueIsComplete()
    {
        const QList<CheckDefinition> &checks = builtinChecks();
        QVERIFY2(checks.size() >= 20, qPrintable(QString::number(checks.size())));
        QSet<QString> names;
        for (const CheckDefinition &c : checks) {
            // One name may have several files, one per PostgreSQL version range, never overlapping.
            for (const CheckDefinition &other : checks)
                if (&other != &c && other.name == c.name)
                    QVERIFY2(other.maxMajorVersion < c.minMajorVersion ||
                                 other.minMajorVersion > c.maxMajorVersion,
                             qPrintable(c.name));
            names.insert(c.name);
            QVERIFY2(!c.explanation.isEmpty(), qPrintable(c.name));
            QVERIFY(c.minMajorVersion >= 12);
            // Every check, through one of its variants, runs on the versions people use today.
            for (int version : {150000, 170000})
                QVERIFY2(std::any_of(checks.cbegin(), checks.cend(),
                                     [&](const CheckDefinition &o) {
                                         return o.name == c.name && o.supports(version);
                                     }),
                         qPrintable(QStringLiteral("%1 on %2").arg(c.name).arg(version)));
            for (const CheckThreshold &t : c.thresholds) {
                QVERIFY2(!t.description.isEmpty(), qPrintable(c.name + QLatin1Char('.') + t.name));
                QCOMPARE(t.defaultValue.typeId(), QMetaType::Double);
            }
        }
        for (const char *required :
             {"long_running",    "idle_in_transaction", "blocked_queries",   "cache_hit",
              "seq_scan_heavy",  "unused_indexes",      "duplicate_indexes", "invalid_indexes",
              "dead_tuples",     "wraparound",          "sequences",         "replication_slots",
              "replication_lag", "temp_files",          "top_queries",       "settings",
              "xmin_horizon",    "connections",         "checkpoints",       "stale_statistics",
              "relation_sizes"})
            QVERIFY2(names.contains(QString::fromLatin1(required)), required);
    }

    void sizesUseTheOneUnitSystem()
    {
        // pg_size_pretty says "5917 kB" where the slots table says "5.8 MiB": checks write
        // {bytes:N} and the runner formats it like every other size in the UI.
        for (const CheckDefinition &c : builtinChecks())
            QVERIFY2(!c.sql.contains(QStringLiteral("pg_size_pretty")), qPrintable(c.name));
        QCOMPARE(expandByteSizes(QStringLiteral("retains {bytes:6059008} of WAL")),
                 QStringLiteral("retains ") + formatBytes(6059008) + QStringLiteral(" of WAL"));
        QCOMPARE(formatBytes(6059008), QStringLiteral("5.8 MiB"));
        QCOMPARE(expandByteSizes(QStringLiteral("{bytes:8192} of {bytes:0}, 3 rows")),
                 QStringLiteral("8.0 KiB of 0 bytes, 3 rows"));
        QCOMPARE(expandByteSizes(QStringLiteral("no sizes {bytes:} here")),
                 QStringLiteral("no sizes {bytes:} here"));
    }

    void onDemandChecksStayOutOfThePeriodicRefresh()
    {
        const Result<CheckDefinition> heavy =
            parseCheck(QStringLiteral("-- name: heavy\n-- title: H\n-- on-demand: yes\nselect 1"),
                       QStringLiteral("h.sql"));
        const Result<CheckDefinition> light = parseCheck(
            QStringLiteral("-- name: light\n-- title: L\nselect 1"), QStringLiteral("l.sql"));
        QVERIFY(heavy.ok() && heavy->onDemand && light.ok() && !light->onDemand);
        HealthRunner runner({*heavy, *light}, {});
        QCOMPARE(runner.statements(150000).size(), 3); // both checks + the lock-holder lookup
        runner.setIncludeOnDemand(false);
        const QList<PgStatement> periodic = runner.statements(150000);
        QCOMPARE(periodic.size(), 2);
        QVERIFY(periodic.first().sql.contains(QStringLiteral("check=light")));
        const HealthReport report =
            runner.report(150000, PgBatchResult(periodic.size(), PgResultSet{}));
        QVERIFY(!report.check(QStringLiteral("heavy"))); // left out, not "skipped"
        QVERIFY(report.check(QStringLiteral("light")));
        bool sizesOnDemand = false;
        for (const CheckDefinition &c : builtinChecks())
            sizesOnDemand =
                sizesOnDemand || (c.name == QLatin1String("relation_sizes") && c.onDemand);
        QVERIFY(sizesOnDemand);
    }

    void standbyRunsOnlyTheChecksThatMakeSenseThere()
    {
        const Result<CheckDefinition> both = parseCheck(
            QStringLiteral("-- name: both\n-- title: B\n-- roles: primary, standby\nselect 1"),
            QStringLiteral("b.sql"));
        const Result<CheckDefinition> primaryOnly = parseCheck(
            QStringLiteral("-- name: writes\n-- title: W\nselect 1"), QStringLiteral("w.sql"));
        const Result<CheckDefinition> standbyOnly =
            parseCheck(QStringLiteral("-- name: replay\n-- title: R\n-- roles: standby\nselect 1"),
                       QStringLiteral("r.sql"));
        QVERIFY(both.ok() && primaryOnly.ok() && standbyOnly.ok());
        QVERIFY(both->onPrimary && both->onStandby);
        QVERIFY(primaryOnly->onPrimary && !primaryOnly->onStandby); // the default
        QVERIFY(!standbyOnly->onPrimary && standbyOnly->onStandby);
        HealthRunner runner({*both, *primaryOnly, *standbyOnly}, {});
        auto names = [&runner] {
            const QList<PgStatement> statements = runner.statements(150000);
            const HealthReport report =
                runner.report(150000, PgBatchResult(statements.size(), PgResultSet{}));
            QStringList list;
            for (const CheckResult &c : report.checks)
                list << c.name;
            return list;
        };
        QCOMPARE(names(), QStringList({QStringLiteral("both"), QStringLiteral("writes")}));
        runner.setServerRole(HealthRunner::ServerRole::Standby);
        QCOMPARE(runner.statements(150000).size(), 3); // two checks + the lock-holder lookup
        QCOMPARE(names(), QStringList({QStringLiteral("both"), QStringLiteral("replay")}));

        // The built-in catalogue: sessions and conflicts on a standby, WAL and slots not.
        QStringList onStandby;
        for (const CheckDefinition &c : builtinChecks())
            if (c.onStandby)
                onStandby << c.name;
        QCOMPARE(onStandby,
                 QStringList({QStringLiteral("blocked_queries"), QStringLiteral("cache_hit"),
                              QStringLiteral("connections"), QStringLiteral("idle_in_transaction"),
                              QStringLiteral("long_running"), QStringLiteral("standby_conflicts"),
                              QStringLiteral("standby_replay")}));
    }

    void replicaChecksJoinTheEnvironmentsListUnderTheirOwnNames()
    {
        HealthReport standby;
        CheckResult longRunning;
        longRunning.name = QStringLiteral("long_running");
        longRunning.title = QStringLiteral("Long-running queries");
        longRunning.verdict = Verdict::Warning;
        standby.checks << longRunning;
        const QList<CheckResult> folded = replicaChecks(standby, QStringLiteral("standby1"));
        QCOMPARE(folded.size(), 1);
        QCOMPARE(folded[0].name, QStringLiteral("standby1/long_running"));
        QCOMPARE(folded[0].title, QStringLiteral("Long-running queries on standby1"));
        QCOMPARE(folded[0].server, QStringLiteral("standby1"));
        QCOMPARE(folded[0].verdict, Verdict::Warning);

        const CheckResult down =
            unreachableReplica(QStringLiteral("standby1"), QStringLiteral("connection refused"));
        QCOMPARE(down.name, QStringLiteral("standby1/reachable"));
        QCOMPARE(down.verdict, Verdict::Critical);
        QCOMPARE(down.findings.value(0).detail, QStringLiteral("connection refused"));
        HealthReport environment;
        environment.checks << folded << down;
        QCOMPARE(environment.overall(), Verdict::Critical);
    }

    void replicationRowsPutEachServerBesideThePrimary()
    {
        OverviewSample primary;
        primary.connections = 12;
        primary.maxConnections = 97;
        primary.standbyRows << StandbyRow{QStringLiteral("standby1"), QStringLiteral("streaming"),
                                          40 << 20, 12.0, 39 << 20}
                            << StandbyRow{QStringLiteral("10.0.0.9"), QStringLiteral("catchup"), 0,
                                          0, 0};
        OverviewSample standby;
        standby.inRecovery = true;
        standby.replayPause = QStringLiteral("paused");
        standby.receiverStatus = QStringLiteral("streaming");
        standby.notReplayedBytes = 39 << 20;
        standby.conflicts = 3;
        QList<ServerRow> rows = serverRows(
            {QStringLiteral("primary"), primary, {}},
            {{QStringLiteral("standby1"), standby, {}},
             {QStringLiteral("standby2"), std::nullopt, QStringLiteral("connection refused")}});
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0].role, QStringLiteral("primary"));
        QCOMPARE(rows[0].sessions, QStringLiteral("12 of 97, 0 active"));
        QCOMPARE(rows[0].verdict, Verdict::Ok);
        // standby1: the primary's numbers and its own, one row.
        QCOMPARE(rows[1].name, QStringLiteral("standby1"));
        QCOMPARE(rows[1].role, QStringLiteral("standby"));
        QCOMPARE(rows[1].behind, formatBytes(40 << 20));
        QCOMPARE(rows[1].replayLag, formatAge(12.0));
        QCOMPARE(rows[1].replay, QStringLiteral("PAUSED"));
        QCOMPARE(rows[1].conflicts, QStringLiteral("3"));
        QCOMPARE(rows[1].verdict, Verdict::Warning);
        QVERIFY2(rows[1].why.contains(QStringLiteral("pg_wal_replay_resume")),
                 qPrintable(rows[1].why));
        QCOMPARE(rows[2].role, QStringLiteral("not connected"));
        QCOMPARE(rows[2].verdict, Verdict::Critical);
        QCOMPARE(rows[2].why, QStringLiteral("connection refused"));
        // A standby the primary streams to that the workspace does not list.
        QCOMPARE(rows[3].name, QStringLiteral("10.0.0.9"));
        QCOMPARE(rows[3].role, QStringLiteral("standby, not in the workspace"));
        QCOMPARE(rows[3].verdict, Verdict::Warning); // catchup, not streaming

        // Promoted: a listed replica that is not in recovery is the worst news.
        standby.inRecovery = false;
        rows = serverRows({QStringLiteral("primary"), primary, {}},
                          {{QStringLiteral("standby1"), standby, {}}});
        QCOMPARE(rows[1].verdict, Verdict::Critical);
        QVERIFY(rows[1].role.contains(QStringLiteral("promoted")));
        // Its session still connecting: said, not alarmed about.
        rows = serverRows({QStringLiteral("primary"), primary, {}},
                          {{QStringLiteral("standby1"), std::nullopt, {}}});
        QCOMPARE(rows[1].role, QStringLiteral("connecting…"));
        QVERIFY(rows[1].verdict != Verdict::Critical);
        // Streaming and caught up: quiet.
        standby.inRecovery = true;
        standby.replayPause = QStringLiteral("not paused");
        standby.notReplayedBytes = 0;
        primary.standbyRows = {
            StandbyRow{QStringLiteral("standby1"), QStringLiteral("streaming"), 0, 0.1, 0}};
        rows = serverRows({QStringLiteral("primary"), primary, {}},
                          {{QStringLiteral("standby1"), standby, {}}});
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].verdict, Verdict::Ok);
        QCOMPARE(rows[1].replay, QStringLiteral("replaying"));
        QCOMPARE(rows[1].why, QStringLiteral("streaming; nothing replayed since it started"));
    }

    void versionSpecificVariantsArePicked()
    {
        HealthRunner runner(builtinChecks(), {});
        for (int version : {120000, 130000, 150000, 160000, 170000}) {
            const QList<PgStatement> statements = runner.statements(version);
            const auto checkpoints =
                std::count_if(statements.cbegin(), statements.cend(), [](const PgStatement &s) {
                    return s.sql.startsWith(QStringLiteral("/* opsdeck:check=checkpoints */"));
                });
            QCOMPARE(checkpoints, 1);
            const bool usesCheckpointer =
                std::any_of(statements.cbegin(), statements.cend(), [](const PgStatement &s) {
                    return s.sql.contains(QStringLiteral("pg_stat_checkpointer"));
                });
            QCOMPARE(usesCheckpointer,
                     version >= 170000); // pg_stat_bgwriter lost these counters in 17
            // Checks that need 13+ (slot wal_status, pg_stat_statements columns) are skipped on 12.
            const HealthReport report =
                runner.report(version, PgBatchResult(statements.size(), PgResultSet{}));
            QCOMPARE(report.check(QStringLiteral("replication_slots"))->verdict,
                     version < 130000 ? Verdict::Skipped : Verdict::Ok);
            QCOMPARE(std::count_if(report.checks.cbegin(), report.checks.cend(),
                                   [](const CheckResult &c) {
                                       return c.name == QLatin1String("checkpoints");
                                   }),
                     1);
        }
    }

    void parseErrorsCarryPositions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("no name") << QStringLiteral("-- title: T\nselect 1")
                                 << QStringLiteral("x.sql:1:1: a check needs");
        QTest::newRow("bad threshold")
            << QStringLiteral("-- name: n\n-- title: T\n-- threshold: oops\nselect 1")
            << QStringLiteral("x.sql:3:1: threshold must read");
        QTest::newRow("bad versions")
            << QStringLiteral("-- name: n\n-- title: T\n-- versions: 12+\nselect 1")
            << QStringLiteral("x.sql:3:1: versions must read");
        QTest::newRow("unknown key")
            << QStringLiteral("-- name: n\n-- title: T\n-- colour: red\nselect 1")
            << QStringLiteral("x.sql:3:1: unknown header key 'colour'");
        QTest::newRow("bad roles")
            << QStringLiteral("-- name: n\n-- title: T\n-- roles: replica\nselect 1")
            << QStringLiteral("x.sql:3:1: roles must list primary and/or standby");
        QTest::newRow("no sql") << QStringLiteral("-- name: n\n-- title: T\n")
                                << QStringLiteral("no SQL");
        QTest::newRow("undeclared parameter")
            << QStringLiteral("-- name: n\n-- title: T\n-- threshold: a = 1 | A\nselect $1, $2")
            << QStringLiteral("$2 is used but only 1 thresholds are declared");
    }

    void parseErrorsCarryPositions()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        const Result<CheckDefinition> r = parseCheck(text, QStringLiteral("x.sql"));
        QVERIFY(!r.ok());
        QVERIFY2(r.errorString().contains(error), qPrintable(r.errorString()));
    }

    void thresholdsAreOverriddenNestedOrDotted()
    {
        const Result<CheckDefinition> check =
            parseCheck(QStringLiteral("-- name: c\n-- title: T\n-- threshold: a = 500000000 | "
                                      "A\n-- threshold: b = 0.5 | B\n"
                                      "-- versions: 13-17\nselect $1, $2"),
                       QStringLiteral("c.sql"));
        QVERIFY(check.ok());
        HealthRunner defaults({*check}, {});
        QCOMPARE(
            defaults.statements(150000).first().params,
            (QVariantList{QStringLiteral("500000000"), QStringLiteral("0.5")})); // never "5e+08"
        // PostgreSQL 12 is out of range: only the lock-holder lookup that ends every pipeline.
        QCOMPARE(defaults.statements(120000).size(), 1);
        QVERIFY(defaults.statements(120000).first().sql.contains(
            QStringLiteral("opsdeck:lock-holders")));
        HealthRunner nested({*check},
                            {{QStringLiteral("c"), QVariantMap{{QStringLiteral("a"), 7}}}});
        QCOMPARE(nested.statements(150000).first().params.first(), QVariant(QStringLiteral("7")));
        HealthRunner dotted({*check}, {{QStringLiteral("c.b"), 2.25}, {QStringLiteral("c.zz"), 1}});
        QCOMPARE(dotted.statements(150000).first().params.last(), QVariant(QStringLiteral("2.25")));
        QCOMPARE(dotted.unknownThresholds(), QStringList{QStringLiteral("c.zz")});
        QVERIFY(dotted.statements(150000).first().sql.startsWith(
            QStringLiteral("/* opsdeck:check=c */")));
    }

    void overviewRatesNeedTwoSamplesAndArePerInterval()
    {
        OverviewSample first;
        first.at = QDateTime::fromString(QStringLiteral("2026-11-22T10:00:00"), Qt::ISODate);
        first.version = QStringLiteral("15.18");
        first.uptimeSeconds = 86400;
        first.connections = 10;
        first.maxConnections = 100;
        first.commits = 1000;
        first.heapHit = 1'000'000;
        first.heapRead = 0; // a perfect lifetime ratio...
        auto value = [](const QList<OverviewItem> &items, const QString &name) {
            for (const OverviewItem &i : items)
                if (i.name == name)
                    return i;
            return OverviewItem{};
        };
        const QList<OverviewItem> once = overviewItems(first, std::nullopt);
        QCOMPARE(value(once, QStringLiteral("Transactions")).value, QStringLiteral("n/a"));
        QCOMPARE(value(once, QStringLiteral("Cache hit, tables")).value, QStringLiteral("n/a"));
        QCOMPARE(value(once, QStringLiteral("Connections")).value, QStringLiteral("10 of 100"));

        OverviewSample second = first;
        second.at = first.at.addSecs(10);
        second.commits = 1500; // 500 in 10 s
        second.rollbacks = 0;
        second.heapHit = first.heapHit + 900;
        second.heapRead = 100; // ...but this interval read 10 % from disk
        const QList<OverviewItem> twice = overviewItems(second, first);
        QCOMPARE(value(twice, QStringLiteral("Transactions")).value,
                 QStringLiteral("50.0/s")); // per second, not per refresh
        QCOMPARE(value(twice, QStringLiteral("Cache hit, tables")).value, QStringLiteral("90.00%"));
        QCOMPARE(value(twice, QStringLiteral("Cache hit, tables")).verdict, Verdict::Critical);
        second.connections = 85;
        QCOMPARE(value(overviewItems(second, first), QStringLiteral("Connections")).verdict,
                 Verdict::Warning);
    }

    void lockTreeStartsAtTheRootBlocker()
    {
        // 8452 (idle in transaction) blocks 8460, which blocks 8470 and 8471; 8480 waits on
        // both 8452 and 8460; 9000 waits on a backend not among the rows (another database).
        const auto row = [](int pid, QList<int> blockedBy) {
            ActivityRow r;
            r.pid = pid;
            r.blockedBy = std::move(blockedBy);
            return r;
        };
        const QList<ActivityRow> rows{row(8471, {8460}), row(8460, {8452}),       row(8452, {}),
                                      row(8470, {8460}), row(8480, {8452, 8460}), row(9000, {1234}),
                                      row(7000, {})};
        QStringList shape;
        for (const LockTreeNode &n : lockTree(rows))
            shape << QString(n.depth * 2, QLatin1Char(' ')) + QString::number(n.pid) +
                         (n.row ? QString() : QStringLiteral("?"));
        QCOMPARE(shape, QStringList({QStringLiteral("1234?"), QStringLiteral("  9000"),
                                     QStringLiteral("8452"), QStringLiteral("  8460"),
                                     QStringLiteral("    8471"), QStringLiteral("    8470"),
                                     QStringLiteral("    8480"), QStringLiteral("  8480")}));
        QCOMPARE(waitingCount(rows), 5);

        // A cycle (a deadlock about to be broken) has no root and does not loop forever.
        QVERIFY(lockTree({row(1, {2}), row(2, {1})}).isEmpty());
    }

    void reportsMapErrorsToPlainWords()
    {
        const QList<CheckDefinition> checks = {
            *parseCheck(QStringLiteral("-- name: a\n-- title: A\nselect 1"),
                        QStringLiteral("a.sql")),
            *parseCheck(QStringLiteral(
                            "-- name: b\n-- title: B\n-- requires: pg_stat_statements\nselect 1"),
                        QStringLiteral("b.sql")),
            *parseCheck(QStringLiteral("-- name: c\n-- title: C\nselect 1"),
                        QStringLiteral("c.sql")),
            *parseCheck(QStringLiteral("-- name: d\n-- title: D\nselect 1"),
                        QStringLiteral("d.sql")),
        };
        HealthRunner runner(checks, {});
        PgResultSet found;
        found.columns = {QStringLiteral("object"), QStringLiteral("severity"),
                         QStringLiteral("detail"), QStringLiteral("fix"), QStringLiteral("extra")};
        found.rows = {
            {QStringLiteral("t1"), QStringLiteral("warning"), QStringLiteral("d1"),
             QStringLiteral("f1"), 5},
            {QStringLiteral("t2"), QStringLiteral("critical"), QStringLiteral("d2"), QString(), 6}};
        const HealthReport report = runner.report(
            150000,
            {Result<PgResultSet>(
                 Error{QStringLiteral("canceling statement due to statement timeout"),
                       {},
                       0,
                       0,
                       QStringLiteral("57014")}),
             Result<PgResultSet>(Error{
                 QStringLiteral("relation does not exist"), {}, 0, 0, QStringLiteral("42P01")}),
             Result<PgResultSet>(found),
             Result<PgResultSet>(
                 Error{QStringLiteral("lock timeout"), {}, 0, 0, QStringLiteral("55P03")})});
        QCOMPARE(report.check(QStringLiteral("a"))->verdict, Verdict::NotRun);
        QCOMPARE(report.check(QStringLiteral("a"))->summary,
                 QStringLiteral("could not run: statement timeout"));
        QCOMPARE(report.check(QStringLiteral("b"))->verdict, Verdict::Skipped);
        QVERIFY(report.check(QStringLiteral("b"))
                    ->error.contains(QStringLiteral("create extension pg_stat_statements")));
        const CheckResult *c = report.check(QStringLiteral("c"));
        QCOMPARE(c->verdict, Verdict::Critical);
        QCOMPARE(c->findings.size(), 2);
        QCOMPARE(c->findings[1].extra.value(QStringLiteral("extra")).toInt(), 6);
        QVERIFY(report.check(QStringLiteral("d"))->summary.contains(QStringLiteral("lock")));
        QCOMPARE(report.overall(), Verdict::Critical);
    }
};

QTEST_GUILESS_MAIN(TestHealthCheck)
#include "tst_healthcheck.moc"
