// SPDX-License-Identifier: GPL-3.0-or-later
// Against the real PostgreSQL of tests/services/postgres.sh (and sshd for the tunnel).
#include "dbhealth/queryplan.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "runtime/databasesession.h"
#include "ssh/sshclient.h"
#include "testservices.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;

namespace {

int pgPort()
{
    return TestServices::load(QStringLiteral("postgres")).value(QStringLiteral("PGPORT")).toInt();
}

} // namespace

class TestPgConnection final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY2(pgPort() > 0, "the postgres fixture did not run"); }

    void returnsTypedValues()
    {
        PgConnection pg(TestServices::pgConninfo());
        const Status opened = wait(pg.open());
        QVERIFY2(opened.ok(), qPrintable(opened.errorString()));
        QCOMPARE(pg.state(), PgConnection::State::Connected);
        QVERIFY(pg.serverVersion() >= 120000);
        const Result<PgResultSet> r = wait(pg.query(
            QStringLiteral("select 42::int as n, 'x'::text as t, null::int as z, true as b,"
                           " 1.5::float8 as f, $1::text as p"),
            {QStringLiteral("param ünï")}));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->columns,
                 (QStringList{QStringLiteral("n"), QStringLiteral("t"), QStringLiteral("z"),
                              QStringLiteral("b"), QStringLiteral("f"), QStringLiteral("p")}));
        QCOMPARE(r->value(0, QStringLiteral("n")).toLongLong(), 42);
        QCOMPARE(r->value(0, QStringLiteral("t")).toString(), QStringLiteral("x"));
        QVERIFY(r->value(0, QStringLiteral("z")).isNull());
        QCOMPARE(r->value(0, QStringLiteral("b")).toBool(), true);
        QCOMPARE(r->value(0, QStringLiteral("f")).toDouble(), 1.5);
        QCOMPARE(r->value(0, QStringLiteral("p")).toString(), QStringLiteral("param ünï"));
    }

    void aHugeResultKeepsItsFirstRowsOnly()
    {
        // More rows than kMaxRows: the first kMaxRows are kept, read row by row (a result is
        // never held whole, so memory does not grow with the rows past the bound).
        PgConnection pg(TestServices::pgConninfo());
        QVERIFY(wait(pg.open()).ok());
        const Result<PgResultSet> r = wait(
            pg.query(QStringLiteral("select i, 'x' as pad from generate_series(1, 130000) i")));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->rowCount(), PgResultSet::kMaxRows);
        QVERIFY(r->truncated);
        QCOMPARE(r->value(0, QStringLiteral("i")).toInt(), 1);
        QCOMPARE(r->value(PgResultSet::kMaxRows - 1, QStringLiteral("i")).toInt(),
                 PgResultSet::kMaxRows);
        QCOMPARE(r->columns, (QStringList{QStringLiteral("i"), QStringLiteral("pad")}));
        // Small and empty results are whole, with their columns; the session is still usable.
        const Result<PgResultSet> small =
            wait(pg.query(QStringLiteral("select i from generate_series(1, 3) i")));
        QCOMPARE(small->rowCount(), 3);
        QVERIFY(!small->truncated);
        const Result<PgResultSet> none =
            wait(pg.query(QStringLiteral("select 1 as one where false")));
        QVERIFY2(none.ok(), qPrintable(none.errorString()));
        QCOMPARE(none->rowCount(), 0);
        QCOMPARE(none->columns, QStringList{QStringLiteral("one")});
    }

    void monitoringSessionIsReadOnlyWithTimeouts()
    {
        PgConnection pg(TestServices::pgConninfo());
        QVERIFY(wait(pg.open()).ok());
        const Result<PgResultSet> r = wait(pg.query(QStringLiteral(
            "select current_setting('default_transaction_read_only') as ro,"
            " current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt,"
            " current_setting('idle_in_transaction_session_timeout') as it, current_setting('jit') "
            "as jit,"
            " current_setting('application_name') as app")));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->value(0, QStringLiteral("ro")).toString(), QStringLiteral("on"));
        QCOMPARE(r->value(0, QStringLiteral("st")).toString(), QStringLiteral("5s"));
        QCOMPARE(r->value(0, QStringLiteral("lt")).toString(), QStringLiteral("1s"));
        QCOMPARE(r->value(0, QStringLiteral("it")).toString(), QStringLiteral("30s"));
        QCOMPARE(r->value(0, QStringLiteral("jit")).toString(), QStringLiteral("off"));
        QCOMPARE(r->value(0, QStringLiteral("app")).toString(), QStringLiteral("opsdeck"));
        const Result<PgResultSet> write =
            wait(pg.query(QStringLiteral("create table t_should_fail(x int)")));
        QVERIFY(!write.ok());
        QCOMPARE(write.error().code, QStringLiteral("25006")); // read_only_sql_transaction
    }

    void plansAreReadWithoutRunningTheQuery()
    {
        // The read-only monitoring session: EXPLAIN of a write plans it and writes nothing.
        PgConnection pg(TestServices::pgConninfo());
        QVERIFY(wait(pg.open()).ok());
        Result<QString> plan = wait(QueryPlan::explain(
            pg, QStringLiteral(
                    "/* from Django */\n  select relname from pg_class where relkind = 'r'")));
        QVERIFY2(plan.ok(), qPrintable(plan.errorString()));
        QVERIFY2(plan->contains(QStringLiteral("Scan on pg_class")), qPrintable(*plan));
        plan = wait(QueryPlan::explain(
            pg, QStringLiteral("insert into pg_temp.nowhere select 1 where false")));
        QVERIFY(!plan.ok()); // the server's own words: the relation does not exist
        QVERIFY2(plan.errorString().contains(QStringLiteral("does not exist")),
                 qPrintable(plan.errorString()));

        // What EXPLAIN does not accept is not sent, and the answer says why.
        plan = wait(QueryPlan::explain(pg, QStringLiteral("alter table t add column x int")));
        QVERIFY(!plan.ok());
        QVERIFY2(plan.errorString().startsWith(QStringLiteral("ALTER statements have no plan")),
                 qPrintable(plan.errorString()));
        plan =
            wait(QueryPlan::explain(pg, QStringLiteral("select * from pg_class where oid = $1")));
        QVERIFY(plan.errorString().contains(QStringLiteral("bind parameters")));
        plan = wait(QueryPlan::explain(pg, QStringLiteral("  -- nothing\n")));
        QVERIFY(plan.errorString().contains(QStringLiteral("no query text")));
        QVERIFY(
            QueryPlan::whyNotExplainable(QStringLiteral("CREATE TABLE t2 AS select 1")).isEmpty());
        QVERIFY(!QueryPlan::whyNotExplainable(QStringLiteral("create table t2 (x int)")).isEmpty());
        QVERIFY(
            QueryPlan::whyNotExplainable(QStringLiteral("WITH x AS (select 1) table x")).isEmpty());
    }

    void actionSessionCanWrite()
    {
        PgConnection pg(TestServices::pgConninfo(), PgSessionSettings::action());
        QVERIFY(wait(pg.open()).ok());
        const Result<PgResultSet> r = wait(pg.query(QStringLiteral("create temp table t(x int)")));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->commandStatus, QStringLiteral("CREATE TABLE"));
    }

    void statementTimeoutIsReportedAndTheSessionSurvives()
    {
        PgSessionSettings settings;
        settings.statementTimeoutMs = 300;
        PgConnection pg(TestServices::pgConninfo(), settings);
        QVERIFY(wait(pg.open()).ok());
        const Result<PgResultSet> slow = wait(pg.query(QStringLiteral("select pg_sleep(3)")));
        QVERIFY(!slow.ok());
        QCOMPARE(slow.error().code, QStringLiteral("57014"));
        QVERIFY2(slow.error().message.contains(QStringLiteral("statement timeout")),
                 qPrintable(slow.errorString()));
        const Result<PgResultSet> next = wait(pg.query(QStringLiteral("select 1")));
        QVERIFY(next.ok());
    }

    void queriesRunInOrder()
    {
        PgConnection pg(TestServices::pgConninfo());
        QVERIFY(wait(pg.open()).ok());
        QList<QFuture<Result<PgResultSet>>> futures;
        for (int i = 0; i < 20; ++i)
            futures << pg.query(QStringLiteral("select $1::int as i"), {i});
        for (int i = 0; i < 20; ++i)
            QCOMPARE(wait(futures[i])->value(0, QStringLiteral("i")).toInt(), i);
    }

    void pipelineKeepsFailuresLocal()
    {
        PgSessionSettings settings;
        settings.statementTimeoutMs = 400;
        PgConnection pg(TestServices::pgConninfo(), settings);
        QVERIFY(wait(pg.open()).ok());
        const PgBatchResult results = wait(pg.pipeline({
            {QStringLiteral("select 1 as a"), {}},
            {QStringLiteral("select 1/0"), {}},
            {QStringLiteral("select $1::int * 2 as b"), {21}},
            {QStringLiteral("select no_such_column from pg_class"), {}},
            {QStringLiteral("select pg_sleep(0.3), 'under its own timeout' as c"), {}},
            {QStringLiteral("select pg_sleep(0.3), 'timeout is per statement' as d"), {}},
            {QStringLiteral("select pg_sleep(2)"), {}},
            {QStringLiteral("select current_setting('default_transaction_read_only') as ro"), {}},
        }));
        QCOMPARE(results.size(), 8);
        QCOMPARE(results[0]->value(0, QStringLiteral("a")).toInt(), 1);
        QCOMPARE(results[1].error().code, QStringLiteral("22012")); // division_by_zero
        QCOMPARE(results[2]->value(0, QStringLiteral("b")).toInt(), 42);
        QCOMPARE(results[3].error().code, QStringLiteral("42703")); // undefined_column
        // 0.3 s + 0.3 s > 0.4 s: only a per-statement timer lets both finish.
        QVERIFY2(results[4].ok(), qPrintable(results[4].errorString()));
        QVERIFY2(results[5].ok(), qPrintable(results[5].errorString()));
        QCOMPARE(results[6].error().code, QStringLiteral("57014")); // statement timeout
        QCOMPARE(results[7]->value(0, QStringLiteral("ro")).toString(), QStringLiteral("on"));
        // Back out of pipeline mode: plain queries work again.
        QCOMPARE(
            wait(pg.query(QStringLiteral("select 5 as x")))->value(0, QStringLiteral("x")).toInt(),
            5);
        QVERIFY(wait(pg.pipeline({})).isEmpty());
    }

    void cancelStopsARunningQuery()
    {
        PgConnection pg(TestServices::pgConninfo());
        QVERIFY(wait(pg.open()).ok());
        QElapsedTimer clock;
        clock.start();
        QFuture<Result<PgResultSet>> future = pg.query(QStringLiteral("select pg_sleep(4.5)"));
        QTest::qWait(300);
        pg.cancel();
        const Result<PgResultSet> r = wait(future);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("57014"));
        QVERIFY2(r.error().message.contains(QStringLiteral("user request")),
                 qPrintable(r.errorString()));
        QVERIFY(clock.elapsed() < 3000);
    }

    void wrongPasswordSaysSo()
    {
        PgConnection pg(
            TestServices::pgConninfo(QStringLiteral("opsdeck_test"), QStringLiteral("opsdeck_pw")) +
            QStringLiteral(" password=wrong-password"));
        const Status opened = wait(pg.open());
        QVERIFY(!opened.ok());
        QVERIFY2(opened.errorString().contains(
                     QStringLiteral("password authentication failed for user \"opsdeck_pw\"")),
                 qPrintable(opened.errorString()));
        QCOMPARE(pg.state(), PgConnection::State::Failed);

        PgConnection right(
            TestServices::pgConninfo(QStringLiteral("opsdeck_test"), QStringLiteral("opsdeck_pw")) +
            QStringLiteral(" password=right-password"));
        QVERIFY(wait(right.open()).ok());
    }

    void unreachableServerFailsClearly()
    {
        PgConnection pg(QStringLiteral("host=127.0.0.1 port=1 dbname=x connect_timeout=3"));
        const Status opened = wait(pg.open());
        QVERIFY(!opened.ok());
        QVERIFY2(opened.errorString().contains(QStringLiteral("Connection refused")),
                 qPrintable(opened.errorString()));
        const Result<PgResultSet> q = wait(pg.query(QStringLiteral("select 1")));
        QVERIFY(!q.ok());
    }

    void aSessionsQueryConnectsFirst()
    {
        // One future for "connect if need be, then query": what panes and core readers use.
        DatabaseSpec spec;
        spec.conninfo = TestServices::pgConninfo();
        DatabaseSession session(spec, nullptr, PgSessionSettings());
        QCOMPARE(session.state(), DatabaseSession::State::Disconnected);
        const Result<PgResultSet> r =
            wait(session.query(QStringLiteral("select $1::int + 1"), {41}));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->rows.value(0).value(0).toInt(), 42);
        QCOMPARE(session.state(), DatabaseSession::State::Connected);

        DatabaseSpec nowhere;
        nowhere.conninfo = QStringLiteral("host=127.0.0.1 port=1 dbname=x connect_timeout=3");
        DatabaseSession refused(nowhere, nullptr, PgSessionSettings());
        const Result<PgResultSet> q = wait(refused.query(QStringLiteral("select 1")));
        QVERIFY(!q.ok());
        QVERIFY2(q.errorString().startsWith(QLatin1String("not connected: ")) &&
                     q.errorString().contains(QLatin1String("Connection refused")),
                 qPrintable(q.errorString()));
    }

    void throughAnSshTunnel()
    {
        const QHash<QString, QString> env = TestServices::load(QStringLiteral("sshd"));
        SshEndpoint ep;
        ep.name = QStringLiteral("bastion");
        ep.address = QStringLiteral("127.0.0.1");
        ep.port = env.value(QStringLiteral("SSH_PORT_BASTION")).toInt();
        ep.user = env.value(QStringLiteral("SSH_USER"));
        ep.identityFile = env.value(QStringLiteral("SSH_KEY"));
        ep.knownHostsFile = env.value(QStringLiteral("SSH_KNOWN_HOSTS"));
        ep.useSshConfig = false;
        FixedPrompter reject(HostKeyDecision::Reject);
        SshClient bastion(ep, nullptr, &reject);
        const Result<quint16> port =
            wait(bastion.openTunnel(QStringLiteral("127.0.0.1"), pgPort()));
        QVERIFY2(port.ok(), qPrintable(port.errorString()));
        QVERIFY(*port != pgPort());

        // The conninfo names the real server; the tunnel only changes where libpq dials.
        PgConnection pg(TestServices::pgConninfo());
        pg.setTunnelPort(*port);
        const Status opened = wait(pg.open());
        QVERIFY2(opened.ok(), qPrintable(opened.errorString()));
        const Result<PgResultSet> r =
            wait(pg.query(QStringLiteral("select inet_server_port() as p, 7 as x")));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->value(0, QStringLiteral("p")).toInt(), pgPort());
    }

    void lostConnectionIsReported()
    {
        PgConnection pg(TestServices::pgConninfo());
        QVERIFY(wait(pg.open()).ok());
        QSignalSpy lost(&pg, &PgConnection::connectionLost);
        const int pid = wait(pg.query(QStringLiteral("select pg_backend_pid() as pid")))
                            ->value(0, QStringLiteral("pid"))
                            .toInt();
        PgConnection admin(TestServices::pgConninfo(), PgSessionSettings::action());
        QVERIFY(wait(admin.open()).ok());
        QVERIFY(wait(admin.query(QStringLiteral("select pg_terminate_backend($1)"), {pid})).ok());
        QVERIFY(lost.wait(5000) || lost.size() == 1);
        QCOMPARE(pg.state(), PgConnection::State::Failed);
        QVERIFY(!wait(pg.query(QStringLiteral("select 1"))).ok());
        // And it can be opened again.
        QVERIFY(wait(pg.open()).ok());
        QVERIFY(wait(pg.query(QStringLiteral("select 1"))).ok());
    }

    void parsesTargets()
    {
        const Result<PgTarget> t =
            PgConnection::target(QStringLiteral("host=db.internal port=6543 dbname=app user=ops"));
        QVERIFY(t.ok());
        QCOMPARE(t->host, QStringLiteral("db.internal"));
        QCOMPARE(t->port, 6543);
        QCOMPARE(t->database, QStringLiteral("app"));
        const Result<PgTarget> uri =
            PgConnection::target(QStringLiteral("postgresql://ops@db:5433/app"));
        QCOMPARE(uri->host, QStringLiteral("db"));
        QCOMPARE(uri->port, 5433);
        QVERIFY(!PgConnection::target(QStringLiteral("host='unterminated")).ok());
    }
};

QTEST_GUILESS_MAIN(TestPgConnection)
#include "tst_pgconnection.moc"
