// SPDX-License-Identifier: GPL-3.0-or-later
// The demo's streaming standby seen from its primary: the Database health overview lists it
// with its lag, and the replication_lag check turns to warning when replay is paused there
// and the primary writes on (the WAL arrives and is not replayed), then back once resumed.
// On the standby itself: its own checks (replay paused, recovery conflicts) and the command
// line's `db health production`, which runs them on the replica the workspace lists.
#include "dbhealth/dboverview.h"
#include "dbhealth/healthrunner.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "testservices.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

using namespace Opsdeck;

namespace {

QString conninfo(const QString &portVariable, const QString &database)
{
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres")
        .arg(TestServices::load(QStringLiteral("demo")).value(portVariable), database);
}

const CheckDefinition &replicationLag()
{
    for (const CheckDefinition &c : builtinChecks())
        if (c.name == QLatin1String("replication_lag"))
            return c;
    qFatal("no replication_lag check");
}

std::optional<OverviewItem> standbyItem(PgConnection &primary)
{
    const Result<PgResultSet> set = wait(primary.query(overviewSql()));
    if (!set)
        return std::nullopt;
    for (const OverviewItem &item : overviewItems(overviewSample(*set), std::nullopt))
        if (item.name == QLatin1String("Standby standby1"))
            return item;
    return std::nullopt;
}

} // namespace

class TestStandby final : public QObject
{
    Q_OBJECT

    PgConnection m_primary{conninfo(QStringLiteral("PGPORT"), QStringLiteral("postgres")),
                           PgSessionSettings::action()};
    PgConnection m_standby{conninfo(QStringLiteral("STANDBY_PORT"), QStringLiteral("postgres")),
                           PgSessionSettings::action()};

    CheckResult standbyCheck(const QString &name)
    {
        HealthRunner runner(builtinChecks(), {});
        runner.setServerRole(HealthRunner::ServerRole::Standby);
        const HealthReport report = wait(runner.run(m_standby));
        const CheckResult *check = report.check(name);
        return check ? *check : CheckResult{};
    }

    qint64 conflicts()
    {
        const Result<PgResultSet> r = wait(m_standby.query(QStringLiteral(
            "select confl_lock from pg_stat_database_conflicts where datname = 'postgres'")));
        return r.ok() ? r->rows.value(0).value(0).toLongLong() : -1;
    }

    CheckResult lagCheck()
    {
        const HealthReport report = wait(HealthRunner({replicationLag()}, {}).run(m_primary));
        return report.checks.value(0);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(wait(m_primary.open()).ok());
        QVERIFY2(wait(m_standby.open()).ok(), qPrintable(m_standby.lastError()));
        QVERIFY(wait(m_standby.query(QStringLiteral("select pg_is_in_recovery()")))
                    ->rows[0][0]
                    .toBool());
    }

    void cleanupTestCase()
    {
        (void)wait(m_standby.query(QStringLiteral("select pg_wal_replay_resume()")));
        (void)wait(m_primary.query(QStringLiteral("drop table if exists standby_burst")));
        (void)wait(m_primary.query(QStringLiteral("drop table if exists standby_conflict")));
    }

    void overviewListsTheStandby()
    {
        std::optional<OverviewItem> item;
        QVERIFY(
            QTest::qWaitFor([&] { return (item = standbyItem(m_primary)).has_value(); }, 30000));
        QVERIFY2(item->value.startsWith(QStringLiteral("streaming, ")), qPrintable(item->value));
        QCOMPARE(lagCheck().findings.size(), 0);
        // The standby's own overview says what it is, and that it replays.
        const Result<PgResultSet> own = wait(m_standby.query(overviewSql()));
        QVERIFY2(own.ok(), qPrintable(own.errorString()));
        const QList<OverviewItem> items = overviewItems(overviewSample(*own), std::nullopt);
        QVERIFY(std::any_of(items.cbegin(), items.cend(), [](const OverviewItem &i) {
            return i.name == QLatin1String("Replay") && i.value == QLatin1String("replaying");
        }));
    }

    void pausedReplayTurnsTheLagCheckToWarning()
    {
        auto resume = qScopeGuard(
            [&] { (void)wait(m_standby.query(QStringLiteral("select pg_wal_replay_resume()"))); });
        QVERIFY(wait(m_standby.query(QStringLiteral("select pg_wal_replay_pause()"))).ok());
        // About 40 MiB of WAL, more than the check's 16 MiB.
        QVERIFY(wait(m_primary.query(QStringLiteral(
                         "create table standby_burst as select g, repeat('x', 300) as pad "
                         "from generate_series(1, 100000) g")))
                    .ok());
        CheckResult check;
        QVERIFY(QTest::qWaitFor(
            [&] {
                // Bytes behind count first, while the WAL is still on its way; then it has
                // arrived and waits there, not replayed.
                check = lagCheck();
                return !check.findings.isEmpty() &&
                       check.findings.first().fix.contains(QStringLiteral("replay paused"));
            },
            30000));
        QCOMPARE(check.verdict, Verdict::Warning);
        const Finding &f = check.findings.first();
        QCOMPARE(f.object, QStringLiteral("standby1"));
        QVERIFY2(f.detail.contains(QStringLiteral("received, not replayed")), qPrintable(f.detail));
        QVERIFY2(f.fix.contains(QStringLiteral("replay paused")), qPrintable(f.fix));
        const std::optional<OverviewItem> item = standbyItem(m_primary);
        QVERIFY(item);
        QCOMPARE(item->verdict, Verdict::Warning);
        QVERIFY2(item->why.contains(QStringLiteral("replay is paused or stuck")),
                 qPrintable(item->why));
        // On the standby itself: paused, said plainly.
        const Result<PgResultSet> own = wait(m_standby.query(overviewSql()));
        QVERIFY(own.ok());
        const QList<OverviewItem> items = overviewItems(overviewSample(*own), std::nullopt);
        QVERIFY(std::any_of(items.cbegin(), items.cend(), [](const OverviewItem &i) {
            return i.name == QLatin1String("Replay") && i.value.startsWith(QLatin1String("PAUSED"));
        }));
        const CheckResult replay = standbyCheck(QStringLiteral("standby_replay"));
        QCOMPARE(replay.verdict, Verdict::Warning);
        QCOMPARE(replay.findings.value(0).object, QStringLiteral("replay"));
        QVERIFY2(replay.findings.value(0).detail.startsWith(QStringLiteral("paused: ")),
                 qPrintable(replay.findings.value(0).detail));
        QVERIFY(replay.findings.value(0).fix.contains(QStringLiteral("pg_wal_replay_resume")));

        resume.dismiss();
        QVERIFY(wait(m_standby.query(QStringLiteral("select pg_wal_replay_resume()"))).ok());
        QVERIFY(QTest::qWaitFor([&] { return lagCheck().findings.isEmpty(); }, 30000));
        QCOMPARE(standbyCheck(QStringLiteral("standby_replay")).verdict, Verdict::Ok);
        QVERIFY(wait(m_primary.query(QStringLiteral("drop table standby_burst"))).ok());
    }

    void aRecoveryConflictIsCountedOnTheStandby()
    {
        const qint64 before = conflicts();
        QVERIFY(
            wait(m_primary.query(QStringLiteral("drop table if exists standby_conflict"))).ok());
        QVERIFY(
            wait(m_primary.query(QStringLiteral("create table standby_conflict as select 1 as x")))
                .ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                const Result<PgResultSet> r = wait(m_standby.query(
                    QStringLiteral("select to_regclass('standby_conflict') is not null")));
                return r.ok() && r->rows.value(0).value(0).toBool();
            },
            30000));
        // A report on the standby reads the table; the primary drops it. Replay needs the
        // table's lock, waits max_standby_streaming_delay (5 s in the demo), then cancels.
        PgConnection reader{conninfo(QStringLiteral("STANDBY_PORT"), QStringLiteral("postgres")),
                            PgSessionSettings::console()}; // 60 s statement timeout
        QVERIFY(wait(reader.open()).ok());
        QFuture<Result<PgResultSet>> report =
            reader.query(QStringLiteral("select x, pg_sleep(30) from standby_conflict"));
        QTest::qWait(500); // the report has its lock
        QVERIFY(wait(m_primary.query(QStringLiteral("drop table standby_conflict"))).ok());
        const Result<PgResultSet> cancelled = wait(report);
        QVERIFY(!cancelled.ok());
        QVERIFY2(cancelled.errorString().contains(QStringLiteral("conflict with recovery")),
                 qPrintable(cancelled.errorString()));

        CheckResult check;
        QVERIFY(QTest::qWaitFor(
            [&] {
                check = standbyCheck(QStringLiteral("standby_conflicts"));
                return conflicts() > before && !check.findings.isEmpty();
            },
            30000));
        QVERIFY(check.verdict >= Verdict::Warning);
        QCOMPARE(check.findings.first().object, QStringLiteral("postgres"));
        QVERIFY2(check.findings.first().detail.contains(QStringLiteral("lock ")),
                 qPrintable(check.findings.first().detail));
        QVERIFY2(check.findings.first().fix.contains(QStringLiteral("exclusive lock")),
                 qPrintable(check.findings.first().fix));
    }

    void commandLineRunsTheReplicasChecks()
    {
        const QHash<QString, QString> demo = TestServices::load(QStringLiteral("demo"));
        QProcess cli;
        cli.start(qEnvironmentVariable("OPSDECK_BINARY"),
                  {QStringLiteral("db"), QStringLiteral("health"), QStringLiteral("production"),
                   QStringLiteral("-w"), demo.value(QStringLiteral("WORKSPACE")),
                   QStringLiteral("--json"), QStringLiteral("--check"),
                   QStringLiteral("long_running"), QStringLiteral("--check"),
                   QStringLiteral("standby_replay")});
        QVERIFY(cli.waitForFinished(60000));
        const QJsonObject json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QStringList names;
        for (const QJsonValue &c : json.value(QStringLiteral("checks")).toArray()) {
            names << c[QStringLiteral("server")].toString() + QLatin1Char(' ') +
                         c[QStringLiteral("name")].toString();
            // The primary's long_running may see the demo's stuck migration; the standby
            // runs nothing long.
            if (c[QStringLiteral("server")].toString() == QLatin1String("standby1"))
                QCOMPARE(c[QStringLiteral("verdict")].toString(), QStringLiteral("ok"));
        }
        // standby_replay is a standby's check only: the primary does not run it.
        QCOMPARE(names, QStringList({QStringLiteral("primary long_running"),
                                     QStringLiteral("standby1 standby1/long_running"),
                                     QStringLiteral("standby1 standby1/standby_replay")}));
    }
};

QTEST_GUILESS_MAIN(TestStandby)
#include "tst_standby.moc"
