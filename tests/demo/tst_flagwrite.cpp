// SPDX-License-Identifier: GPL-3.0-or-later
// Flag writes against the demo's real django-waffle: through SQL and through manage.py over SSH,
// Django itself sees each new value, and a row changed since it was read is never overwritten.
#include "flags/flagstate.h"
#include "flags/flagwrite.h"
#include "pg/pgconnection.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QTest>

using namespace Opsdeck;

namespace {

template<typename T>
T wait(QFuture<T> future, int timeoutMs = 30000)
{
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, timeoutMs))
        return T(Error{QStringLiteral("timed out")});
    return future.result();
}

} // namespace

class TestFlagWrite final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<PgConnection> m_pg;
    FlagsSpec m_spec;
    const QString m_flag =
        QStringLiteral("opsdeck_test_%1").arg(QCoreApplication::applicationPid());

    FlagState read()
    {
        const PgStatement q = flagsQuery(m_spec);
        const auto flags = parseFlags(m_spec, wait(m_pg->query(q.sql)));
        for (const FlagState &f : flags.value())
            if (f.name == m_flag && f.kind == FlagState::Kind::Flag)
                return f;
        return {};
    }

    /** What Django's ORM says about the flag, on the staging app host. */
    QByteArray django(const QString &expression)
    {
        const QString command =
            QStringLiteral("cd /srv/minitwit-staging/current && ./manage.py shell -c 'from "
                           "waffle.models import "
                           "Flag; f = Flag.objects.get(name=\"%1\"); print(%2)'")
                .arg(m_flag, expression);
        SshExec *exec = m_pool->client(QStringLiteral("web1"))->exec(command);
        if (!QTest::qWaitFor([exec] { return exec->isFinished(); }, 30000))
            return "(timed out)";
        return exec->capturedStdout().trimmed() + exec->capturedStderr().trimmed();
    }

    int manage(const FlagChange &change, const QDateTime &readModified)
    {
        SshExec *exec = m_pool->client(QStringLiteral("web1"))
                            ->exec(manageCommand(QStringLiteral("cd /srv/minitwit-staging/current "
                                                                "&& ./manage.py"),
                                                 change, readModified));
        if (!QTest::qWaitFor([exec] { return exec->isFinished(); }, 30000))
            return -2;
        return exec->exitStatus();
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_spec = *FlagsSpec::fromWorkspace({{QStringLiteral("backend"), QStringLiteral("waffle")}});
        m_pg = std::make_unique<PgConnection>(
            QStringLiteral("host=127.0.0.1 port=%1 dbname=minitwit_staging user=postgres")
                .arg(m_demo.value(QStringLiteral("PGPORT"))),
            PgSessionSettings::action()); // writes, as the flags pane's session does
        QVERIFY(wait(m_pg->open()).ok());
        // A flag of this test's own, as waffle's ORM would create it (every NOT NULL column).
        QVERIFY(
            wait(m_pg->query(
                     QStringLiteral(
                         "insert into waffle_flag (name, everyone, percent, testing, superusers, "
                         "staff, authenticated, languages, rollout, note, created, modified) "
                         "values ($1, null, null, false, true, false, false, '', false, '', now(), "
                         "now())"),
                     {m_flag}))
                .ok());
    }

    void cleanupTestCase()
    {
        if (m_pg)
            (void)wait(
                m_pg->query(QStringLiteral("delete from waffle_flag where name = $1"), {m_flag}));
    }

    void sqlWritesAreSeenByDjango()
    {
        FlagChange change{FlagChange::Op::Percent, m_flag, 12.5};
        const FlagState before = read();
        QVERIFY(before.modified.isValid());
        const PgStatement update = sqlUpdate(change, before.modified);
        const auto result = wait(m_pg->query(update.sql, update.params));
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->rowCount(), 1);
        QCOMPARE(django(QStringLiteral("f.everyone, f.percent")), QByteArray("None 12.5"));
        QVERIFY(read().modified > before.modified); // modified is bumped, as save() does
    }

    void aRowChangedSinceItWasReadIsNotOverwritten()
    {
        const FlagState before = read();
        QTest::qWait(5); // someone else saves it a moment later
        QVERIFY(wait(m_pg->query(QStringLiteral("update waffle_flag set staff = true, modified = "
                                                "now() where name = $1"),
                                 {m_flag}))
                    .ok());
        const PgStatement update = sqlUpdate({FlagChange::Op::On, m_flag, 0}, before.modified);
        const auto result = wait(m_pg->query(update.sql, update.params));
        QVERIFY(result);
        QCOMPARE(result->rowCount(), 0);
        QCOMPARE(manage({FlagChange::Op::On, m_flag, 0}, before.modified), 3);
        QCOMPARE(django(QStringLiteral("f.everyone, f.staff")), QByteArray("None True"));
    }

    void manageWritesGoThroughTheOrm()
    {
        const FlagState before = read();
        QCOMPARE(manage({FlagChange::Op::On, m_flag, 0}, before.modified), 0);
        QCOMPARE(django(QStringLiteral("f.everyone")), QByteArray("True"));
        QCOMPARE(manage({FlagChange::Op::Off, m_flag, 0}, read().modified), 0);
        QCOMPARE(django(QStringLiteral("f.everyone")), QByteArray("False"));
        QCOMPARE(
            manage({FlagChange::Op::Off, QStringLiteral("no_such_flag_here"), 0}, read().modified),
            4);
        QVERIFY(read().effect() == FlagState::Effect::Off);
    }
};

QTEST_GUILESS_MAIN(TestFlagWrite)
#include "tst_flagwrite.moc"
