// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploypane.h"

#include "audit/auditlog.h"
#include "common/desktopnotifier.h"
#include "common/dialogconfirmer.h"
#include "common/messagebanner.h"
#include "deploy/deploylog.h"
#include "deploy/lockjobs.h"
#include "deploydialog.h"
#include "deployrunview.h"
#include "deploystatuspanel.h"
#include "jobs/job.h"
#include "rollbackdialog.h"
#include "runcommanddialog.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"

#include <QAction>
#include <QDesktopServices>
#include <QLabel>
#include <QMenu>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

enum Tab { StatusTab, LiveTab };

} // namespace

DeployPane::DeployPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_workspaceName(context.workspace().name)
    , m_environment(context.environment())
    , m_pool(context.sshPool())
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
    , m_status(new QLabel(this))
    , m_lockBanner(new MessageBanner(this))
    , m_breakLock(new QAction(tr("Break lock…"), this))
    , m_tabs(new QTabWidget(this))
    , m_statusPanel(new DeployStatusPanel(this))
    , m_runView(new DeployRunView(this))
    , m_deployAction(new QAction(QStringLiteral("Deploy…"), this))
    , m_rollbackAction(new QAction(QStringLiteral("Rollback…"), this))
    , m_runAction(new QAction(QStringLiteral("Run command…"), this))
    , m_refreshAction(new QAction(QStringLiteral("Refresh"), this))
{
    setObjectName(QStringLiteral("deployPane"));
    m_status->setObjectName(QStringLiteral("deployStatus"));
    m_status->setWordWrap(true);
    m_lockBanner->setClosable(false); // it shows a state: it goes when the lock does
    m_lockBanner->addButton(m_breakLock);

    m_tabs->addTab(m_statusPanel, QStringLiteral("Status"));
    connect(m_statusPanel, &DeployStatusPanel::logsAroundRequested, this,
            [this](const QDateTime &time) {
                emit openPaneRequested(QStringLiteral("logs"),
                                       QStringLiteral("around=") +
                                           time.toUTC().toString(Qt::ISODateWithMs));
            });
    m_tabs->addTab(m_runView, QStringLiteral("Live"));
    auto *toolbar = new QToolBar(this);
    toolbar->setObjectName(QStringLiteral("deployToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addActions({m_deployAction, m_rollbackAction, m_runAction});
    toolbar->addSeparator();
    toolbar->addAction(m_refreshAction);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addWidget(banner());
    layout->addWidget(m_status);
    layout->addWidget(m_lockBanner);
    layout->addWidget(m_tabs, 1);

    m_refreshAction->setToolTip(tr("Ask the hosts again (F5)"));
    connect(m_refreshAction, &QAction::triggered, this, &DeployPane::refresh);
    connect(m_deployAction, &QAction::triggered, this, &DeployPane::openDeployDialog);
    connect(m_rollbackAction, &QAction::triggered, this, &DeployPane::openRollbackDialog);
    connect(m_runAction, &QAction::triggered, this, &DeployPane::openRunCommandDialog);
    connect(m_breakLock, &QAction::triggered, this, &DeployPane::requestBreakLock);
    QTreeWidget *releases = m_statusPanel->releaseTable();
    releases->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(
        releases, &QWidget::customContextMenuRequested, this, [this, releases](const QPoint &at) {
            const QTreeWidgetItem *item = releases->itemAt(at);
            const QString release = item ? item->data(0, Qt::UserRole).toString() : QString();
            if (release.isEmpty() || release == currentRelease() || !m_rollbackAction->isEnabled())
                return;
            auto *menu = new QMenu(this);
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->addAction(QStringLiteral("Roll back to %1…").arg(release), this,
                            [this, release] { openRollbackDialog()->setRelease(release); });
            menu->popup(releases->viewport()->mapToGlobal(at));
        });
    connect(m_runView, &DeployRunView::openLogRequested, this,
            [](const QString &path) { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); });

    setPaneActions({m_deployAction, m_rollbackAction, m_runAction, m_refreshAction});
    if (!m_environment.deploy) {
        m_tabs->setEnabled(false);
        setState(State::Empty, tr("Environment %1 has no deploy block in the workspace "
                                  "(environments.%1.deploy: path, repo, build, restart…).")
                                   .arg(m_environment.name));
        updateActions();
        return;
    }
    m_status->setText(QStringLiteral("Asking %1 for releases…")
                          .arg(m_environment.hosts.join(QStringLiteral(", "))));
    updateActions();
}

DeployPane::~DeployPane()
{
    if (m_runner && m_runner->isRunning())
        m_runner->cancel();
}

void DeployPane::showEvent(QShowEvent *event)
{
    Pane::showEvent(event);
    if (!hasLoaded() && !m_querying)
        refresh();
}

void DeployPane::refresh()
{
    if (!m_environment.deploy || m_querying)
        return;
    m_querying = true;
    auto *query = new DeployStatusQuery(m_pool, m_environment, this);
    connect(query, &DeployStatusQuery::finished, this,
            [this, query](const EnvironmentDeployState &state) {
                query->deleteLater();
                m_querying = false;
                onState(state);
            });
    query->start();
}

void DeployPane::onState(const EnvironmentDeployState &state)
{
    m_state = state;
    m_statusPanel->showState(state);
    QStringList unreachable;
    for (const HostDeployState &h : state.hosts)
        if (!h.error.isEmpty())
            unreachable << h.host;
    const QString current = currentRelease();
    QString text = current.isEmpty()
                       ? QStringLiteral("Nothing deployed yet to %1.").arg(m_environment.name)
                       : QStringLiteral("%1 runs <b>%2</b>.").arg(m_environment.name, current);
    if (!unreachable.isEmpty())
        text += QStringLiteral(" Unreachable: %1.").arg(unreachable.join(QStringLiteral(", ")));
    m_status->setText(text);
    if (state.lock) {
        m_lockBanner->showMessage(
            MessageBanner::Level::Warning,
            tr("<b>Locked</b> by %1. Other deploys to %2 are refused until it is released.")
                .arg(state.lock->describe().toHtmlEscaped(), m_environment.name),
            Qt::RichText);
    } else {
        m_lockBanner->dismiss();
    }
    updateActions();
    if (unreachable.size() == state.hosts.size() && !state.hosts.isEmpty())
        setState(
            State::Error,
            tr("No host of %1 answered: %2").arg(m_environment.name, state.hosts.value(0).error));
    else
        setState(State::Ready);
    emit stateLoaded();
}

QString DeployPane::currentRelease() const
{
    return m_state.currentRelease(m_environment.deploy ? m_environment.deploy->lockHost
                                                       : QString());
}

void DeployPane::updateActions()
{
    const bool canDeploy = m_environment.deploy.has_value();
    const bool busy = m_runner && m_runner->isRunning();
    m_deployAction->setEnabled(canDeploy && !busy);
    m_rollbackAction->setEnabled(canDeploy && !busy && m_state.releases.size() > 1);
    m_runAction->setEnabled(!m_environment.hosts.isEmpty() && !busy);
    m_breakLock->setEnabled(!busy);
}

DeployDialog *DeployPane::openDeployDialog()
{
    auto *dialog = new DeployDialog(m_pool, m_environment, context().monitoringSession(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const DeployStep deployed = deployedStep(m_state, currentRelease());
    dialog->setDeployed(deployed.fromRef, deployed.fromRevision);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        requestDeploy(dialog->ref(), dialog->shownRevision(), dialog->summaryText().trimmed());
    });
    dialog->open();
    dialog->loadRefs();
    return dialog;
}

RollbackDialog *DeployPane::openRollbackDialog()
{
    auto *dialog =
        new RollbackDialog(m_state, currentRelease(), context().monitoringSession(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { requestRollback(dialog->release()); });
    dialog->open();
    return dialog;
}

RunCommandDialog *DeployPane::openRunCommandDialog()
{
    auto *dialog = new RunCommandDialog(m_environment.name, m_environment.hosts, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { requestCommand(dialog->command(), dialog->selectedHosts()); });
    dialog->open();
    return dialog;
}

ActionRequest DeployPane::request(ActionKind kind, const QString &target) const
{
    ActionRequest r;
    r.kind = kind;
    r.workspace = m_workspaceName;
    r.environment = m_environment.name; // a deploy changes this environment's own hosts
    r.isProtected = m_environment.isProtected;
    r.target = target;
    return r;
}

void DeployPane::requestDeploy(const QString &ref, const QString &revision, const QString &changes)
{
    ActionRequest r =
        request(ActionKind::Deploy,
                revision.isEmpty() ? ref : QStringLiteral("%1 (%2)").arg(ref, revision.left(12)));
    r.description =
        QStringLiteral(
            "Deploy %1 to %2 (%3).\nThe lock is taken for the whole deploy; the release phase "
            "(migrations) runs once.")
            .arg(revision.isEmpty() ? ref
                                    : QStringLiteral("%1 (commit %2)").arg(ref, revision.left(12)),
                 m_environment.name, m_environment.hosts.join(QStringLiteral(", ")));
    r.changes = changes;
    m_actions.submit(
        r, [this, ref, revision](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            DeployRunner *job =
                startJob(QStringLiteral("deploy"),
                         QStringLiteral("Deploy %1 to %2").arg(ref, m_environment.name), finish);
            job->setExpectedRevision(revision);
            job->deploy(ref, confirmed.comment);
        });
}

void DeployPane::requestRollback(const QString &release)
{
    ActionRequest r = request(ActionKind::Rollback, release);
    r.description =
        QStringLiteral(
            "Switch %1 back to %2, restart and health-check.\nThe database is not rolled back.")
            .arg(m_environment.name,
                 release.isEmpty() ? QStringLiteral("the previous release") : release);
    m_actions.submit(
        r, [this, release](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            startJob(QStringLiteral("rollback"),
                     QStringLiteral("Roll %1 back to %2").arg(m_environment.name, release), finish)
                ->rollback(release, confirmed.comment);
        });
}

void DeployPane::requestCommand(const QString &command, const QStringList &hosts)
{
    // The audit row keeps the program and a digest, never the arguments (they may hold
    // passwords); the runner says the same when it ends.
    ActionRequest r = request(ActionKind::RunCommand, hosts.join(QStringLiteral(", ")));
    r.description = QStringLiteral("Run on %1:\n%2").arg(hosts.join(QStringLiteral(", ")), command);
    m_actions.submit(r, [this, command, hosts](const ActionRequest &confirmed,
                                               ActionPipeline::Finish finish) {
        startJob(QStringLiteral("run"),
                 QStringLiteral("Run `%1` on %2").arg(command, hosts.join(QStringLiteral(", "))),
                 finish)
            ->runCommand(command, hosts, confirmed.comment);
    });
}

void DeployPane::requestBreakLock()
{
    if (!m_environment.deploy || !m_state.lock)
        return;
    const LockInfo lock = *m_state.lock;
    ActionRequest r = request(ActionKind::BreakLock, m_environment.deploy->path);
    r.before = lock.describe();
    r.description =
        QStringLiteral(
            "The lock is held by %1.\nBreak it only if that deploy is no longer running.")
            .arg(lock.describe());
    m_actions.submit(
        r,
        [this, lock](const ActionRequest &, ActionPipeline::Finish finish) {
            // By id: the lock the dialog showed, never one taken since.
            Job *job = breakLockJob(m_pool, *m_environment.deploy, lock.id, this);
            job->setEnvironment(m_environment.name);
            connect(job, &Job::finished, this, [job, finish](const Result<QString> &result) {
                job->deleteLater();
                finish(result ? Result<QString>(QString()) : result);
            });
            job->start();
        },
        [this](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::NotConfirmed)
                return; // nothing happened: nothing to reload
            emit statusMessage(!outcome.started() ? outcome.message
                               : outcome.ok()     ? QStringLiteral("Lock broken.")
                                                  : QStringLiteral("Could not break the lock: ") +
                                                    outcome.message);
            refresh();
        });
}

DeployRunner *DeployPane::startJob(const QString &kind, const QString &title,
                                   ActionPipeline::Finish finish)
{
    delete m_runner; // the previous, finished job (its log file stays on disk)
    delete m_log;
    const QString file = DeployLog::defaultFilePath(m_workspaceName, m_environment.name, kind);
    m_log = new DeployLog(m_logDirectory.isEmpty() ? file
                                                   : m_logDirectory + QLatin1Char('/') +
                                                         file.section(QLatin1Char('/'), -1),
                          100000, this);
    m_runner = new DeployRunner(m_pool, m_environment, this);
    connect(m_runner, &DeployRunner::output, m_log, &DeployLog::append);
    connect(m_runner, &DeployRunner::finished, this, &DeployPane::onJobFinished);
    // The pipeline wrote the audit row before this started; the runner tells it how it went.
    DeployRunner *runner = m_runner;
    connect(m_runner, &DeployRunner::finished, this,
            [runner, finish] { finish(runner->actionResult()); });
    m_runView->attach(m_runner, m_log, title);
    m_tabs->setCurrentIndex(LiveTab);
    updateActions();
    return m_runner;
}

void DeployPane::onJobFinished(DeployRunner::Outcome outcome, const QString &summary)
{
    m_log->finish();
    updateActions();
    const bool ok = outcome == DeployRunner::Outcome::Succeeded;
    notifyDesktop(window(),
                  QStringLiteral("%1 on %2: %3")
                      .arg(DeployRunner::outcomeName(outcome), m_environment.name,
                           summary.section(QLatin1Char('\n'), 0, 0)),
                  ok);
    emit statusMessage(summary.section(QLatin1Char('\n'), 0, 0));
    emit jobFinished(outcome, summary);
    refresh();
}

} // namespace Opsdeck
