// SPDX-License-Identifier: GPL-3.0-or-later
// Offscreen test of the Database health pane against real PostgreSQL (through the sshd bastion).
// It makes its own victims in the plain test cluster, so it never disturbs the demo world.
#include "activitymodel.h"
#include "audit/auditlog.h"
#include "checkresultsmodel.h"
#include "common/dangerconfirmdialog.h"
#include "common/messagebanner.h"
#include "dbhealth/activitypanel.h"
#include "dbhealth/checkspanel.h"
#include "dbhealth/dbhealthpane.h"
#include "dbhealth/overviewslotspanels.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QCheckBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Opsdeck;

namespace {

PgSessionSettings named(const QString &application)
{
    PgSessionSettings s = PgSessionSettings::action();
    s.applicationName = application;
    s.statementTimeoutMs = 0;
    s.idleInTransactionTimeoutMs = 0;
    return s;
}

std::optional<ActivityRow> rowOf(ActivityModel *model, const QString &application)
{
    for (int i = 0; i < model->rowCount(); ++i)
        if (model->row(i).application == application)
            return model->row(i);
    return std::nullopt;
}

std::optional<ActivityRow> rowOf(ActivityModel *model, int pid)
{
    const int row = model->rowOfPid(pid);
    return row < 0 ? std::nullopt : std::optional(model->row(row));
}

int backendPid(PgConnection &pg)
{
    return wait(pg.query(QStringLiteral("select pg_backend_pid() as pid")))
        ->value(0, QStringLiteral("pid"))
        .toInt();
}

} // namespace

class TestDbHealthPane final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<EnvironmentContexts> m_contexts;
    std::unique_ptr<DbHealthPane> m_pane;
    std::shared_ptr<AuditLog> m_audit;

    void refreshActivityAndWait()
    {
        QSignalSpy changed(m_pane->activity()->model(), &QAbstractItemModel::dataChanged);
        m_pane->refreshActivity();
        QVERIFY(QTest::qWaitFor([&] { return changed.size() > 0; }, 5000));
    }

    bool waitForApplication(const QString &application, int timeoutMs = 10000)
    {
        return QTest::qWaitFor(
            [&] {
                m_pane->refreshActivity();
                return rowOf(m_pane->activity()->model(), application).has_value();
            },
            timeoutMs);
    }

    /** The pane's row for a backend, once it is in the given state. */
    std::optional<ActivityRow> waitForBackend(int pid, const QString &state = {},
                                              int timeoutMs = 10000)
    {
        std::optional<ActivityRow> row;
        (void)QTest::qWaitFor(
            [&] {
                m_pane->refreshActivity();
                row = rowOf(m_pane->activity()->model(), pid);
                return row && (state.isEmpty() || row->state == state);
            },
            timeoutMs);
        return row;
    }

private slots:
    void initTestCase()
    {
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(
            TestServices::writeWorkspace(m_dir.path(), {QStringLiteral("web1")}));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_contexts = std::make_unique<EnvironmentContexts>(*m_workspace, m_pool.get());
        m_pane = std::make_unique<DbHealthPane>(*m_contexts->context(QStringLiteral("staging")));
        m_audit = std::make_shared<AuditLog>(m_dir.filePath(QStringLiteral("audit.sqlite")));
        m_pane->setAuditLog(m_audit);
        QSignalSpy loadedSpy(m_pane.get(), &Pane::loaded);
        m_pane->resize(1200, 700);
        m_pane->show();
        QVERIFY(loadedSpy.wait(20000));
    }

    void showsEveryCheck()
    {
        CheckResultsModel *model = m_pane->checks()->model();
        QSet<QString> names;
        for (const CheckDefinition &c : builtinChecks())
            if (c.onPrimary) // staging lists no replicas: no standby's checks
                names.insert(c.name);
        QCOMPARE(model->rowCount(),
                 int(names.size())); // one row per check, whatever its version variants
        QVERIFY(m_pane->findChild<QLabel *>(QStringLiteral("dbStatus"))
                    ->text()
                    .startsWith(QStringLiteral("Connected through bastion")));
        // The 60 s refresh leaves the on-demand checks out but keeps their rows and last results.
        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        m_pane->refreshChecks(false);
        QVERIFY(changed.wait(10000));
        QCOMPARE(model->rowCount(), int(names.size()));
        QVERIFY(model->report().check(QStringLiteral("relation_sizes")));
        m_pane->checks()->selectCheck(QStringLiteral("unused_indexes"));
        QVERIFY2(m_pane->checks()->detailText().contains(QStringLiteral("min_size_mb = 10")),
                 qPrintable(m_pane->checks()->detailText()));
    }

    void selectionSurvivesRefreshesAndFilterWorks()
    {
        PgConnection idle(TestServices::pgConninfo(), named(QStringLiteral("victim-idle")));
        QVERIFY(wait(idle.open()).ok());
        const int pid = backendPid(idle);
        QVERIFY(waitForBackend(pid));
        QVERIFY(m_pane->activity()->selectPid(pid));
        QSignalSpy resets(m_pane->activity()->model(), &QAbstractItemModel::modelReset);
        for (int i = 0; i < 3; ++i)
            refreshActivityAndWait();
        QCOMPARE(resets.size(), 0);
        QCOMPARE(m_pane->activity()->selected()->pid, pid);
        // Hiding idle sessions is done by the server: the idle victim is not even fetched.
        auto *showIdle = m_pane->activity()->findChild<QCheckBox *>(QStringLiteral("showIdle"));
        showIdle->setChecked(false);
        QVERIFY(
            QTest::qWaitFor([&] { return m_pane->activity()->model()->rowOfPid(pid) < 0; }, 5000));
        showIdle->setChecked(true);
        QVERIFY(
            QTest::qWaitFor([&] { return m_pane->activity()->model()->rowOfPid(pid) >= 0; }, 5000));
        m_pane->activity()->filter()->setText(QString::number(pid));
        QVERIFY(m_pane->activity()->table()->model()->rowCount() >= 1);
        m_pane->activity()->filter()->setText(QStringLiteral("no-such-application-anywhere"));
        QCOMPARE(m_pane->activity()->table()->model()->rowCount(), 0);
        m_pane->activity()->filter()->clear();
    }

    void cancelNeedsConfirmationAndIsAudited()
    {
        PgConnection victim(TestServices::pgConninfo(), named(QStringLiteral("victim-cancel")));
        QVERIFY(wait(victim.open()).ok());
        const int pid = backendPid(victim);
        QFuture<Result<PgResultSet>> sleeping = victim.query(QStringLiteral("select pg_sleep(60)"));
        // Only an active query can be cancelled: wait until the server runs it.
        const std::optional<ActivityRow> found = waitForBackend(pid, QStringLiteral("active"));
        QVERIFY(found);
        const ActivityRow row = *found;
        QSignalSpy finished(m_pane.get(), &DbHealthPane::actionFinished);

        DangerConfirmDialog::setNextAnswer(false);
        m_pane->requestSignal(row, BackendSignal::Cancel);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.takeFirst().first().toBool(), false);
        QTest::qWait(500);
        QVERIFY(!sleeping.isFinished()); // refused: nothing was sent
        QVERIFY(m_audit->recent().isEmpty());

        DangerConfirmDialog::setNextAnswer(true);
        m_pane->requestSignal(row, BackendSignal::Cancel);
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.first().first().toBool(), true);
        const Result<PgResultSet> result = wait(sleeping);
        QCOMPARE(result.error().code, QStringLiteral("57014"));
        QVERIFY(result.error().message.contains(QStringLiteral("user request")));
        const QList<AuditEntry> audit = m_audit->recent();
        QCOMPARE(audit.size(), 1);
        QVERIFY(m_audit->recent(10, QStringLiteral("production")).isEmpty());
        QCOMPARE(audit.first().action, QStringLiteral("db.cancel"));
        QCOMPARE(audit.first().environment, QStringLiteral("staging"));
        QCOMPARE(audit.first().outcome, QStringLiteral("cancel sent"));
        QVERIFY(audit.first().target.startsWith(QStringLiteral("pid %1 ").arg(row.pid)));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
    }

    void terminateEndsTheSessionAndPidReuseIsRefused()
    {
        PgConnection victim(TestServices::pgConninfo(), named(QStringLiteral("victim-terminate")));
        QVERIFY(wait(victim.open()).ok());
        const std::optional<ActivityRow> found = waitForBackend(backendPid(victim));
        QVERIFY(found);
        const ActivityRow row = *found;
        QSignalSpy finished(m_pane.get(), &DbHealthPane::actionFinished);
        DangerConfirmDialog::setNextAnswer(true);

        ActivityRow impostor = row;
        impostor.backendStartText =
            QStringLiteral("2001-01-01 00:00:00+00"); // same pid, another backend
        m_pane->requestSignal(impostor, BackendSignal::Terminate);
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.takeFirst().first().toBool(), false);
        QVERIFY(wait(victim.query(QStringLiteral("select 1"))).ok()); // still alive

        m_pane->requestSignal(row, BackendSignal::Terminate);
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.first().value(1).toString(), QStringLiteral("terminated"));
        QVERIFY(!wait(victim.query(QStringLiteral("select 1"))).ok());
        const QList<AuditEntry> audit = m_audit->recent(10, QStringLiteral("staging"));
        QVERIFY(audit.size() >= 2);
        QCOMPARE(audit[0].action, QStringLiteral("db.terminate"));
        QCOMPARE(audit[0].outcome, QStringLiteral("terminated"));
        QVERIFY(audit[1].outcome.startsWith(
            QStringLiteral("failed: the backend has gone"))); // the impostor
        DangerConfirmDialog::setNextAnswer(std::nullopt);
    }

    void lockTreeShowsRootBlockerAndWaiters()
    {
        PgConnection admin(TestServices::pgConninfo(), named(QStringLiteral("lock-setup")));
        QVERIFY(wait(admin.open()).ok());
        QVERIFY(wait(admin.query(QStringLiteral("create table if not exists locktree_t (x int)")))
                    .ok());
        PgConnection holder(TestServices::pgConninfo(), named(QStringLiteral("lock-holder")));
        PgConnection waiter(TestServices::pgConninfo(), named(QStringLiteral("lock-waiter")));
        QVERIFY(wait(holder.open()).ok() && wait(waiter.open()).ok());
        QVERIFY(wait(holder.query(QStringLiteral("begin"))).ok());
        QVERIFY(wait(holder.query(QStringLiteral("lock table locktree_t in access exclusive mode")))
                    .ok());
        QFuture<Result<PgResultSet>> blocked =
            waiter.query(QStringLiteral("select count(*) from locktree_t"));
        QTreeWidget *tree = m_pane->lockTree();
        QVERIFY(QTest::qWaitFor(
            [&] {
                m_pane->refreshActivity();
                return tree->topLevelItemCount() > 0;
            },
            10000));
        QTreeWidgetItem *root = nullptr;
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            if (tree->topLevelItem(i)->text(2).contains(QStringLiteral("lock-holder")))
                root = tree->topLevelItem(i);
        QVERIFY(root);
        QCOMPARE(root->text(1), QStringLiteral("root blocker"));
        QCOMPARE(root->childCount(), 1);
        QVERIFY(root->child(0)->text(2).contains(QStringLiteral("lock-waiter")));
        if (const QByteArray dir = qgetenv("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            auto *tabs = m_pane->findChild<QTabWidget *>();
            tabs->setCurrentWidget(m_pane->activity());
            QTest::qWait(100);
            m_pane->grab().save(QString::fromUtf8(dir) + QStringLiteral("/dbhealth-activity.png"));
            tabs->setCurrentWidget(m_pane->lockTree());
            QTest::qWait(100);
            m_pane->grab().save(QString::fromUtf8(dir) + QStringLiteral("/dbhealth-locks.png"));
            tabs->setCurrentWidget(m_pane->checks());
        }
        QVERIFY(wait(holder.query(QStringLiteral("rollback"))).ok());
        QVERIFY(wait(blocked).ok());
    }

    void reconnectsAfterTheConnectionDrops()
    {
        PgConnection admin(TestServices::pgConninfo(), named(QStringLiteral("killer")));
        QVERIFY(wait(admin.open()).ok());
        QLabel *status = m_pane->findChild<QLabel *>(QStringLiteral("dbStatus"));
        const Result<PgResultSet> killed =
            wait(admin.query(QStringLiteral("select count(pg_terminate_backend(pid)) as n from "
                                            "pg_stat_activity where application_name = 'opsdeck'"
                                            " and datname = current_database()")));
        QVERIFY(killed.ok() && killed->value(0, QStringLiteral("n")).toInt() >= 1);
        QVERIFY(QTest::qWaitFor(
            [&] {
                m_pane->refreshActivity();
                return m_pane->banner()->text().contains(QStringLiteral("retrying"));
            },
            10000));
        QCOMPARE(m_pane->state(), Pane::State::Error);
        QVERIFY(status->text().startsWith(QStringLiteral("Not connected")));
        QVERIFY(QTest::qWaitFor(
            [&] { return status->text().startsWith(QStringLiteral("Connected")); }, 15000));
        QVERIFY(m_pane->banner()->text().isEmpty()); // the error left with the reconnect
        QVERIFY(waitForApplication(QStringLiteral("killer")));
    }

    void overviewShowsRatesAfterTwoSamples()
    {
        QStandardItemModel *model = m_pane->overview()->model();
        auto valueOf = [model](const QString &name) {
            for (int r = 0; r < model->rowCount(); ++r)
                if (model->item(r, 0)->text() == name)
                    return model->item(r, 1)->text();
            return QString();
        };
        QVERIFY(QTest::qWaitFor([&] { return model->rowCount() > 0; }, 10000));
        QVERIFY(valueOf(QStringLiteral("Connections")).contains(QStringLiteral(" of ")));
        QTest::qWait(1100);
        m_pane->refreshOverview();
        QVERIFY(QTest::qWaitFor(
            [&] { return valueOf(QStringLiteral("Transactions")).endsWith(QStringLiteral("/s")); },
            10000));
        QVERIFY(valueOf(QStringLiteral("Version")).startsWith(QStringLiteral("PostgreSQL 1")));
        if (const QByteArray dir = qgetenv("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            auto *tabs = m_pane->findChild<QTabWidget *>();
            tabs->setCurrentWidget(m_pane->overview());
            QTest::qWait(100);
            m_pane->grab().save(QString::fromUtf8(dir) + QStringLiteral("/dbhealth-overview.png"));
            tabs->setCurrentWidget(m_pane->checks());
        }
    }

    void inactiveSlotsCanBeDroppedAfterConfirmation()
    {
        const QString slot =
            QStringLiteral("opsdeck_test_slot_%1").arg(QCoreApplication::applicationPid());
        PgConnection admin(TestServices::pgConninfo(), named(QStringLiteral("slot-setup")));
        QVERIFY(wait(admin.open()).ok());
        QVERIFY(wait(admin.query(QStringLiteral(
                                     "select pg_create_logical_replication_slot($1, 'pgoutput')"),
                                 {slot}))
                    .ok());
        // Whatever happens below, do not leave a slot retaining WAL in the test cluster.
        auto cleanup = qScopeGuard([&] {
            (void)wait(admin.query(
                QStringLiteral(
                    "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                    " where slot_name = $1 and not active"),
                {slot}));
        });
        SlotsPanel *slotsPanel = m_pane->slotsPanel();
        // Right after creation the creating backend may still show as its user: wait for inactive.
        QVERIFY(QTest::qWaitFor(
            [&] {
                m_pane->refreshOverview();
                return slotsPanel->selectSlot(slot) && !slotsPanel->selected()->active;
            },
            10000));
        QSignalSpy finished(m_pane.get(), &DbHealthPane::actionFinished);

        DangerConfirmDialog::setNextAnswer(false);
        m_pane->requestDropSlot(*slotsPanel->selected());
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.takeFirst().first().toBool(), false);
        auto exists = [&] {
            return wait(admin.query(QStringLiteral("select count(*) as n from pg_replication_slots "
                                                   "where slot_name = $1"),
                                    {slot}))
                       ->value(0, QStringLiteral("n"))
                       .toInt() == 1;
        };
        QVERIFY(exists());

        DangerConfirmDialog::setNextAnswer(true);
        m_pane->requestDropSlot(*slotsPanel->selected());
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.first().value(1).toString(), QStringLiteral("dropped"));
        QVERIFY(!exists());
        const AuditEntry last = m_audit->recent(1).first();
        QCOMPARE(last.action, QStringLiteral("db.drop_slot"));
        QCOMPARE(last.target, QStringLiteral("slot ") + slot);
        DangerConfirmDialog::setNextAnswer(std::nullopt);
    }

    void explainShowsThePlanWithoutRunningTheQuery()
    {
        PgConnection admin(TestServices::pgConninfo(), named(QStringLiteral("explain-setup")));
        QVERIFY(wait(admin.open()).ok());
        QVERIFY(
            wait(admin.query(QStringLiteral("create table if not exists explain_t (x int)"))).ok());
        ActivityRow row;
        row.pid = 1;
        row.query = QStringLiteral("delete from explain_t where x > 0"); // EXPLAIN only plans it
        emit m_pane->activity()->explainRequested(row);
        QPlainTextEdit *text = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (QDialog *d : m_pane->findChildren<QDialog *>())
                    if (auto *t = d->findChild<QPlainTextEdit *>();
                        t && t->toPlainText().contains(QStringLiteral("Delete on")))
                        text = t;
                return text != nullptr;
            },
            10000));
        QVERIFY(text->toPlainText().startsWith(row.query));
        QVERIFY(text->toPlainText().contains(QStringLiteral("Seq Scan on explain_t")));
        text->window()->close();
    }

    void protectedEnvironmentsNeedTheNameTyped()
    {
        DangerConfirmDialog dialog(QStringLiteral("Terminate"), QStringLiteral("Terminate pid 1?"),
                                   {}, QStringLiteral("production"), true);
        auto *typed = dialog.findChild<QLineEdit *>(QStringLiteral("typedEnvironment"));
        auto *confirm = dialog.findChild<QPushButton *>(QStringLiteral("confirmButton"));
        QVERIFY(typed && confirm);
        QVERIFY(!confirm->isEnabled());
        typed->setText(QStringLiteral("Production"));
        QVERIFY(!confirm->isEnabled());
        typed->setText(QStringLiteral("production"));
        QVERIFY(!confirm->isEnabled()); // and a reason, as the command line's -m
        dialog.findChild<QLineEdit *>(QStringLiteral("comment"))->setText(u"stuck migration"_qs);
        QVERIFY(confirm->isEnabled());
        DangerConfirmDialog plain(QStringLiteral("Cancel query"), QStringLiteral("?"), {},
                                  QStringLiteral("staging"), false);
        QVERIFY(!plain.findChild<QLineEdit *>(QStringLiteral("typedEnvironment")));
    }

    void anotherEnvironmentsDatabaseIsActedOnWithItsProtection()
    {
        // production's database (here: postgres) on the same server as staging's: the staging
        // pane shows it only in the whole-server view, and acting on it takes production's
        // typed confirmation and comment, and is audited as production.
        QTemporaryDir dir;
        const QString path = TestServices::writeWorkspace(dir.path(), {QStringLiteral("web1")});
        QFile file(path);
        QVERIFY(file.open(QIODevice::Append));
        file.write(
            QStringLiteral("  production:\n"
                           "    protected: true\n"
                           "    hosts: [web1]\n"
                           "    database:\n"
                           "      conninfo: \"host=127.0.0.1 port=%1 dbname=postgres "
                           "user=postgres\"\n"
                           "      tunnel: bastion\n")
                .arg(TestServices::load(QStringLiteral("postgres")).value(QStringLiteral("PGPORT")))
                .toUtf8());
        file.close();
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.diagnostics.value(0).message));
        SshPool pool(*loaded.workspace, &m_reject);
        EnvironmentContexts contexts(*loaded.workspace, &pool);
        DbHealthPane staging(*contexts.context(QStringLiteral("staging")));
        staging.setAuditLog(m_audit);
        QSignalSpy loadedSpy(&staging, &Pane::loaded);
        staging.resize(1200, 700);
        staging.show();
        QVERIFY(loadedSpy.wait(20000));

        PgConnection victim(TestServices::pgConninfo(QStringLiteral("postgres")),
                            named(QStringLiteral("prod-victim")));
        QVERIFY(wait(victim.open()).ok());
        const int pid = backendPid(victim);
        PgConnection own(TestServices::pgConninfo(), named(QStringLiteral("staging-own")));
        QVERIFY(wait(own.open()).ok());
        const int ownPid = backendPid(own);
        ActivityModel *model = staging.activity()->model();
        QVERIFY(QTest::qWaitFor(
            [&] {
                staging.refreshActivity();
                return model->rowOfPid(ownPid) >= 0;
            },
            10000));
        QCOMPARE(model->rowOfPid(pid), -1); // not staging's: not shown by default

        staging.activity()
            ->findChild<QCheckBox *>(QStringLiteral("wholeCluster"))
            ->setChecked(true);
        QVERIFY(QTest::qWaitFor(
            [&] {
                staging.refreshActivity();
                return model->rowOfPid(pid) >= 0;
            },
            10000));
        const ActivityRow row = model->row(model->rowOfPid(pid));
        QCOMPARE(row.environment, QStringLiteral("production"));
        QCOMPARE(model->data(model->index(model->rowOfPid(pid), ActivityModel::Database),
                             Qt::DisplayRole),
                 QVariant(u"postgres (production)"_qs));

        QSignalSpy finished(&staging, &DbHealthPane::actionFinished);
        DangerConfirmDialog::setNextAnswer(true);
        auto reset = qScopeGuard([] { DangerConfirmDialog::setNextAnswer(std::nullopt); });
        staging.requestSignal(row, BackendSignal::Terminate);
        QCOMPARE(DangerConfirmDialog::lastQuestion().environment, QStringLiteral("production"));
        QVERIFY(DangerConfirmDialog::lastQuestion().isProtected);
        // What will change: the query the terminate ends, whole.
        QVERIFY2(DangerConfirmDialog::lastQuestion().changes.endsWith(row.query),
                 qPrintable(DangerConfirmDialog::lastQuestion().changes));
        QVERIFY(!row.query.isEmpty());
        QVERIFY(finished.wait(15000));
        QVERIFY2(finished.first().first().toBool(),
                 qPrintable(finished.first().value(1).toString()));
        QVERIFY(!wait(victim.query(QStringLiteral("select 1"))).ok());
        const AuditEntry last = m_audit->recent(1).first();
        QCOMPARE(last.environment, QStringLiteral("production"));
        QCOMPARE(last.action, QStringLiteral("db.terminate"));
        QCOMPARE(last.comment, QStringLiteral("(test)"));

        // Its own database's backend stays staging's, unprotected.
        staging.requestSignal(model->row(model->rowOfPid(ownPid)), BackendSignal::Cancel);
        QCOMPARE(DangerConfirmDialog::lastQuestion().environment, QStringLiteral("staging"));
        QVERIFY(!DangerConfirmDialog::lastQuestion().isProtected);
        QVERIFY(finished.wait(15000));

        // A physical slot belongs to no database: the strictest environment on the server.
        SlotRow physical;
        physical.name = QStringLiteral("opsdeck_no_such_slot");
        physical.type = QStringLiteral("physical");
        staging.requestDropSlot(physical);
        QCOMPARE(DangerConfirmDialog::lastQuestion().environment, QStringLiteral("production"));
        QVERIFY(DangerConfirmDialog::lastQuestion().isProtected);
        QVERIFY(finished.wait(15000));
    }

    void cleanupTestCase()
    {
        m_pane.reset();
        m_pool.reset();
    }
};

QTEST_MAIN(TestDbHealthPane)
#include "tst_dbhealthpane.moc"
