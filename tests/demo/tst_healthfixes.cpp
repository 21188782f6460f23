// SPDX-License-Identifier: GPL-3.0-or-later
// Every health check whose fix is SQL: the problem is planted in a scratch database of the real
// test cluster, the check finds it, the suggested fix is run the way a user runs it (pasted into
// psql), and the finding is gone. A check whose fix cannot be run as it stands must say it is
// advice (`-- fix: advice`); a new SQL-fix check without a plant here fails the catalogue test.
#include "dbhealth/healthrunner.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "testservices.h"

#include <QCoreApplication>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QTest>

#include <functional>
#include <memory>

using namespace Opsdeck;

namespace {

const CheckDefinition &builtin(const QString &name)
{
    for (const CheckDefinition &c : builtinChecks())
        if (c.name == name)
            return c;
    qFatal("no check %s", qPrintable(name));
}

QProcessEnvironment psqlEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QHash<QString, QString> pg = TestServices::load(QStringLiteral("postgres"));
    for (const QString &key : {QStringLiteral("PGHOST"), QStringLiteral("PGPORT")})
        env.insert(key, pg.value(key));
    env.insert(QStringLiteral("PGUSER"), QStringLiteral("postgres"));
    env.insert(QStringLiteral("PGAPPNAME"), QStringLiteral("psql"));
    return env;
}

/** Runs SQL through psql's standard input, as a user pasting a fix does; returns psql's exit. */
int runPsql(const QString &database, const QString &sql, QString *output = nullptr)
{
    QProcess psql;
    psql.setProcessEnvironment(psqlEnvironment());
    psql.setProcessChannelMode(QProcess::MergedChannels);
    psql.start(QStringLiteral("psql"),
               {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-d"), database});
    psql.write(sql.toUtf8() + '\n');
    psql.closeWriteChannel();
    psql.waitForFinished(60000);
    if (output)
        *output = QString::fromUtf8(psql.readAll());
    return psql.exitStatus() == QProcess::NormalExit ? psql.exitCode() : -1;
}

/** A psql session left open (idle in a transaction, or running a long statement). */
class LiveSession
{
public:
    explicit LiveSession(const QString &database)
    {
        m_psql.setProcessEnvironment(psqlEnvironment());
        m_psql.start(QStringLiteral("psql"),
                     {QStringLiteral("-X"), QStringLiteral("-At"), QStringLiteral("-d"), database});
        m_psql.write("select pg_backend_pid();\n");
        while (m_pid.isEmpty() && m_psql.waitForReadyRead(10000))
            m_pid = QString::fromUtf8(m_psql.readLine()).trimmed();
    }
    ~LiveSession()
    {
        m_psql.closeWriteChannel();
        if (!m_psql.waitForFinished(5000))
            m_psql.kill();
        m_psql.waitForFinished(5000);
    }
    void send(const char *sql)
    {
        m_psql.write(QByteArray(sql) + '\n');
        m_psql.waitForBytesWritten(10000);
    }
    /** Sends a statement that returns at once (ends with a row) and waits for its answer. */
    bool sendAndAwait(const char *sql)
    {
        send(sql);
        return m_psql.waitForReadyRead(10000) && !m_psql.readAll().isEmpty();
    }
    QString pid() const { return m_pid; }

private:
    QProcess m_psql;
    QString m_pid;
};

/** What one check needs to see its problem: a plant, and which findings are the plant's own. */
struct Plant
{
    QVariantMap thresholds;
    // Sets the problem up in the scratch database; may keep sessions alive in `keep`.
    std::function<bool(const QString &db, std::vector<std::unique_ptr<LiveSession>> &keep,
                       QStringList &ownObjects)>
        plant;
};

bool psqlOk(const QString &db, const QString &sql)
{
    QString output;
    const int code = runPsql(db, sql, &output);
    if (code != 0)
        qWarning("psql failed (%d): %s", code, qPrintable(output));
    return code == 0;
}

bool waitUntilWaitingForALock(const QString &db, const QString &pid)
{
    for (int attempt = 0; attempt < 100; ++attempt) {
        QString output;
        runPsql(
            db,
            QStringLiteral("\\pset tuples_only on\nselect wait_event_type from pg_stat_activity "
                           "where pid = %1;")
                .arg(pid),
            &output);
        if (output.contains(QStringLiteral("Lock")))
            return true;
        QTest::qWait(100);
    }
    return false;
}

QHash<QString, Plant> plants()
{
    using Sessions = std::vector<std::unique_ptr<LiveSession>>;
    QHash<QString, Plant> p;
    p[QStringLiteral("sequences")] = {
        {}, [](const QString &db, Sessions &, QStringList &own) {
            own = {QStringLiteral("public.lone"), QStringLiteral("public.small_id_seq"),
                   QStringLiteral("public.widened_seq"), QStringLiteral("public.bigcol_seq")};
            return psqlOk(
                db, QStringLiteral("create sequence lone as integer;" // owned by no column
                                   "create table small (id serial primary key);"
                                   "create table widened (id int primary key);"
                                   "create sequence widened_seq as bigint owned by widened.id;"
                                   "create table bigcol (id bigint primary key);"
                                   "create sequence bigcol_seq as integer owned by bigcol.id;"
                                   "select setval('lone', 2000000000), setval('small_id_seq', "
                                   "2000000000), setval('widened_seq', 1700000000), "
                                   "setval('bigcol_seq', 2100000000);"));
        }};
    p[QStringLiteral("dead_tuples")] = {
        {}, [](const QString &db, Sessions &, QStringList &own) {
            own = {QStringLiteral("public.churn")};
            return psqlOk(db,
                          QStringLiteral("create table churn (id int) with (autovacuum_enabled = "
                                         "false); insert into churn select generate_series(1, "
                                         "5000); delete from churn;"));
        }};
    p[QStringLiteral("stale_statistics")] = {
        {}, [](const QString &db, Sessions &, QStringList &own) {
            own = {QStringLiteral("public.grown")};
            return psqlOk(db, QStringLiteral("create table grown (id int) with "
                                             "(autovacuum_enabled = false); insert into grown "
                                             "select generate_series(1, 5000);"));
        }};
    p[QStringLiteral("duplicate_indexes")] = {
        {}, [](const QString &db, Sessions &, QStringList &own) {
            own = {QStringLiteral("public.pair_a")};
            return psqlOk(db, QStringLiteral("create table pair (a int, b int); create index "
                                             "pair_a on pair (a); create index pair_ab on pair "
                                             "(a, b);"));
        }};
    p[QStringLiteral("unused_indexes")] = {
        {{QStringLiteral("min_size_mb"), 0}}, [](const QString &db, Sessions &, QStringList &own) {
            own = {QStringLiteral("public.lonely_a")};
            return psqlOk(db, QStringLiteral("create table lonely (a int); create index "
                                             "lonely_a on lonely (a);"));
        }};
    p[QStringLiteral("invalid_indexes")] = {
        {}, [](const QString &db, Sessions &, QStringList &own) {
            own = {QStringLiteral("public.twice_a")};
            // A concurrent unique build over duplicates fails and leaves the index invalid.
            return psqlOk(db, QStringLiteral("create table twice (a int); insert into twice "
                                             "values (1), (1);")) &&
                   runPsql(db, QStringLiteral("create unique index concurrently twice_a on "
                                              "twice (a);")) != 0;
        }};
    p[QStringLiteral("idle_in_transaction")] = {
        {{QStringLiteral("warn_seconds"), 0}},
        [](const QString &db, Sessions &keep, QStringList &own) {
            keep.push_back(std::make_unique<LiveSession>(db));
            if (!keep.back()->sendAndAwait("begin; select 1;"))
                return false;
            own = {keep.back()->pid()};
            return !own.first().isEmpty();
        }};
    p[QStringLiteral("long_running")] = {{{QStringLiteral("warn_seconds"), 0}},
                                         [](const QString &db, Sessions &keep, QStringList &own) {
                                             keep.push_back(std::make_unique<LiveSession>(db));
                                             keep.back()->send("select pg_sleep(600);");
                                             own = {keep.back()->pid()};
                                             return !own.first().isEmpty();
                                         }};
    p[QStringLiteral("blocked_queries")] = {
        {{QStringLiteral("warn_seconds"), 0}},
        [](const QString &db, Sessions &keep, QStringList &own) {
            if (!psqlOk(db, QStringLiteral("create table gate (a int);")))
                return false;
            // An idle-in-transaction root, a migration behind it, a reader behind both.
            keep.push_back(std::make_unique<LiveSession>(db));
            if (!keep.back()->sendAndAwait(
                    "begin; lock table gate in access share mode; select 1;"))
                return false;
            keep.push_back(std::make_unique<LiveSession>(db));
            keep.back()->send("alter table gate add column b int;");
            if (!waitUntilWaitingForALock(db, keep.back()->pid())) // queued before the reader
                return false;
            keep.push_back(std::make_unique<LiveSession>(db));
            keep.back()->send("select * from gate;");
            own = {keep[1]->pid(), keep[2]->pid()};
            return !own.contains(QString());
        }};
    p[QStringLiteral("xmin_horizon")] = {
        {{QStringLiteral("warn_seconds"), 0}},
        [](const QString &db, Sessions &keep, QStringList &own) {
            keep.push_back(std::make_unique<LiveSession>(db));
            if (!keep.back()->sendAndAwait("begin isolation level repeatable read; select "
                                           "count(*) from pg_class;"))
                return false;
            own = {QStringLiteral("session ") + keep.back()->pid()};
            return !keep.back()->pid().isEmpty();
        }};
    p[QStringLiteral("replication_slots")] = {
        {}, [](const QString &db, Sessions &, QStringList &own) {
            const QString slot =
                QStringLiteral("opsdeck_fix_%1").arg(QCoreApplication::applicationPid());
            own = {slot};
            return psqlOk(db, QStringLiteral("select pg_create_physical_replication_slot('%1', "
                                             "true);")
                                  .arg(slot));
        }};
    return p;
}

/** The findings of `check` on `db` that belong to the plant, retried while statistics settle. */
QList<Finding> ownFindings(const QString &db, const QString &check, const QVariantMap &thresholds,
                           const QStringList &own, bool wantSome)
{
    PgConnection pg(TestServices::pgConninfo(db));
    if (!wait(pg.open()).ok())
        return {};
    QList<Finding> mine;
    for (int attempt = 0; attempt < 40; ++attempt) {
        const HealthReport report =
            wait(HealthRunner({builtin(check)}, {{check, thresholds}}).run(pg));
        const CheckResult *result = report.check(check);
        if (!result || result->verdict == Verdict::NotRun) {
            qWarning("%s did not run: %s", qPrintable(check),
                     result ? qPrintable(result->error) : "");
            return {};
        }
        mine.clear();
        for (const Finding &f : result->findings)
            if (own.contains(f.object))
                mine << f;
        const bool settled = wantSome ? mine.size() == own.size() : mine.isEmpty();
        if (settled)
            return mine;
        QTest::qWait(250); // statistics reach the shared counters when a backend goes idle
    }
    return mine;
}

} // namespace

class TestHealthFixes final : public QObject
{
    Q_OBJECT

private slots:
    void everySqlFixHasAPlantAndEveryOtherIsAdvice()
    {
        QSet<QString> sqlFixes;
        for (const CheckDefinition &c : builtinChecks())
            if (!c.fixIsAdvice)
                sqlFixes.insert(c.name);
        const QList<QString> planted = plants().keys();
        QCOMPARE(sqlFixes, QSet<QString>(planted.cbegin(), planted.cend()));
    }

    void runningTheFixMakesTheFindingGoAway_data()
    {
        QTest::addColumn<QString>("check");
        QStringList names = plants().keys();
        names.sort();
        for (const QString &name : names)
            QTest::newRow(qPrintable(name)) << name;
    }

    void runningTheFixMakesTheFindingGoAway()
    {
        QFETCH(QString, check);
        const Plant plant = plants().value(check);
        const QString db =
            QStringLiteral("opsdeck_fix_%1_%2").arg(check).arg(QCoreApplication::applicationPid());
        QVERIFY(psqlOk(QStringLiteral("postgres"),
                       QStringLiteral("drop database if exists %1; create database %1;").arg(db)));
        {
            std::vector<std::unique_ptr<LiveSession>> sessions;
            QStringList own;
            QVERIFY(plant.plant(db, sessions, own));

            const QList<Finding> found = ownFindings(db, check, plant.thresholds, own, true);
            QCOMPARE(found.size(), own.size());
            for (const Finding &f : found) {
                QVERIFY2(!f.fix.isEmpty(), qPrintable(f.object));
                QString output;
                QVERIFY2(runPsql(db, f.fix, &output) == 0,
                         qPrintable(f.object + QStringLiteral(": ") + f.fix + QStringLiteral("\n") +
                                    output));
            }
            const QList<Finding> left = ownFindings(db, check, plant.thresholds, own, false);
            QVERIFY2(left.isEmpty(), qPrintable(left.value(0).object + QStringLiteral(": ") +
                                                left.value(0).detail));
        }
        QVERIFY(psqlOk(QStringLiteral("postgres"),
                       QStringLiteral("drop database %1 with (force);").arg(db)));
    }

    void standaloneSequenceIsReadAndItsFixIsValid()
    {
        // Before: format('%I.%I', NULL, NULL) failed the whole check for a sequence owned by
        // no column; the int column's fix read `alter table public.t.id type bigint`.
        const QString db =
            QStringLiteral("opsdeck_seqfix_%1").arg(QCoreApplication::applicationPid());
        QVERIFY(psqlOk(QStringLiteral("postgres"),
                       QStringLiteral("drop database if exists %1; create database %1;").arg(db)));
        QVERIFY(psqlOk(db, QStringLiteral("create sequence lone as integer; create table t (id "
                                          "int primary key); create sequence t_seq as bigint "
                                          "owned by t.id; select setval('lone', 2000000000), "
                                          "setval('t_seq', 2000000000);")));
        const QStringList own{QStringLiteral("public.lone"), QStringLiteral("public.t_seq")};
        const QList<Finding> found = ownFindings(db, QStringLiteral("sequences"), {}, own, true);
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].fix, QStringLiteral("alter sequence public.lone as bigint;"));
        QVERIFY2(found[1].fix.startsWith(
                     QStringLiteral("alter table public.t alter column id type bigint;")),
                 qPrintable(found[1].fix));
        QVERIFY(psqlOk(QStringLiteral("postgres"),
                       QStringLiteral("drop database %1 with (force);").arg(db)));
    }
};

QTEST_GUILESS_MAIN(TestHealthFixes)
#include "tst_healthfixes.moc"
