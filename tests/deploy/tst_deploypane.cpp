// SPDX-License-Identifier: GPL-3.0-or-later
// The Deployments pane offscreen, against the demo world's real sshd hosts: the Deploy…
// dialog's refs and plan, the live view of a real deploy, rollback's migration warning, cancel,
// and a million output lines while the event loop keeps ticking.
#include "common/dangerconfirmdialog.h"
#include "common/desktopnotifier.h"
#include "common/messagebanner.h"
#include "deploy/deploydialog.h"
#include "deploy/deploypane.h"
#include "deploy/deployrunview.h"
#include "deploy/deployscripts.h"
#include "deploy/deploystatuspanel.h"
#include "deploy/hostfanout.h"
#include "deploy/rollbackdialog.h"
#include "deploylogmodel.h"
#include "deploytestworld.h"
#include "jobs/jobregistry.h"
#include "jobs/jobsview.h"
#include "jobsmodel.h"
#include "runtime/sshpool.h"
#include "stallmeter.h"
#include "statuscolors.h"
#include "testpane.h"

#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace Opsdeck;
using Outcome = DeployRunner::Outcome;

class TestDeployPane final : public QObject
{
    Q_OBJECT

    std::unique_ptr<DeployTestWorld> m_world;
    Workspace m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    QTemporaryDir m_temp;
    std::shared_ptr<AuditLog> m_audit;

    TestPane<DeployPane> makePane(const QString &environment)
    {
        TestPane<DeployPane> pane(m_workspace, environment, m_pool.get());
        pane->setAuditLog(m_audit);
        pane->setLogDirectory(m_temp.path());
        pane->resize(1100, 750);
        QSignalSpy loaded(pane.get(), &DeployPane::stateLoaded);
        pane->show();
        loaded.wait(30000);
        return pane;
    }

    static Outcome waitForJob(DeployPane &pane, int timeoutMs = 180000)
    {
        QSignalSpy finished(&pane, &DeployPane::jobFinished);
        if (!pane.runner() || pane.runner()->isRunning())
            finished.wait(timeoutMs);
        QSignalSpy refreshed(&pane, &DeployPane::stateLoaded);
        refreshed.wait(20000);
        return pane.runner() ? pane.runner()->outcome() : Outcome::Refused;
    }

    /** With OPSDECK_SCREENSHOT_DIR set, keeps a picture of `widget` for the docs. */
    static void screenshot(QWidget *widget, const QString &name)
    {
        const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QTest::qWait(100); // let pending layout requests run, as they would before a user looks
        QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name));
    }

    static QStringList column(QTreeWidget *tree, int column)
    {
        QStringList out;
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            out << tree->topLevelItem(i)->text(column);
        return out;
    }

    void useWorkspace(const QString &deployExtra = {})
    {
        m_pool.reset();
        m_workspace = m_world->workspace(deployExtra);
        m_pool = std::make_unique<SshPool>(m_workspace, &m_reject);
    }

private slots:
    void initTestCase()
    {
        m_world = std::make_unique<DeployTestWorld>();
        QVERIFY2(m_world->isReady(), qPrintable(m_world->error()));
        m_audit = std::make_shared<AuditLog>(m_temp.filePath(QStringLiteral("audit.sqlite")));
        useWorkspace();
    }

    void cleanupTestCase()
    {
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        m_pool.reset();
        m_world.reset();
    }

    void deployDialogListsRefsAndShowsThePlan()
    {
        JobRegistry registry; // the listings are Jobs, in the Jobs view like any command
        auto pane = makePane(QStringLiteral("canary"));
        QCOMPARE(column(pane->statusPanel()->hostTable(), 1),
                 QStringList(
                     {QStringLiteral("no current release"), QStringLiteral("no current release")}));
        DeployDialog *dialog = pane->openDeployDialog();
        QSignalSpy refs(dialog, &DeployDialog::refsLoaded);
        QVERIFY(refs.wait(20000));
        const int v2 = dialog->refBox()->findData(QStringLiteral("refs/tags/v2"));
        QVERIFY(v2 >= 0);
        QVERIFY(dialog->refBox()->findData(QStringLiteral("refs/tags/v3-broken-migration")) >= 0);
        QVERIFY2(dialog->refBox()->itemText(v2).contains(
                     m_world->revisionOf(QStringLiteral("v2")).left(7)),
                 qPrintable(dialog->refBox()->itemText(v2)));
        dialog->setRef(QStringLiteral("v2"));
        QCOMPARE(dialog->ref(), QStringLiteral("refs/tags/v2")); // the full name from the list
        QCOMPARE(dialog->shownRevision(), m_world->revisionOf(QStringLiteral("v2")));
        const auto listings = [&registry] {
            QList<JobRegistry::Record> found;
            for (int row = 0; row < registry.count(); ++row)
                if (registry.at(row).title == QStringLiteral("list refs on web1"))
                    found << registry.at(row);
            return found;
        };
        QCOMPARE(listings().size(), 1);
        const JobRegistry::Record listed = listings().value(0);
        QCOMPARE(listed.environment, QStringLiteral("canary"));
        QCOMPARE(listed.state, Job::State::Succeeded);
        QVERIFY2(listed.command.startsWith(QStringLiteral("git ls-remote ")),
                 qPrintable(listed.command));
        QVERIFY2(listed.outcome.contains(QStringLiteral(" branches, ")) &&
                     listed.outcome.endsWith(QStringLiteral(" tags")),
                 qPrintable(listed.outcome));
        QSignalSpy planned(dialog, &DeployDialog::planShown);
        dialog->showPlan();
        QVERIFY(planned.wait(30000));
        QCOMPARE(planned.value(0).value(0).toBool(), true);
        const QString plan = dialog->planView()->toPlainText();
        QVERIFY2(plan.contains(m_world->revisionOf(QStringLiteral("v2"))), qPrintable(plan));
        QVERIFY(plan.contains(QStringLiteral("manage.py migrate")));
        QVERIFY(plan.contains(QStringLiteral("web2")));
        QVERIFY(m_world->releases(QStringLiteral("web1")).isEmpty()); // a plan changes nothing
        QCOMPARE(listings().size(), 2); // the plan resolved the ref through its own listing
        QCOMPARE(listings().value(1).state, Job::State::Succeeded);

        dialog->setRef(QStringLiteral("no-such-ref"));
        dialog->showPlan();
        QVERIFY(planned.wait(30000));
        QCOMPARE(planned.value(1).value(0).toBool(), false);
        QVERIFY2(dialog->planView()->toPlainText().contains(QStringLiteral("unknown ref")),
                 qPrintable(dialog->planView()->toPlainText()));
        dialog->reject();
    }

    void protectedDeployNeedsConfirmation()
    {
        auto pane = makePane(QStringLiteral("prod"));
        const int asked = DangerConfirmDialog::questionsAsked();
        DangerConfirmDialog::setNextAnswer(false);
        pane->requestDeploy(QStringLiteral("v1"));
        QCOMPARE(DangerConfirmDialog::questionsAsked(), asked + 1);
        QVERIFY(!pane->runner()); // declined: nothing started
        QVERIFY(m_world->releases(QStringLiteral("web1")).isEmpty());
    }

    void deployIsShownLiveAndLandsInTheHistory()
    {
        auto pane = makePane(QStringLiteral("canary"));
        DangerConfirmDialog::setNextAnswer(true);
        pane->requestDeploy(QStringLiteral("v1"));
        QVERIFY(pane->runner());
        QVERIFY(pane->runView()->isVisible()); // the Live tab comes forward
        QCOMPARE(waitForJob(*pane), Outcome::Succeeded);
        QVERIFY(QTest::qWaitFor([&] { return pane->log()->isIdle(); }));

        DeployRunView *view = pane->runView();
        QCOMPARE(column(view->hostTable(), 0),
                 QStringList({QStringLiteral("web1"), QStringLiteral("web2")}));
        QCOMPARE(column(view->hostTable(), 1),
                 QStringList({QStringLiteral("healthy"), QStringLiteral("healthy")}));
        QCOMPARE(view->progress()->value(), 100);
        QVERIFY2(view->stateText().startsWith(QStringLiteral("succeeded")),
                 qPrintable(view->stateText()));
        QVERIFY(!view->cancelButton()->isEnabled());

        // Combined view: every host's lines, prefixed; Opsdeck's own phase lines too.
        DeployLogModel *model = view->logModel();
        QStringList combined;
        for (int row = 0; row < model->rowCount(); ++row)
            combined << model->index(row).data().toString();
        QVERIFY(combined.contains(
            QStringLiteral("web1 | $ venv/bin/python manage.py migrate --noinput")));
        QVERIFY(combined.contains(QStringLiteral("web2 | current -> releases/") +
                                  pane->runner()->context().release));
        QVERIFY(combined.filter(QStringLiteral("== Batch 2/2")).size() == 1);
        // One host's tab: only that host's lines.
        screenshot(pane.get(), QStringLiteral("deploy-live.png"));
        view->hostTabs()->setCurrentIndex(2);
        QVERIFY(model->rowCount() > 0);
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->index(row).data(DeployLogModel::HostRole).toString(),
                     QStringLiteral("web2"));
        QVERIFY(model->rowCount() < int(combined.size()));

        // The full log is on disk; the status comes back from the servers; the desktop was told.
        QFile file(pane->log()->filePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("web2 | $ bin/restart\n"));
        const QString release = pane->runner()->context().release;
        QCOMPARE(column(pane->statusPanel()->hostTable(), 1), QStringList({release, release}));
        QCOMPARE(pane->statusPanel()->historyTable()->topLevelItem(0)->text(3),
                 QStringLiteral("succeeded")); // the UI's word (the history file says "success")
        QVERIFY2(desktopNotificationsShown()
                     .value(desktopNotificationsShown().size() - 1)
                     .contains(QStringLiteral("succeeded on canary")),
                 qPrintable(desktopNotificationsShown().join(QLatin1Char('\n'))));
    }

    void rollbackDialogWarnsAboutMigrationsThatStay()
    {
        auto pane = makePane(QStringLiteral("canary"));
        DangerConfirmDialog::setNextAnswer(true);
        pane->requestDeploy(QStringLiteral("v2")); // v2 adds twit.0002_message_likes
        QCOMPARE(waitForJob(*pane), Outcome::Succeeded);
        const QString v1Release = pane->state().releases.value(1);
        QVERIFY(v1Release.endsWith(m_world->revisionOf(QStringLiteral("v1")).left(7)));

        RollbackDialog *dialog = pane->openRollbackDialog();
        QSignalSpy shown(dialog, &RollbackDialog::migrationsShown);
        QVERIFY(shown.wait(20000));
        QCOMPARE(dialog->releaseList()->count(), 1);
        QCOMPARE(dialog->release(), v1Release);
        QVERIFY2(
            dialog->migrationsLabel()->text().contains(QStringLiteral("twit.0002_message_likes")),
            qPrintable(dialog->migrationsLabel()->text()));
        QVERIFY(!dialog->migrationsLabel()->text().contains(QStringLiteral("0001_initial")));
        screenshot(dialog, QStringLiteral("deploy-rollback.png"));
        dialog->accept(); // confirmation is queued: yes
        QCOMPARE(waitForJob(*pane), Outcome::Succeeded);
        QCOMPARE(m_world->servedRevision(QStringLiteral("web1")),
                 m_world->revisionOf(QStringLiteral("v1")));
        QCOMPARE(pane->statusPanel()->historyTable()->topLevelItem(0)->text(1),
                 QStringLiteral("rollback"));
    }

    void aFailingHealthGateCountsDownAndSaysWhatHappenedInPlainWords()
    {
        // After the rollback test: v4-unhealthy's release phase applies v2's migration.
        JobRegistry registry; // the console's Jobs view lists the gate as it waits
        JobsView jobs(&registry);
        auto pane = makePane(QStringLiteral("canary"));
        DangerConfirmDialog::setNextAnswer(true);
        pane->requestDeploy(QStringLiteral("v4-unhealthy"));
        DeployRunView *view = pane->runView();
        // While the gate waits: how long is left, and what the host last answered.
        QVERIFY(QTest::qWaitFor(
            [&] {
                return column(view->hostTable(), 2)
                    .value(0)
                    .contains(QStringLiteral(" s left of 4 s · attempt "));
            },
            60000));
        QVERIFY2(view->stateText().contains(
                     QStringLiteral("waiting for web1 to pass the health check (")),
                 qPrintable(view->stateText()));
        QVERIFY2(view->stepsText().contains(QStringLiteral("Build ")) &&
                     view->stepsText().endsWith(QStringLiteral("…")),
                 qPrintable(view->stepsText()));
        screenshot(pane.get(), QStringLiteral("deploy-health-gate.png"));
        QCOMPARE(waitForJob(*pane), Outcome::Failed);
        QVERIFY2(view->stateText().startsWith(
                     QStringLiteral("failed: web1's health check `bin/healthcheck` kept failing "
                                    "for ")),
                 qPrintable(view->stateText()));
        QVERIFY2(view->stateText().contains(QStringLiteral("; web1 was switched back to ")),
                 qPrintable(view->stateText()));
        QVERIFY2(view->stepsText().contains(QStringLiteral("Batch 1/2 ")) &&
                     view->stepsText().contains(QStringLiteral(" · total ")),
                 qPrintable(view->stepsText()));

        // The gate was a Job like any command: listed with its environment, its attempts as
        // output lines and the same sentence as its result.
        QAbstractItemModel *listed = jobs.list()->model();
        int gateRow = -1;
        for (int row = 0; row < listed->rowCount(); ++row)
            if (listed->index(row, JobsModel::Title).data() ==
                QStringLiteral("health check on web1"))
                gateRow = row;
        QVERIFY(gateRow >= 0);
        QCOMPARE(listed->index(gateRow, JobsModel::Environment).data().toString(),
                 QStringLiteral("canary"));
        QCOMPARE(listed->index(gateRow, JobsModel::State).data().toString(),
                 QStringLiteral("failed"));
        QVERIFY(
            listed->index(gateRow, JobsModel::Outcome)
                .data()
                .toString()
                .startsWith(QStringLiteral("web1's health check `bin/healthcheck` kept failing")));
        jobs.list()->setCurrentIndex(listed->index(gateRow, 0));
        QVERIFY2(jobs.output()->toPlainText().contains(
                     QStringLiteral("health check failed (attempt 1, ")),
                 qPrintable(jobs.output()->toPlainText()));
        QVERIFY2(jobs.output()->toPlainText().section(u'\n', -1).contains(
                     QStringLiteral(": web1's health check `bin/healthcheck` kept failing for ")),
                 qPrintable(jobs.output()->toPlainText()));
        // The deploy itself is listed too, as the command line that would do the same, with
        // every host's lines (the gate's among them) and how it ended.
        const JobRegistry::Record &run = registry.at(0);
        QCOMPARE(run.title, QStringLiteral("deploy v4-unhealthy"));
        QCOMPARE(run.command, QStringLiteral("opsdeck deploy canary --ref v4-unhealthy"));
        QCOMPARE(run.state, Job::State::Failed);
        QCOMPARE(run.outcome, view->stateText().mid(QStringLiteral("failed: ").size()));
        QVERIFY(run.lines.filter(QStringLiteral("web1: health check failed (attempt 1, ")).size() ==
                1);
        jobs.resize(1200, 280);
        screenshot(&jobs, QStringLiteral("jobs-health-gate.png"));
    }

    void cancelFromTheLiveViewLeavesCurrentUntouched()
    {
        useWorkspace(QStringLiteral("build: [\"echo building; sleep 60\"]"));
        auto pane = makePane(QStringLiteral("canary"));
        const QString before = m_world->current(QStringLiteral("web1"));
        DangerConfirmDialog::setNextAnswer(true);
        pane->requestDeploy(QStringLiteral("v2"));
        QVERIFY(QTest::qWaitFor([&] { return pane->log()->end(0) > 1 && pane->log()->end(1) > 1; },
                                30000));
        QVERIFY(pane->runView()->cancelButton()->isEnabled());
        QTest::mouseClick(pane->runView()->cancelButton(), Qt::LeftButton);
        QCOMPARE(waitForJob(*pane), Outcome::Cancelled);
        // The bar stops where the deploy stopped, in red: a full blue bar read as success.
        QVERIFY(pane->runView()->progress()->value() < 100);
        QCOMPARE(pane->runView()->progress()->palette().color(QPalette::Highlight),
                 healthColor(Health::Critical));
        QVERIFY(pane->runView()->stateText().startsWith(QStringLiteral("cancelled")));
        QCOMPARE(m_world->current(QStringLiteral("web1")), before);
        QVERIFY(!m_world->lockExists());
        useWorkspace();
    }

    void lockIsShownAndCanBeBrokenWithConfirmation()
    {
        LockInfo theirs;
        theirs.id = QStringLiteral("theirs");
        theirs.user = QStringLiteral("alice@laptop");
        theirs.since = QDateTime::currentDateTimeUtc();
        theirs.action = QStringLiteral("deploy");
        theirs.comment = QStringLiteral("hotfix in progress");
        HostFanOut lock(m_pool.get());
        QSignalSpy locked(&lock, &HostFanOut::finished);
        lock.start({QStringLiteral("web1")}, [&](const QString &) {
            return DeployScripts::lock(*m_workspace.environment(QStringLiteral("canary"))->deploy,
                                       theirs.toJson());
        });
        QVERIFY(locked.wait(20000));

        auto pane = makePane(QStringLiteral("canary"));
        QVERIFY(pane->lockBanner()->isVisible());
        QVERIFY2(pane->lockBanner()->text().contains(QStringLiteral("alice@laptop")) &&
                     pane->lockBanner()->text().contains(QStringLiteral("hotfix in progress")),
                 qPrintable(pane->lockBanner()->text()));
        screenshot(pane.get(), QStringLiteral("deploy-locked.png"));

        DangerConfirmDialog::setNextAnswer(false);
        pane->requestBreakLock();
        QVERIFY(m_world->lockExists()); // declined: untouched

        DangerConfirmDialog::setNextAnswer(true);
        QSignalSpy refreshed(pane.get(), &DeployPane::stateLoaded);
        QSignalSpy said(pane.get(), &Pane::statusMessage);
        pane->requestBreakLock();
        QVERIFY(refreshed.wait(20000));
        QVERIFY2(!m_world->lockExists(), qPrintable(said.value(0).value(0).toString()));
        QVERIFY(!pane->lockBanner()->isVisible());
        const AuditEntry audited = m_audit->recent(1).value(0);
        QCOMPARE(audited.action, QStringLiteral("deploy.unlock"));
        QVERIFY(audited.before.contains(QStringLiteral("alice@laptop")));
        QCOMPARE(audited.outcome, QStringLiteral("succeeded"));
    }

    void aMillionLinesNeverStallTheEventLoop()
    {
        JobRegistry registry; // and the Jobs view follows the run's output
        JobsView jobs(&registry);
        jobs.show();
        auto pane = makePane(QStringLiteral("canary"));
        StallMeter meter;
        meter.start();
        pane->requestCommand(QStringLiteral("seq 1000000"), {QStringLiteral("web1")});
        jobs.selectNewest();
        QVERIFY(StallMeter::spinUntil(
            [&] { return pane->runner() && !pane->runner()->isRunning() && pane->log()->isIdle(); },
            120000));
        meter.stop();
        QCOMPARE(pane->runner()->outcome(), Outcome::Succeeded);
        QVERIFY(pane->log()->totalLines() >= 1000000);
        // Memory is bounded: the view holds the newest lines only; the file has all of them.
        DeployLogModel *model = pane->runView()->logModel();
        QCOMPARE(model->rowCount(), pane->log()->capacity());
        QCOMPARE(model->index(model->rowCount() - 1).data().toString(),
                 QStringLiteral("1 of 1 host succeeded")); // not "1 of 1 hosts"
        QCOMPARE(model->index(model->rowCount() - 2).data().toString(),
                 QStringLiteral("web1 | 1000000"));
        QCOMPARE(model->index(0).data().toString(),
                 QStringLiteral("web1 | %1").arg(1000000 - model->rowCount() + 2));
        QFile file(pane->log()->filePath());
        QVERIFY(file.size() > 8 * 1000000);
        const JobRegistry::Record &run = registry.at(0);
        QCOMPARE(run.title, QStringLiteral("run: seq 1000000"));
        QVERIFY(run.lines.contains(QStringLiteral("web1: 1000000")));
        QVERIFY(run.droppedLines > 0); // bounded
        QTRY_VERIFY(jobs.output()->toPlainText().contains(QStringLiteral("web1: 1000000")));
        QVERIFY(jobs.output()->blockCount() <= jobs.output()->maximumBlockCount());
        qInfo("1,000,000 lines: longest event-loop stall %lld ms over %d ticks",
              meter.longestStallMs(), meter.ticks());
        // Taking the million lines in one go would stall for seconds; the number itself is the
        // deploy benchmark's (17 ms in Release), and a tight bound flakes under ASan: it
        // measured 44-52 ms here under ASan, against the 50 ms bound this test once had.
        QVERIFY2(meter.longestStallMs() < 500, qPrintable(QString::number(meter.longestStallMs())));
    }
};

QTEST_MAIN(TestDeployPane)
#include "tst_deploypane.moc"
