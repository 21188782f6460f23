// SPDX-License-Identifier: GPL-3.0-or-later
// The demo's streaming standby seen from its primary: the Database health overview lists it
// with its lag, and the replication_lag check turns to warning when replay is paused there
// and the primary writes on (the WAL arrives and is not replayed), then back once resumed.
#include "dbhealth/dboverview.h"
#include "dbhealth/healthrunner.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "testservices.h"

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

        resume.dismiss();
        QVERIFY(wait(m_standby.query(QStringLiteral("select pg_wal_replay_resume()"))).ok());
        QVERIFY(QTest::qWaitFor([&] { return lagCheck().findings.isEmpty(); }, 30000));
        QVERIFY(wait(m_primary.query(QStringLiteral("drop table standby_burst"))).ok());
    }
};

QTEST_GUILESS_MAIN(TestStandby)
#include "tst_standby.moc"
