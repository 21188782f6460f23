// SPDX-License-Identifier: GPL-3.0-or-later
// The Deployments pane of the demo's swarm environment, on a real dockerd: the services as
// Docker lists them, a task killed by hand appearing without anyone pressing Refresh, and a
// deploy started from the pane: confirmed and audited through the action pipeline, live in the
// pane, and an unhealthy image put back with the failing tasks' logs shown.
#include "audit/auditlog.h"
#include "common/dangerconfirmdialog.h"
#include "common/messagebanner.h"
#include "containers/containerspane.h"
#include "containers/runintaskdialog.h"
#include "containers/servicelogview.h"
#include "containers/swarmdeployview.h"
#include "deploy/rollbackdialog.h"
#include "docker/dockerengine.h"
#include "docker/swarmlock.h"
#include "futurewait.h"
#include "runtime/sshpool.h"
#include "ssh/hostkey.h"
#include "testpane.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Opsdeck;

class TestContainersPane final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_swarm;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;

    static QString docker(const QStringList &args) { return TestServices::docker(args); }

    /** Every task row's texts, joined by " | ". */
    static QStringList taskRows(const QStandardItemModel *model)
    {
        QStringList rows;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QStandardItem *service = model->item(r);
            for (int t = 0; t < service->rowCount(); ++t) {
                QStringList cells;
                for (int c = 0; c < service->columnCount(); ++c)
                    cells << (service->child(t, c) ? service->child(t, c)->text() : QString());
                rows << cells.join(QStringLiteral(" | "));
            }
        }
        return rows;
    }

    /** With OPSDECK_SCREENSHOT_DIR set, keeps a picture of `widget` for the docs. */
    static void screenshot(QWidget *widget, const QString &name)
    {
        const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QTest::qWait(100);
        QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name));
    }

private slots:
    void initTestCase()
    {
        m_swarm = TestServices::load(QStringLiteral("swarm"));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_swarm.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
    }

    void theDeploymentsOfASwarmEnvironmentAreItsServices()
    {
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("swarm"), m_pool.get());
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        QCOMPARE(pane->state(), Pane::State::Ready);
        const QStandardItemModel *model = pane->model();
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->item(0, 0)->text(), QStringLiteral("minitwit_web"));
        QCOMPARE(model->item(0, 1)->text(),
                 docker({QStringLiteral("service"), QStringLiteral("inspect"),
                         QStringLiteral("--format"),
                         QStringLiteral("{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
                         QStringLiteral("minitwit_web")})
                     .section(QLatin1Char('@'), 0, 0));
        QTRY_COMPARE_WITH_TIMEOUT(model->item(0, 3)->text(), QStringLiteral("2/2"), 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(pane->isFollowingEvents(), 30'000);

        // Killed by hand: the pane hears it from Docker and shows the failed task.
        QSignalSpy reads(pane.get(), &ContainersPane::statusRead);
        const QString victim = TestServices::killOneTaskOf(QStringLiteral("minitwit_web"));
        QVERIFY(!victim.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            taskRows(model).filter(QStringLiteral("task: non-zero exit (137)")).size() >= 1,
            30'000);
        QVERIFY(!reads.isEmpty()); // read again because of the events: nothing called refresh()
        // The failed task's row names its slot and says failed; the service says so too.
        const QString failed =
            taskRows(model).filter(QStringLiteral("task: non-zero exit (137)")).first();
        QVERIFY2(failed.startsWith(QLatin1String("minitwit_web.")) &&
                     failed.contains(QStringLiteral("| failed ")),
                 qPrintable(failed));
        QVERIFY(model->item(0, 5)->text().contains(QStringLiteral("failed in the last hour")));
        // The UI thread only ever waited on its event loop: the engine's answers came to it.
        QCOMPARE(pane->context().docker()->thread(), QThread::currentThread());
        QTRY_COMPARE_WITH_TIMEOUT(model->item(0, 3)->text(), QStringLiteral("2/2"), 60'000);
    }

    void aServiceLogIsFollowedLive()
    {
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("swarm"), m_pool.get());
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        pane->followLogs(); // nothing selected: the first service
        ServiceLogView *logs = pane->logView();
        QVERIFY(logs->isVisible() && logs->isFollowing());
        QCOMPARE(logs->serviceName(), QStringLiteral("minitwit_web"));
        // The tail first: gunicorn's start-up lines, with Docker's timestamps.
        QTRY_VERIFY_WITH_TIMEOUT(
            logs->log()->toPlainText().contains(QLatin1String("Starting gunicorn")), 30'000);
        QVERIFY(logs->log()->toPlainText().contains(
            QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z "),
                               QRegularExpression::MultilineOption)));
        // Then what the tasks write from now on: a task killed by hand is replaced, and the new
        // one's start-up arrives on the open stream.
        const int before =
            int(logs->log()->toPlainText().count(QLatin1String("Starting gunicorn")));
        QVERIFY(!TestServices::killOneTaskOf(QStringLiteral("minitwit_web")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            logs->log()->toPlainText().count(QLatin1String("Starting gunicorn")) > before, 60'000);
        QVERIFY(logs->isFollowing());
        pane->hide(); // nobody looks: the stream ends
        QVERIFY(!logs->isFollowing());
    }

    void anUnhealthyDeployFromThePaneIsPutBackAndShowsWhy()
    {
        QTemporaryDir dir;
        auto audit = std::make_shared<AuditLog>(dir.filePath(QStringLiteral("audit.sqlite")));
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("swarm"), m_pool.get());
        pane->setAuditLog(audit);
        pane->resize(1280, 800);
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        const QString before = docker({QStringLiteral("service"), QStringLiteral("inspect"),
                                       QStringLiteral("--format"),
                                       QStringLiteral("{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
                                       QStringLiteral("minitwit_web")});
        // Declined: nothing runs, nothing is recorded as started.
        DangerConfirmDialog::setNextAnswer(false);
        pane->requestDeploy(QStringLiteral("v4-unhealthy"));
        QVERIFY(!pane->deployView()->runner());
        DangerConfirmDialog::setNextAnswer(true);
        pane->requestDeploy(QStringLiteral("v4-unhealthy"));
        SwarmDeployView *view = pane->deployView();
        QVERIFY(view->isVisible() && view->runner());
        // The audit row is there before anything ran.
        const QList<AuditEntry> started = audit->recent(5, QStringLiteral("swarm"));
        QVERIFY(!started.isEmpty() && started.first().action == QLatin1String("deploy"));
        QSignalSpy finished(view, &SwarmDeployView::runFinished);
        QTRY_VERIFY_WITH_TIMEOUT(view->runner()->phase() == DeployRunner::Phase::Rollout, 120'000);
        QTRY_VERIFY_WITH_TIMEOUT(view->log()->toPlainText().contains(QLatin1String("updating")),
                                 60'000);
        screenshot(pane.get(), QStringLiteral("containers-deploy.png"));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 240'000);
        QCOMPARE(view->runner()->outcome(), DeployRunner::Outcome::Failed);
        QVERIFY2(view->title()->text().startsWith(QLatin1String("failed: web1's health check got "
                                                                "HTTP 503")),
                 qPrintable(view->title()->text()));
        const QString log = view->log()->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("— what failed —")) &&
                     log.contains(QLatin1String("last 50 lines of minitwit_web.")),
                 qPrintable(log.right(2000)));
        // Back on the image it ran, and the tree says Swarm rolled back.
        QCOMPARE(docker({QStringLiteral("service"), QStringLiteral("inspect"),
                         QStringLiteral("--format"),
                         QStringLiteral("{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
                         QStringLiteral("minitwit_web")}),
                 before);
        QTRY_COMPARE_WITH_TIMEOUT(pane->model()->item(0, 4)->text(),
                                  QStringLiteral("rollback_completed"), 30'000);
        const QList<AuditEntry> ended = audit->recent(5, QStringLiteral("swarm"));
        QVERIFY2(ended.first().outcome.startsWith(QLatin1String("failed")),
                 qPrintable(ended.first().outcome));
        screenshot(pane.get(), QStringLiteral("containers-rollback.png"));
    }

    void aComposeDeployFromThePaneRecreatesAndPutsBack()
    {
        if (m_swarm.value(QStringLiteral("COMPOSE_PROJECT")).isEmpty())
            QFAIL("the swarm fixture made no compose project (is docker-compose installed?)");
        QTemporaryDir dir;
        auto audit = std::make_shared<AuditLog>(dir.filePath(QStringLiteral("audit.sqlite")));
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("compose"), m_pool.get());
        pane->setAuditLog(audit);
        pane->resize(1280, 800);
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        QCOMPARE(pane->model()->rowCount(), 1);
        QCOMPARE(pane->model()->item(0, 0)->text(), QStringLiteral("web"));
        QCOMPARE(pane->model()->item(0, 3)->text(), QStringLiteral("1/1"));
        const auto webContainer = [] {
            return docker({QStringLiteral("ps"), QStringLiteral("-q"), QStringLiteral("--filter"),
                           QStringLiteral("label=com.docker.compose.service=web"),
                           QStringLiteral("--filter"),
                           QStringLiteral("label=com.docker.compose.project=minitwit-compose")});
        };
        const QString before = webContainer();
        DangerConfirmDialog::setNextAnswer(true);
        pane->requestDeploy(QStringLiteral("v4-unhealthy"));
        SwarmDeployView *view = pane->deployView();
        QVERIFY(view->isVisible() && view->runner());
        QSignalSpy finished(view, &SwarmDeployView::runFinished);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 240'000);
        QCOMPARE(view->runner()->outcome(), DeployRunner::Outcome::Failed);
        const QString log = view->log()->toPlainText();
        QVERIFY2(log.contains(QLatin1String("last 50 lines of minitwit-compose_web_1")) &&
                     log.contains(QLatin1String("minitwit-compose_web_1 is back on")),
                 qPrintable(log.right(2000)));
        QCOMPARE(webContainer(), before); // the very container that ran
        QTRY_COMPARE_WITH_TIMEOUT(pane->model()->item(0, 3)->text(), QStringLiteral("1/1"), 30'000);
        const QList<AuditEntry> ended = audit->recent(5, QStringLiteral("compose"));
        QVERIFY2(!ended.isEmpty() && ended.first().outcome.startsWith(QLatin1String("failed")),
                 ended.isEmpty() ? "no audit row" : qPrintable(ended.first().outcome));
        screenshot(pane.get(), QStringLiteral("containers-compose-rollback.png"));
    }

    // Rollback… lists Swarm's own rollback first, then each image of the repository with the
    // revision it was built from; choosing one lists the Django migrations applied since the
    // next newer image was built — they stay applied (the demo migrated after building).
    void rollbackListsImagesAndTheMigrationsThatStay()
    {
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("swarm"), m_pool.get());
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        auto *rollback = pane->findChild<QAction *>(QStringLiteral("swarmRollbackAction"));
        QVERIFY(rollback && rollback->isEnabled());
        rollback->trigger();
        RollbackDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = pane->findChild<RollbackDialog *>()) != nullptr, 30'000);
        QListWidget *list = dialog->releaseList();
        QVERIFY(list->item(0)->text().contains(QLatin1String("previous image")));
        QCOMPARE(dialog->release(), QString()); // Swarm's own rollback
        int v1 = -1;
        for (int row = 0; row < list->count(); ++row)
            if (list->item(row)->text().startsWith(QLatin1String("minitwit:v1 ")))
                v1 = row;
        QVERIFY(v1 > 0);
        QVERIFY2(list->item(v1)->text().contains(
                     QRegularExpression(QStringLiteral("\\([0-9a-f]{12}\\), built "))),
                 qPrintable(list->item(v1)->text()));
        QSignalSpy shown(dialog, &RollbackDialog::migrationsShown);
        list->setCurrentRow(v1);
        QVERIFY(shown.wait(30'000));
        QCOMPARE(dialog->release(), QStringLiteral("minitwit:v1"));
        const QString migrations = dialog->migrationsLabel()->text();
        QVERIFY2(migrations.contains(QLatin1String("Migrations applied since")) &&
                     migrations.contains(QLatin1String("<tt>twit.")),
                 qPrintable(migrations));
        dialog->resize(760, 520);
        screenshot(dialog, QStringLiteral("containers-rollback-dialog.png"));
        dialog->reject();
    }

    void aLockLeftBehindIsShownAndBrokenThroughThePipeline()
    {
        QTemporaryDir dir;
        auto audit = std::make_shared<AuditLog>(dir.filePath(QStringLiteral("audit.sqlite")));
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("swarm"), m_pool.get());
        pane->setAuditLog(audit);
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        QVERIFY(!pane->breakLockAction()->isEnabled()); // nothing to break
        // A run killed before it released its lock (the config object stays in the swarm).
        const ContainerDeploySpec &spec =
            *m_workspace->environment(QStringLiteral("swarm"))->containers;
        DockerEngine engine(m_pool->client(spec.host), spec.dockerSocket);
        const Result<SwarmLock> left =
            wait(SwarmLock::take(engine, QStringLiteral("minitwit"),
                                 {{QStringLiteral("id"), QStringLiteral("killed-run")},
                                  {QStringLiteral("ref"), QStringLiteral("v3")},
                                  {QStringLiteral("user"), QStringLiteral("carol@laptop")}}));
        QVERIFY2(left, qPrintable(left.errorString()));
        pane->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(pane->deployLock().isHeld(), 30'000);
        QVERIFY(pane->breakLockAction()->isEnabled());
        QLabel *header = pane->findChild<QLabel *>(QStringLiteral("containersHeader"));
        QVERIFY(header);
        QTRY_VERIFY2(header->text().contains(QLatin1String("LOCKED: deploying v3")) &&
                         header->text().contains(QLatin1String("carol@laptop")),
                     qPrintable(header->text()));

        DangerConfirmDialog::setNextAnswer(false); // declined: still locked, nothing audited
        pane->breakLockAction()->trigger();
        QVERIFY(audit->recent(5, QStringLiteral("swarm")).isEmpty());
        QVERIFY(wait(SwarmLock::read(engine, QStringLiteral("minitwit")))->isHeld());
        DangerConfirmDialog::setNextAnswer(true);
        pane->breakLockAction()->trigger();
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QTRY_VERIFY_WITH_TIMEOUT(!pane->deployLock().isHeld(), 30'000);
        QVERIFY(!wait(SwarmLock::read(engine, QStringLiteral("minitwit")))->isHeld());
        QTRY_VERIFY(!audit->recent(1, QStringLiteral("swarm")).isEmpty() &&
                    audit->recent(1, QStringLiteral("swarm"))
                        .first()
                        .outcome.contains(QLatin1String("carol@laptop")));
        QCOMPARE(audit->recent(1, QStringLiteral("swarm")).first().action,
                 QStringLiteral("deploy.unlock"));
        QVERIFY(!pane->breakLockAction()->isEnabled());
    }

    // Run command… offers a new task or any running one; a running task is reached with
    // docker exec, through the pipeline (asked, audited) like every run.
    void aCommandRunsInTheRunningTaskChosenInTheDialog()
    {
        QTemporaryDir dir;
        auto audit = std::make_shared<AuditLog>(dir.filePath(QStringLiteral("audit.sqlite")));
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("swarm"), m_pool.get());
        pane->setAuditLog(audit);
        pane->resize(1280, 800);
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        RunInTaskDialog *dialog = pane->chooseRun();
        QVERIFY(dialog);
        QComboBox *where = dialog->where();
        QCOMPARE(where->count(), 3); // a new task, then each of the two running replicas
        QVERIFY(where->itemText(0).startsWith(QLatin1String("A new task")));
        QVERIFY2(where->itemText(1).startsWith(QLatin1String("minitwit_web.1 on ")) &&
                     where->itemText(1).endsWith(QLatin1String("running (docker exec)")),
                 qPrintable(where->itemText(1)));
        dialog->commandEdit()->setText(QStringLiteral("echo from-the-pane $((6 * 7))"));
        where->setCurrentIndex(1);
        screenshot(dialog, QStringLiteral("containers-run-dialog.png"));
        DangerConfirmDialog::setNextAnswer(true);
        dialog->accept();
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        SwarmDeployView *view = pane->deployView();
        QVERIFY(view->runner());
        QSignalSpy finished(view, &SwarmDeployView::runFinished);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60'000);
        QCOMPARE(view->runner()->outcome(), DeployRunner::Outcome::Succeeded);
        QVERIFY2(view->log()->toPlainText().contains(QLatin1String("from-the-pane 42")),
                 qPrintable(view->log()->toPlainText()));
        const QList<AuditEntry> entries = audit->recent(1, QStringLiteral("swarm"));
        QVERIFY(!entries.isEmpty());
        QCOMPARE(entries.first().action, QStringLiteral("run"));
        QVERIFY2(entries.first().outcome.startsWith(QLatin1String("succeeded")),
                 qPrintable(entries.first().outcome));
    }

    void aWrongEngineSaysWhy()
    {
        Workspace broken = *m_workspace;
        for (EnvironmentSpec &e : broken.environments)
            if (e.containers)
                e.containers->dockerSocket = QStringLiteral("/nonexistent/docker.sock");
        TestPane<ContainersPane> pane(broken, QStringLiteral("swarm"), m_pool.get());
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        QCOMPARE(pane->state(), Pane::State::Error);
        QVERIFY2(pane->banner()->text().contains(QStringLiteral("/nonexistent/docker.sock")),
                 qPrintable(pane->banner()->text()));
    }
};

QTEST_MAIN(TestContainersPane)
#include "tst_containerspane.moc"
