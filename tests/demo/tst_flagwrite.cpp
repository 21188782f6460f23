// SPDX-License-Identifier: GPL-3.0-or-later
// Flag writes against the demo's real django-waffle, through the backend the pane and the CLI
// use: the SQL path and manage.py over SSH. After each write Django itself (its ORM, waffle's
// is_active_for_user) sees the new value; a row changed since it was read is never overwritten;
// a plain flag table (Django's FeatureFlag(name, enabled, created_at)) works the same way.
#include "flags/flagsbackend.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "runtime/databasesession.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QTest>

using namespace Opsdeck;

namespace {

const QString kManage = QStringLiteral("cd /srv/minitwit-staging/current && ./manage.py");

} // namespace

class TestFlagWrite final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<PgConnection> m_pg;
    std::unique_ptr<DatabaseSession> m_action; // shared by the backends, as a context's is
    std::unique_ptr<FlagsBackend> m_sql, m_manage, m_table;
    const QString m_suffix = QString::number(QCoreApplication::applicationPid());
    const QString m_flag = QStringLiteral("opsdeck_test_") + m_suffix;
    const QString m_table_name = QStringLiteral("opsdeck_test_flags_") + m_suffix;

    std::unique_ptr<FlagsBackend> backend(const QVariantMap &flags)
    {
        EnvironmentSpec staging = *m_workspace->environment(QStringLiteral("staging"));
        staging.flags = flags;
        if (!m_action)
            m_action = std::make_unique<DatabaseSession>(*staging.database, m_pool.get(),
                                                         PgSessionSettings::action());
        auto created = FlagsBackend::create(staging, m_pool.get(), m_action.get());
        return created ? std::move(created.value()) : nullptr;
    }

    Result<QList<FlagState>> load(FlagsBackend &b) { return wait(b.load()); }

    FlagState read(FlagsBackend &b, const QString &name,
                   FlagState::Kind kind = FlagState::Kind::Flag)
    {
        const auto flags = load(b);
        for (const FlagState &f : flags.value())
            if (f.name == name && f.kind == kind)
                return f;
        return {};
    }

    Status apply(FlagsBackend &b, const FlagEdit &edit, QString *via = nullptr)
    {
        QFuture<FlagWritten> written = b.apply(edit);
        if (!QTest::qWaitFor([&written] { return written.isFinished(); }, 60000))
            return Status::failure(QStringLiteral("timed out"));
        if (via)
            *via = written.result().via;
        return written.result().status;
    }

    /** What Django's ORM says, on the staging app host. */
    QByteArray django(const QString &python)
    {
        const QString command =
            QStringLiteral("cd /srv/minitwit-staging/current && ./manage.py shell -c '%1'")
                .arg(python);
        SshExec *exec = m_pool->client(QStringLiteral("web1"))->exec(command);
        if (!QTest::qWaitFor([exec] { return exec->isFinished(); }, 30000))
            return "(timed out)";
        return exec->capturedStdout().trimmed() + exec->capturedStderr().trimmed();
    }

    QByteArray flagField(const QString &name, const QString &expression)
    {
        return django(QStringLiteral("from waffle.models import Flag; f = "
                                     "Flag.objects.get(name=\"%1\"); print(%2)")
                          .arg(name, expression));
    }

    /** waffle's own decision for a request by one user: flag_is_active, as views call it
     * (everyone first, then the rules; through waffle's cache). */
    QByteArray activeFor(const QString &name, const QString &username)
    {
        return django(QStringLiteral("import waffle; from django.test import RequestFactory; "
                                     "from django.contrib.auth import get_user_model; "
                                     "r = RequestFactory().get(\"/\"); "
                                     "r.user = get_user_model().objects.get(username=\"%2\"); "
                                     "print(waffle.flag_is_active(r, \"%1\"))")
                          .arg(name, username));
    }

    bool sql(const QString &statement, const QVariantList &params = {})
    {
        const auto r = wait(m_pg->query(statement, params));
        if (!r)
            qWarning() << r.errorString();
        return r.ok();
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
        m_pg = std::make_unique<PgConnection>(
            QStringLiteral("host=127.0.0.1 port=%1 dbname=minitwit_staging user=postgres")
                .arg(m_demo.value(QStringLiteral("PGPORT"))),
            PgSessionSettings::action());
        QVERIFY(wait(m_pg->open()).ok());
        QVERIFY(sql(QStringLiteral("insert into auth_group (name) values ('opsdeck_testers_%1')")
                        .arg(m_suffix)));
        // The Django model FeatureFlag(name, enabled, created_at): created_at has no SQL default.
        QVERIFY(sql(QStringLiteral("create table %1 (id serial primary key, name varchar(100) "
                                   "unique not null, enabled boolean not null, created_at "
                                   "timestamptz not null)")
                        .arg(m_table_name)));
        QVERIFY(sql(QStringLiteral("insert into %1 (name, enabled, created_at) values "
                                   "('dark_mode', false, now())")
                        .arg(m_table_name)));
        m_sql = backend({{QStringLiteral("backend"), QStringLiteral("waffle")}});
        m_manage = backend({{QStringLiteral("backend"), QStringLiteral("waffle")},
                            {QStringLiteral("manage"), kManage}});
        m_table = backend({{QStringLiteral("backend"), QStringLiteral("table")},
                           {QStringLiteral("table"), m_table_name}});
        QVERIFY(m_sql && m_manage && m_table);
        QVERIFY(!m_sql->writeCaveat().isEmpty()); // the pane warns about waffle's cache
        QVERIFY(m_manage->writeCaveat().isEmpty());
    }

    void cleanupTestCase()
    {
        m_sql.reset(), m_manage.reset(), m_table.reset();
        if (!m_pg)
            return;
        const QString mine = QStringLiteral("(select id from waffle_flag where name like "
                                            "'opsdeck_test_%')");
        for (const QString &statement : QStringList{
                 QStringLiteral("delete from waffle_flag_users where flag_id in ") + mine,
                 QStringLiteral("delete from waffle_flag_groups where flag_id in ") + mine,
                 QStringLiteral("delete from waffle_flag where name like 'opsdeck_test_%'"),
                 QStringLiteral("delete from waffle_switch where name like 'opsdeck_test_%'"),
                 QStringLiteral("delete from waffle_sample where name like 'opsdeck_test_%'"),
                 QStringLiteral("drop table if exists ") + m_table_name,
                 QStringLiteral("delete from auth_group where name like 'opsdeck_testers_%'")})
            (void)sql(statement);
    }

    void sqlCreatesAValidWaffleRow()
    {
        FlagState flag;
        flag.name = m_flag;
        flag.superusers = true; // the ORM's default
        QCOMPARE(apply(*m_sql, FlagEdit::create(flag)).errorString(), QString());
        // Django loads it and its own validation accepts every field.
        QCOMPARE(flagField(m_flag, QStringLiteral("f.full_clean() or (f.everyone, f.percent, "
                                                  "f.superusers, f.languages == \"\")")),
                 QByteArray("(None, None, True, True)"));
        // Creating it again writes nothing and says why.
        const Status again = apply(*m_sql, FlagEdit::create(flag));
        QCOMPARE(again.error().code, kFlagConflict);
    }

    void sqlWritesAreSeenByDjango()
    {
        const FlagState before = read(*m_sql, m_flag);
        QVERIFY(before.modified.isValid());
        FlagState after = before;
        after.percent = 12.5;
        QCOMPARE(apply(*m_sql, FlagEdit::update(before, after)).errorString(), QString());
        QCOMPARE(flagField(m_flag, QStringLiteral("f.everyone, f.percent")),
                 QByteArray("None 12.5"));
        QVERIFY(read(*m_sql, m_flag).modified > before.modified); // bumped, as save() does

        // Rules: staff, plus one user and one group by name.
        FlagState rules = read(*m_sql, m_flag);
        FlagState wanted = rules;
        wanted.percent.reset();
        wanted.superusers = false;
        wanted.staff = true;
        wanted.userNames = {QStringLiteral("user200")};
        wanted.groupNames = {QStringLiteral("opsdeck_testers_") + m_suffix};
        QCOMPARE(apply(*m_sql, FlagEdit::update(rules, wanted)).errorString(), QString());
        QCOMPARE(activeFor(m_flag, QStringLiteral("user2")), QByteArray("True"));   // staff
        QCOMPARE(activeFor(m_flag, QStringLiteral("user200")), QByteArray("True")); // listed
        QCOMPARE(activeFor(m_flag, QStringLiteral("user201")), QByteArray("False"));
        const FlagState reread = read(*m_sql, m_flag);
        QCOMPARE(reread.userNames, wanted.userNames);
        QCOMPARE(reread.groupNames, wanted.groupNames);
        QCOMPARE(reread.summary(),
                 QStringLiteral("staff, user200, group opsdeck_testers_%1").arg(m_suffix));
    }

    void unknownUserNamesWriteNothing()
    {
        const FlagState before = read(*m_sql, m_flag);
        FlagState wanted = before;
        wanted.userNames = {QStringLiteral("user200"), QStringLiteral("nobody_by_that_name")};
        wanted.staff = false;
        QVERIFY(!apply(*m_sql, FlagEdit::update(before, wanted)));
        QVERIFY(read(*m_sql, m_flag).sameBehaviour(before));
        const Status viaManage = apply(*m_manage, FlagEdit::update(before, wanted));
        QVERIFY(!viaManage);
        QVERIFY2(viaManage.errorString().contains(QLatin1String("nobody_by_that_name")),
                 qPrintable(viaManage.errorString()));
        QVERIFY(read(*m_sql, m_flag).sameBehaviour(before));
    }

    // A manage.py that never answers (here: one that sleeps first) ends with the timeout, says
    // the write is uncertain, and leaves the flag as it was.
    void aHungManagePyTimesOutAndSaysSo()
    {
        auto hung =
            backend({{QStringLiteral("backend"), QStringLiteral("waffle")},
                     {QStringLiteral("manage"), QString(QStringLiteral("sleep 60; ") + kManage)},
                     {QStringLiteral("manage_timeout"), QVariant(1000)}});
        QVERIFY(hung);
        const FlagState before = read(*m_sql, m_flag);
        FlagState on = before;
        on.everyone = true;
        QString via;
        const Status s = apply(*hung, FlagEdit::update(before, on), &via);
        QVERIFY(!s);
        QCOMPARE(s.errorString(), QStringLiteral("manage.py timed out after 1 s; it may or may not "
                                                 "have written: reload to see"));
        QCOMPARE(via, QStringLiteral("manage.py on web1"));
        QVERIFY(read(*m_sql, m_flag).sameBehaviour(before));
    }

    void percentBoundsAreRejectedBeforeAnythingIsWritten()
    {
        const FlagState before = read(*m_sql, m_flag);
        for (double percent : {100.0, 120.0, -1.0}) {
            FlagState after = before;
            after.everyone.reset();
            after.percent = percent;
            const Status s = apply(*m_sql, FlagEdit::update(before, after));
            QVERIFY(!s);
            QVERIFY2(s.errorString().contains(QLatin1String("99.9")), qPrintable(s.errorString()));
        }
        QCOMPARE(read(*m_sql, m_flag).modified, before.modified);
    }

    void aRowChangedSinceItWasReadIsNotOverwritten()
    {
        const FlagState before = read(*m_sql, m_flag);
        QTest::qWait(5); // someone else saves it a moment later
        QVERIFY(sql(QStringLiteral("update waffle_flag set authenticated = true, modified = now() "
                                   "where name = $1"),
                    {m_flag}));
        FlagState on = before;
        on.everyone = true;
        QCOMPARE(apply(*m_sql, FlagEdit::update(before, on)).error().code, kFlagConflict);
        QCOMPARE(apply(*m_manage, FlagEdit::update(before, on)).error().code, kFlagConflict);
        QCOMPARE(apply(*m_sql, FlagEdit::remove(before)).error().code, kFlagConflict);
        QCOMPARE(flagField(m_flag, QStringLiteral("f.everyone, f.authenticated")),
                 QByteArray("None True"));
    }

    void manageWritesGoThroughTheOrm()
    {
        QString via;
        FlagState before = read(*m_sql, m_flag);
        FlagState on = before;
        on.everyone = true;
        QCOMPARE(apply(*m_manage, FlagEdit::update(before, on), &via).errorString(), QString());
        QCOMPARE(via, QStringLiteral("manage.py on web1"));
        QCOMPARE(activeFor(m_flag, QStringLiteral("user250")), QByteArray("True"));
        before = read(*m_sql, m_flag);
        FlagState off = before;
        off.everyone = false;
        off.userNames.clear();
        QCOMPARE(apply(*m_manage, FlagEdit::update(before, off)).errorString(), QString());
        QCOMPARE(activeFor(m_flag, QStringLiteral("user200")), QByteArray("False"));
        QCOMPARE(read(*m_sql, m_flag).userNames, QStringList());
        FlagState missing = before;
        missing.name = QStringLiteral("no_such_flag_here");
        QCOMPARE(apply(*m_manage, FlagEdit::update(missing, off)).error().code, kFlagConflict);
    }

    void switchesAndSamplesThroughBothPaths()
    {
        FlagState sw;
        sw.kind = FlagState::Kind::Switch;
        sw.name = m_flag + QStringLiteral("_switch");
        QCOMPARE(apply(*m_manage, FlagEdit::create(sw)).errorString(), QString());
        FlagState before = read(*m_sql, sw.name, FlagState::Kind::Switch);
        FlagState on = before;
        on.active = true;
        QCOMPARE(apply(*m_sql, FlagEdit::update(before, on)).errorString(), QString());
        QCOMPARE(django(QStringLiteral("import waffle; print(waffle.switch_is_active(\"%1\"))")
                            .arg(sw.name)),
                 QByteArray("True"));
        FlagState sample;
        sample.kind = FlagState::Kind::Sample;
        sample.name = m_flag + QStringLiteral("_sample");
        sample.percent = 100;
        QCOMPARE(apply(*m_sql, FlagEdit::create(sample)).errorString(), QString());
        QCOMPARE(django(QStringLiteral("import waffle; print(waffle.sample_is_active(\"%1\"))")
                            .arg(sample.name)),
                 QByteArray("True"));
        QCOMPARE(
            apply(*m_manage, FlagEdit::remove(read(*m_sql, sample.name, FlagState::Kind::Sample)))
                .errorString(),
            QString());
        QCOMPARE(read(*m_sql, sample.name, FlagState::Kind::Sample).name, QString());
    }

    void deleteRemovesTheFlagAndItsMemberships()
    {
        FlagState before = read(*m_sql, m_flag);
        FlagState members = before;
        members.userNames = {QStringLiteral("user7")};
        QCOMPARE(apply(*m_manage, FlagEdit::update(before, members)).errorString(), QString());
        QCOMPARE(apply(*m_sql, FlagEdit::remove(read(*m_sql, m_flag))).errorString(), QString());
        QCOMPARE(django(QStringLiteral("from waffle.models import Flag; "
                                       "print(Flag.objects.filter(name=\"%1\").count())")
                            .arg(m_flag)),
                 QByteArray("0"));
    }

    void plainTableBackend()
    {
        FlagState dark = read(*m_table, QStringLiteral("dark_mode"));
        QCOMPARE(dark.summary(), QStringLiteral("off"));
        FlagState on = dark;
        on.everyone = true;
        QCOMPARE(apply(*m_table, FlagEdit::update(dark, on)).errorString(), QString());
        QCOMPARE(read(*m_table, QStringLiteral("dark_mode")).summary(), QStringLiteral("on"));
        // Read as off, but it is on now: refused.
        QCOMPARE(apply(*m_table, FlagEdit::update(dark, on)).error().code, kFlagConflict);
        FlagState fresh;
        fresh.name = QStringLiteral("new_billing");
        fresh.everyone = true;
        QCOMPARE(apply(*m_table, FlagEdit::create(fresh)).errorString(),
                 QString()); // fills created_at
        QCOMPARE(read(*m_table, fresh.name).summary(), QStringLiteral("on"));
        QCOMPARE(apply(*m_table, FlagEdit::remove(read(*m_table, fresh.name))).errorString(),
                 QString());
        QCOMPARE(load(*m_table)->size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestFlagWrite)
#include "tst_flagwrite.moc"
