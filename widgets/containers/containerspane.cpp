// SPDX-License-Identifier: GPL-3.0-or-later
#include "containerspane.h"

#include "deploy/rollbackdialog.h"

#include "common/dialogconfirmer.h"
#include "common/formatting.h"
#include "common/futures.h"
#include "common/messagebanner.h"
#include "docker/builtimages.h"
#include "docker/composestatus.h"
#include "docker/dockerengine.h"
#include "docker/swarmdeployrunner.h"
#include "runintaskdialog.h"
#include "runtime/environmentcontext.h"
#include "servicelogview.h"
#include "swarmdeployview.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

enum Column { NameColumn, ImageColumn, RevisionColumn, ReplicasColumn, StateColumn, DetailColumn };

QList<QStandardItem *> row(const QStringList &texts)
{
    QList<QStandardItem *> items;
    for (const QString &text : texts) {
        auto *item = new QStandardItem(text);
        item->setEditable(false);
        items << item;
    }
    return items;
}

QList<QStandardItem *> taskRow(const SwarmService &service, const SwarmTask &task)
{
    const QString name = service.mode == QLatin1String("global")
                             ? QStringLiteral("%1 on %2").arg(service.name, task.node)
                             : QStringLiteral("%1.%2").arg(service.name).arg(task.slot);
    QString detail = task.error.isEmpty() ? task.message : task.error;
    if (task.exitCode >= 0 && !detail.contains(QString::number(task.exitCode)))
        detail += QStringLiteral(" (exit %1)").arg(task.exitCode);
    QList<QStandardItem *> items =
        row({name, task.image, QString(), task.node,
             QStringLiteral("%1 %2").arg(task.state,
                                         formatAgo(task.updated, QDateTime::currentDateTimeUtc())),
             detail.trimmed()});
    if (task.failed())
        for (QStandardItem *item : items)
            item->setForeground(QColor(0xb0, 0x1e, 0x1e));
    items[NameColumn]->setData(task.id, Qt::UserRole);
    items[DetailColumn]->setToolTip(detail); // plain text: Docker's words
    items[StateColumn]->setToolTip(formatWhen(task.updated));
    return items;
}

} // namespace

ContainersPane::ContainersPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_engine(context.docker())
    , m_stack(context.environment().containers ? context.environment().containers->stack
                                               : QString())
    , m_header(new QLabel(this))
    , m_model(new QStandardItemModel(this))
    , m_tree(new QTreeView(this))
    , m_refreshAction(new QAction(tr("Refresh"), this))
    , m_deployAction(new QAction(tr("Deploy…"), this))
    , m_rollbackAction(new QAction(tr("Rollback…"), this))
    , m_runAction(new QAction(tr("Run command…"), this))
    , m_deployView(new SwarmDeployView(this))
    , m_logView(new ServiceLogView(m_engine, this))
    , m_bottom(new QTabWidget(this))
    , m_logsAction(new QAction(tr("Follow logs"), this))
    , m_breakLockAction(new QAction(tr("Break lock…"), this))
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
    , m_eventDebounce(new QTimer(this))
    , m_safetyPoll(new QTimer(this))
{
    setObjectName(QStringLiteral("containersPane"));
    m_header->setObjectName(QStringLiteral("containersHeader"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    m_model->setHorizontalHeaderLabels({tr("Service / task"), tr("Image"), tr("Revision"),
                                        tr("Replicas / node"), tr("State"), tr("Details")});
    m_tree->setObjectName(QStringLiteral("containersTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    m_bottom->setObjectName(QStringLiteral("containersBottom"));
    m_bottom->addTab(m_deployView, tr("Run"));
    m_bottom->addTab(m_logView, tr("Logs"));
    split->addWidget(m_bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    m_bottom->hide(); // until the first deploy, run or log
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(banner());
    layout->addWidget(m_header);
    layout->addWidget(split, 1);

    m_deployAction->setObjectName(QStringLiteral("swarmDeployAction"));
    m_deployAction->setToolTip(tr("Build a git ref into an image and update the stack's services"));
    connect(m_deployAction, &QAction::triggered, this, &ContainersPane::chooseDeploy);
    m_rollbackAction->setObjectName(QStringLiteral("swarmRollbackAction"));
    m_rollbackAction->setToolTip(tr("Put the services back on an image they ran before"));
    connect(m_rollbackAction, &QAction::triggered, this, &ContainersPane::chooseRollback);
    m_runAction->setObjectName(QStringLiteral("swarmRunAction"));
    m_runAction->setToolTip(
        tr("Run a command once in a new task of the selected service (its image, environment "
           "and mounts)"));
    connect(m_runAction, &QAction::triggered, this, &ContainersPane::chooseRun);
    m_logsAction->setObjectName(QStringLiteral("swarmLogsAction"));
    m_logsAction->setToolTip(tr("Follow the selected service's log (docker service logs -f)"));
    connect(m_logsAction, &QAction::triggered, this, &ContainersPane::followLogs);
    m_breakLockAction->setObjectName(QStringLiteral("swarmBreakLockAction"));
    m_breakLockAction->setToolTip(
        tr("Remove the stack's deploy lock, left by a run that was killed before it released it"));
    connect(m_breakLockAction, &QAction::triggered, this, &ContainersPane::requestBreakLock);
    connect(m_deployView, &SwarmDeployView::runFinished, this, [this] {
        updateActions();
        refresh();
    });

    m_refreshAction->setToolTip(tr("Ask the engine again (F5)"));
    connect(m_refreshAction, &QAction::triggered, this, &ContainersPane::refresh);
    // A deploy or a crash is a burst of events: one read after the burst.
    m_eventDebounce->setSingleShot(true);
    m_eventDebounce->setInterval(250);
    connect(m_eventDebounce, &QTimer::timeout, this, &ContainersPane::refresh);
    m_safetyPoll->setInterval(30'000);
    connect(m_safetyPoll, &QTimer::timeout, this, &ContainersPane::refresh);
    setPaneActions({m_deployAction, m_rollbackAction, m_runAction, m_logsAction, m_breakLockAction,
                    m_refreshAction});
    if (!m_engine) {
        setState(
            State::Empty,
            tr("Environment %1 is not a container environment.").arg(context.environment().name));
        return;
    }
    // And once more when the burst has settled: Swarm records a task's end just after the
    // container's, and the replacement comes a restart delay later.
    m_settledRead = new QTimer(this);
    m_settledRead->setSingleShot(true);
    m_settledRead->setInterval(1500);
    connect(m_settledRead, &QTimer::timeout, this, &ContainersPane::refresh);
    connect(m_engine, &DockerEngine::eventReceived, this, [this] {
        m_eventDebounce->start();
        m_settledRead->start();
    });
    connect(m_engine, &DockerEngine::eventsConnectedChanged, this, [this](bool connected) {
        m_followingEvents = connected;
        updateHeader();
        if (connected)
            refresh(); // what changed while the stream was down
    });
    updateHeader();
    updateActions();
}

ContainersPane::~ContainersPane()
{
    if (m_engine)
        m_engine->stopEvents();
}

bool ContainersPane::isCompose() const
{
    const std::optional<ContainerDeploySpec> &spec = context().environment().containers;
    return spec && spec->kind == ContainerDeploySpec::Kind::Compose;
}

SwarmLock::Store ContainersPane::lockStore() const
{
    return isCompose() ? SwarmLock::Store::Container : SwarmLock::Store::SwarmConfig;
}

QString ContainersPane::unitName() const
{
    return isCompose() ? tr("compose project %1").arg(m_stack) : tr("stack %1").arg(m_stack);
}

void ContainersPane::updateActions()
{
    const bool engine = m_engine && context().environment().containers;
    m_deployAction->setEnabled(engine && !m_deployView->isRunning());
    m_rollbackAction->setEnabled(engine && !m_deployView->isRunning());
    m_runAction->setEnabled(engine && !m_deployView->isRunning());
    m_logsAction->setEnabled(engine);
    // A lock our own run holds is released by that run: only one nobody here holds is broken.
    m_breakLockAction->setEnabled(engine && m_lock.isHeld() && !m_deployView->isRunning());
}

ActionRequest ContainersPane::request(ActionKind kind, const QString &target,
                                      const QString &description) const
{
    ActionRequest r;
    r.kind = kind;
    r.workspace = context().workspace().name;
    r.environment = context().environment().name; // the stack's services are this environment's own
    r.isProtected = context().environment().isProtected;
    r.target = target;
    r.description = description;
    return r;
}

void ContainersPane::chooseDeploy()
{
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Deploy to %1").arg(context().environment().name));
    dialog->setLabelText(tr("Git ref to build and deploy (a branch, a tag or a commit):"));
    dialog->setTextValue(QStringLiteral("main"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString &ref) {
        if (!ref.trimmed().isEmpty())
            requestDeploy(ref.trimmed());
    });
    dialog->open();
}

void ContainersPane::requestDeploy(const QString &ref)
{
    const ContainerDeploySpec &spec = *context().environment().containers;
    ActionRequest r = request(
        ActionKind::Deploy, QStringLiteral("%1 (%2)").arg(spec.stack, ref),
        isCompose()
            ? tr("Deploy %1 to the %2 of %3.\nBuilt on %4 into %5, the release phase run once, "
                 "then each container of %5 recreated from the new image in turn and "
                 "health-checked; on failure the old containers, kept stopped until then, are "
                 "started again.")
                  .arg(ref, unitName(), context().environment().name,
                       spec.buildHost.isEmpty() ? spec.host : spec.buildHost, spec.image)
            : tr("Deploy %1 to the %2 of %3.\nBuilt on %4 into %5, the release phase run once, "
                 "then every service of %5 updated (%6, %7 at a time) and health-checked; on "
                 "failure the services go back to the image they ran.")
                  .arg(ref, unitName(), context().environment().name,
                       spec.buildHost.isEmpty() ? spec.host : spec.buildHost, spec.image,
                       spec.updateOrder)
                  .arg(spec.updateParallelism));
    m_actions.submit(r, [this, ref](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
        auto *runner =
            new SwarmDeployRunner(context().sshPool(), m_engine, context().environment());
        startRun(runner, tr("Deploying %1 to %2").arg(ref, context().environment().name),
                 std::move(finish));
        runner->deploy(ref, confirmed.comment);
    });
}

void ContainersPane::chooseRollback()
{
    const QString repository =
        SwarmDeployRunner::repositoryOf(context().environment().containers->image);
    onFinished(listBuiltImages(*m_engine, repository), this,
               [this](const Result<QList<BuiltImage>> &images) {
                   if (!images)
                       return setState(State::Error, images.errorString());
                   openRollbackDialog(*images);
               });
}

// Each image with the ref it was built from; the Django migrations listed for one are those
// applied since the next newer image was built (its release phase ran them), which a rollback
// leaves in place.
RollbackDialog *ContainersPane::openRollbackDialog(const QList<BuiltImage> &imagesNewestFirst)
{
    QList<RollbackChoice> choices;
    if (!isCompose()) // a compose container keeps no previous spec
        choices << RollbackChoice{
            QString(), tr("Each service's previous image (Swarm's own rollback)"),
            imagesNewestFirst.isEmpty() ? QDateTime() : imagesNewestFirst.first().created};
    for (qsizetype i = 0; i < imagesNewestFirst.size(); ++i) {
        const BuiltImage &image = imagesNewestFirst.at(i);
        const QDateTime since = i > 0 ? imagesNewestFirst.at(i - 1).created : QDateTime();
        for (const QString &tag : image.tags)
            choices << RollbackChoice{
                tag,
                QStringLiteral("%1 — %2%3, built %4")
                    .arg(tag, image.ref.isEmpty() ? tr("ref unknown") : image.ref,
                         image.revision.isEmpty()
                             ? QString()
                             : QStringLiteral(" (%1)").arg(image.revision.left(12)),
                         formatWhen(image.created)),
                since};
    }
    auto *dialog = new RollbackDialog(
        tr("Put the services of the %1 back on an earlier image, then health-check them:")
            .arg(QStringLiteral("<b>%1</b>").arg(unitName().toHtmlEscaped())),
        choices, context().monitoringSession(), this);
    dialog->setWindowTitle(tr("Roll back %1").arg(context().environment().name));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { requestRollback(dialog->release()); });
    dialog->open();
    return dialog;
}

void ContainersPane::requestRollback(const QString &image)
{
    const QString what = image.isEmpty() ? tr("each service's previous image") : image;
    ActionRequest r = request(ActionKind::Rollback, QStringLiteral("%1 (%2)").arg(m_stack, what),
                              tr("Put the services of the %1 of %2 back on %3, then "
                                 "health-check.\nThe database is not rolled back.")
                                  .arg(unitName(), context().environment().name, what));
    m_actions.submit(
        r, [this, image, what](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            auto *runner =
                new SwarmDeployRunner(context().sshPool(), m_engine, context().environment());
            startRun(runner, tr("Rolling %1 back to %2").arg(context().environment().name, what),
                     std::move(finish));
            runner->rollback(image, confirmed.comment);
        });
}

void ContainersPane::startRun(SwarmDeployRunner *runner, const QString &title,
                              ActionPipeline::Finish finish)
{
    m_bottom->show();
    m_bottom->setCurrentWidget(m_deployView);
    m_deployView->follow(runner, title, std::move(finish));
    // The buttons follow the run: disabled while it goes, back when it ends.
    connect(runner, &SwarmDeployRunner::phaseChanged, this, &ContainersPane::updateActions);
}

QString ContainersPane::selectedService() const
{
    QModelIndex index = m_tree->currentIndex().siblingAtColumn(NameColumn);
    while (index.parent().isValid())
        index = index.parent();
    if (index.isValid())
        return index.data().toString();
    return m_status.services.isEmpty() ? QString() : m_status.services.first().name;
}

void ContainersPane::followLogs()
{
    const QString name = selectedService();
    const SwarmService *service = m_status.service(name);
    if (!service)
        return;
    m_bottom->show();
    m_bottom->setCurrentWidget(m_logView);
    if (!isCompose())
        return m_logView->followService(service->id, service->name);
    // A compose service is its containers: the running one (the first if none runs).
    const auto running = std::find_if(service->tasks.cbegin(), service->tasks.cend(),
                                      [](const SwarmTask &t) { return t.state == u"running"; });
    const SwarmTask &task = running != service->tasks.cend() ? *running : service->tasks.first();
    m_logView->followContainer(task.containerId,
                               QStringLiteral("%1.%2").arg(service->name).arg(task.slot));
}

RunInTaskDialog *ContainersPane::chooseRun()
{
    const SwarmService *service = m_status.service(selectedService());
    if (!service)
        return nullptr;
    auto *dialog = new RunInTaskDialog(*service, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, name = service->name] {
        requestRun(name, dialog->command(), dialog->task(), dialog->taskLabel());
    });
    dialog->open();
    return dialog;
}

void ContainersPane::requestRun(const QString &service, const QString &command, const QString &task,
                                const QString &taskLabel)
{
    const QString environment = context().environment().name;
    ActionRequest r =
        request(ActionKind::RunCommand, service,
                task.isEmpty() ? (isCompose() ? tr("Run in a one-off container of %1 on %2:\n%3")
                                              : tr("Run in a one-off task of %1 on %2:\n%3"))
                                     .arg(service, environment, command)
                               : tr("Run in %1, already running (docker exec), on %2:\n%3")
                                     .arg(taskLabel, environment, command));
    m_actions.submit(r, [this, service, command, task](const ActionRequest &confirmed,
                                                       ActionPipeline::Finish finish) {
        auto *runner =
            new SwarmDeployRunner(context().sshPool(), m_engine, context().environment());
        startRun(runner, tr("Running `%1` in %2").arg(command, service), std::move(finish));
        if (task.isEmpty())
            runner->runCommand(service, command, confirmed.comment);
        else
            runner->execInTask(service, task, command, confirmed.comment);
    });
}

void ContainersPane::requestBreakLock()
{
    if (!m_lock.isHeld())
        return;
    ActionRequest r =
        request(ActionKind::BreakLock, m_stack,
                tr("Break the deploy lock of the %1 of %2, held by: %3")
                    .arg(unitName(), context().environment().name, m_lock.describe()));
    m_actions.submit(r, [this](const ActionRequest &, ActionPipeline::Finish finish) {
        onFinished(
            SwarmLock::breakHeld(*m_engine, m_stack, lockStore()), this,
            [this, finish](const Result<SwarmLock> &broken) {
                finish(broken ? ActionResult(broken->isHeld()
                                                 ? tr("broke the lock: %1").arg(broken->describe())
                                                 : tr("it was not locked any more"))
                              : ActionResult(Result<QString>::failure(broken.errorString())));
                refresh();
            });
    });
}

void ContainersPane::showEvent(QShowEvent *event)
{
    Pane::showEvent(event);
    if (!m_engine)
        return;
    m_engine->watchEvents(QJsonObject{
        {QStringLiteral("type"), QJsonArray{QStringLiteral("container"), QStringLiteral("service"),
                                            QStringLiteral("node")}}});
    m_safetyPoll->start();
    if (!hasLoaded())
        refresh();
}

void ContainersPane::hideEvent(QHideEvent *event)
{
    Pane::hideEvent(event);
    // Nobody looks: no stream, no polling (the next show reads again).
    if (m_engine)
        m_engine->stopEvents();
    m_logView->stop();
    m_safetyPoll->stop();
}

void ContainersPane::refresh()
{
    if (!m_engine)
        return;
    if (m_reading) { // one read at a time; the newest request is served next
        m_readAgain = true;
        return;
    }
    m_reading = true;
    const quint64 generation = ++m_generation;
    onFinished(SwarmLock::read(*m_engine, m_stack, lockStore()), this,
               [this](const Result<SwarmLock> &lock) {
                   if (!lock)
                       return; // the status read says what is wrong with the engine
                   m_lock = *lock;
                   updateHeader();
                   updateActions();
               });
    onFinished(readContainerStatus(*m_engine, *context().environment().containers), this,
               [this, generation](const Result<SwarmStatus> &status) {
                   m_reading = false;
                   if (generation == m_generation) {
                       if (status)
                           showStatus(*status);
                       else
                           setState(State::Error, status.errorString());
                   }
                   if (std::exchange(m_readAgain, false))
                       refresh();
               });
}

void ContainersPane::showStatus(const SwarmStatus &status)
{
    m_status = status;
    // Keep what the person opened: expanded services stay expanded.
    QSet<QString> expanded;
    for (int r = 0; r < m_model->rowCount(); ++r)
        if (m_tree->isExpanded(m_model->index(r, 0)))
            expanded << m_model->item(r)->text();
    // One repaint for the whole rebuild, not one per row (50 services of 4 tasks: 1,500 items).
    m_tree->setUpdatesEnabled(false);
    m_model->removeRows(0, m_model->rowCount());
    QStringList names;
    for (const SwarmService &s : status.services) {
        names << s.name;
        const QString state = s.updateState.isEmpty() ? tr("running") : s.updateState;
        QString detail = s.updateMessage;
        if (s.restartsLastHour > 0)
            detail = countOf(s.restartsLastHour, QStringLiteral("task"), QStringLiteral("tasks")) +
                     QStringLiteral(" failed in the last hour") +
                     (detail.isEmpty() ? QString() : QStringLiteral(" · ") + detail);
        QList<QStandardItem *> items =
            row({s.name, s.image, s.revision.left(12),
                 QStringLiteral("%1/%2").arg(s.running).arg(s.desired), state, detail});
        items[RevisionColumn]->setToolTip(s.revision);
        if (s.running < s.desired)
            items[ReplicasColumn]->setForeground(QColor(0xb0, 0x1e, 0x1e));
        for (const SwarmTask &t : s.tasks)
            items[NameColumn]->appendRow(taskRow(s, t));
        m_model->appendRow(items);
        if (expanded.contains(s.name) || s.running < s.desired || s.restartsLastHour > 0 ||
            status.services.size() <= 3)
            m_tree->expand(items[NameColumn]->index());
    }
    // Columns fit the first answer and a changed set of services; an event-driven re-read of
    // the same services measures only the State column, the one whose words change
    // ("rollback_completed", "failed 1 minute ago"): measuring every row is a read's costly part.
    if (names != m_sizedFor) {
        m_sizedFor = names;
        for (int c = 0; c < DetailColumn; ++c)
            m_tree->resizeColumnToContents(c);
    } else {
        m_tree->resizeColumnToContents(StateColumn);
    }
    m_tree->setUpdatesEnabled(true);
    updateHeader();
    if (status.services.isEmpty())
        setState(State::Empty,
                 isCompose()
                     ? tr("No containers of the compose project %1 on %2. Start it with docker "
                          "compose up -d, then refresh.")
                           .arg(m_stack, m_engine->hostName())
                     : tr("No services of stack %1 run on %2. Deploy it with docker stack "
                          "deploy, then refresh.")
                           .arg(m_stack, m_engine->hostName()));
    else
        setState(State::Ready);
    emit statusRead();
}

void ContainersPane::updateHeader()
{
    if (!m_engine)
        return;
    QStringList parts{isCompose()
                          ? tr("Compose project %1 on %2").arg(m_stack, m_engine->hostName())
                          : tr("Swarm stack %1, manager %2").arg(m_stack, m_engine->hostName())};
    if (!m_engine->engineVersion().isEmpty())
        parts << tr("Docker %1 (API %2)").arg(m_engine->engineVersion(), m_engine->apiVersion());
    if (!m_status.services.isEmpty())
        parts << (isCompose() ? tr("%1 of %2 containers running") : tr("%1 of %2 replicas running"))
                     .arg(m_status.running())
                     .arg(m_status.desired());
    if (m_lock.isHeld())
        parts << tr("LOCKED: %1").arg(m_lock.describe());
    parts << (m_followingEvents ? tr("live (Docker events)") : tr("not following events"));
    if (m_status.readAt.isValid())
        parts << tr("read %1").arg(QLocale().toString(m_status.readAt.toLocalTime().time()));
    m_header->setText(parts.join(QStringLiteral(" · ")));
}

} // namespace Opsdeck
