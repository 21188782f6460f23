// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbhealthpane.h"

#include "backupspanel.h"

#include "actions/databaseowner.h"
#include "activitymodel.h"
#include "activitypanel.h"
#include "audit/auditlog.h"
#include "checkresultsmodel.h"
#include "checkspanel.h"
#include "common/dialogconfirmer.h"
#include "common/formatting.h"
#include "common/futures.h"
#include "common/messagebanner.h"
#include "dbhealth/queryplan.h"
#include "dbhealth/replicawatch.h"
#include "logs/logparse.h"
#include "logs/logquery.h"
#include "overviewslotspanels.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"
#include "runtime/hostprobe.h"

#include <QClipboard>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
constexpr int kActivityIntervalMs = 2000; // pg_activity's default
constexpr int kChecksIntervalMs = 60000;
constexpr int kOverviewIntervalMs = 10000;

/** The Logs pane's "session=PID@ISO-TIME" for a backend (its start as the server wrote it,
 * "2026-12-07 01:02:03.456789+00"). */
QString sessionLogItem(const ActivityRow &row)
{
    const QByteArray start = row.backendStartText.toLatin1();
    const std::optional<qint64> startMs = LogTime::parseIso(start.constData(), start.size());
    const qint64 since = startMs.value_or(QDateTime::currentMSecsSinceEpoch() - 3'600'000);
    return QStringLiteral("session=%1@%2")
        .arg(QString::number(row.pid),
             QDateTime::fromMSecsSinceEpoch(since, Qt::UTC).toString(Qt::ISODateWithMs));
}
} // namespace

DbHealthPane::DbHealthPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_workspace(context.workspace())
    , m_environmentSpec(context.environment())
    , m_environment(context.name())
    , m_spec(m_environmentSpec.database)
    , m_monitor(context.monitoringSession())
    , m_runner(builtinChecks(), m_spec ? m_spec->thresholds : QVariantMap())
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
    , m_checksRequest(this)
    , m_activityRequest(this)
    , m_overviewRequest(this)
    , m_status(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_overview(new DbOverviewPanel(this))
    , m_checks(new ChecksPanel(this))
    , m_activity(new ActivityPanel(this))
    , m_locks(new QTreeWidget(this))
    , m_slots(new SlotsPanel(this))
    , m_replication(new ReplicationPanel(this))
    , m_replicas(new ReplicaWatch(context, m_runner, this))
    , m_backups(new BackupsPanel(context, m_actions, this))
{
    setObjectName(QStringLiteral("dbHealthPane"));
    m_status->setObjectName(QStringLiteral("dbStatus"));
    m_status->setWordWrap(true);
    m_locks->setObjectName(QStringLiteral("lockTree"));
    m_locks->setHeaderLabels({QStringLiteral("PID"), QStringLiteral("Waiting"),
                              QStringLiteral("User / application"), QStringLiteral("State"),
                              QStringLiteral("Query")});
    m_locks->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_locks->header()->setStretchLastSection(true);
    m_tabs->addTab(m_overview, QStringLiteral("Overview"));
    m_tabs->addTab(m_replication, QStringLiteral("Replication"));
    m_tabs->addTab(m_checks, QStringLiteral("Checks"));
    m_tabs->addTab(m_activity, QStringLiteral("Activity"));
    m_tabs->addTab(m_locks, QStringLiteral("Locks"));
    m_tabs->addTab(m_slots, QStringLiteral("Slots"));
    m_tabs->addTab(m_backups, QStringLiteral("Backups"));
    m_tabs->setCurrentWidget(m_checks);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(banner());
    layout->addWidget(m_status);
    layout->addWidget(m_tabs, 1);

    m_overviewTimer.setInterval(kOverviewIntervalMs);
    connect(&m_overviewTimer, &QTimer::timeout, this, &DbHealthPane::refreshOverview);
    connect(m_slots, &SlotsPanel::dropRequested, this, &DbHealthPane::requestDropSlot);
    m_activityTimer.setInterval(kActivityIntervalMs);
    m_checksTimer.setInterval(kChecksIntervalMs);
    connect(&m_activityTimer, &QTimer::timeout, this, &DbHealthPane::refreshActivity);
    connect(&m_checksTimer, &QTimer::timeout, this, [this] { refreshChecks(false); });
    connect(m_activity, &ActivityPanel::signalRequested, this, &DbHealthPane::requestSignal);
    connect(m_activity, &ActivityPanel::explainRequested, this, &DbHealthPane::explain);
    m_activity->setLogSource(postgresLogSource(context.environment()));
    connect(m_activity, &ActivityPanel::logRequested, this, [this](const ActivityRow &row) {
        emit openPaneRequested(QStringLiteral("logs"), sessionLogItem(row));
    });
    connect(m_checks, &ChecksPanel::planRequested, this, [this](const QString &statement) {
        emit openPaneRequested(QStringLiteral("database"), statement);
    });
    connect(m_activity, &ActivityPanel::showIdleChanged, this, &DbHealthPane::refreshActivity);
    connect(m_backups, &BackupsPanel::finished, this, [this](bool ok, const QString &message) {
        emit actionFinished(ok, message);
        refreshChecks(false); // backup freshness
    });
    connect(m_activity, &ActivityPanel::wholeClusterChanged, this, &DbHealthPane::refreshActivity);
    connect(m_replicas, &ReplicaWatch::samplesChanged, this, &DbHealthPane::showReplication);
    if (m_workspace.backups.isConfigured()) {
        connect(m_backups, &BackupsPanel::backupsChanged, this,
                [this](const QList<BackupManifest> &backups) {
                    m_freshness = backupFreshnessCheck(
                        backups, m_environment, m_workspace.backups.maxAgeHours,
                        m_environmentSpec.isProtected, QDateTime::currentDateTimeUtc());
                    showChecks();
                });
        connect(m_backups, &BackupsPanel::backupsUnreadable, this,
                [this](const QString &location, const QString &error) {
                    m_freshness = backupsUnreadable(m_environment, location, error);
                    showChecks();
                });
    }
    connect(m_replicas, &ReplicaWatch::checksChanged, this, &DbHealthPane::showChecks);

    if (!m_monitor) {
        m_tabs->setEnabled(false);
        setState(State::Empty, tr("Environment %1 has no database in the workspace: add "
                                  "environments.%1.database.conninfo to watch one.")
                                   .arg(m_environment));
        return;
    }
    if (const Result<PgTarget> target = PgConnection::target(m_spec->conninfo))
        m_ownDatabase = target->database;
    connect(m_monitor, &DatabaseSession::stateChanged, this, &DbHealthPane::onStateChanged);
    connect(m_monitor, &DatabaseSession::connected, this, &DbHealthPane::refresh);
    onStateChanged();
}

DbHealthPane::~DbHealthPane() = default;

void DbHealthPane::refresh()
{
    refreshChecks();
    refreshActivity();
    refreshOverview();
}

void DbHealthPane::openItem(const QString &item)
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->tabText(i).section(QLatin1Char(' '), 0, 0).compare(item, Qt::CaseInsensitive) ==
            0)
            m_tabs->setCurrentIndex(i);
}

void DbHealthPane::showEvent(QShowEvent *event)
{
    Pane::showEvent(event);
    if (!m_monitor)
        return;
    m_monitor->open();
    m_replicas->open();
    // The session is the environment's: another pane may have connected it already, and then
    // no `connected` signal comes to start the first round of checks.
    if (hasLoaded())
        refreshActivity();
    else
        refresh();
    m_activityTimer.start();
    m_checksTimer.start();
    m_overviewTimer.start();
}

void DbHealthPane::hideEvent(QHideEvent *event)
{
    // Nothing polls while nobody looks (pgAdmin's dashboard idles at 40-70 % CPU).
    m_activityTimer.stop();
    m_checksTimer.stop();
    m_overviewTimer.stop();
    Pane::hideEvent(event);
}

void DbHealthPane::onStateChanged()
{
    const QString where =
        m_spec->tunnel.isEmpty() ? QString() : QStringLiteral(" through %1").arg(m_spec->tunnel);
    switch (m_monitor->state()) {
    case DatabaseSession::State::Connected:
        m_status->setText(
            QStringLiteral("Connected%1 — read-only monitoring session, PostgreSQL %2.%3")
                .arg(where)
                .arg(m_monitor->connection()->serverVersion() / 10000)
                .arg(m_monitor->connection()->serverVersion() % 10000));
        if (state() == State::Error)
            setState(State::Ready);
        break;
    case DatabaseSession::State::Connecting:
        m_status->setText(QStringLiteral("Connecting%1…").arg(where));
        break;
    case DatabaseSession::State::Waiting:
        m_status->setText(tr("Not connected%1").arg(where));
        setState(State::Error, tr("Not connected: %1 — retrying in %2 s")
                                   .arg(m_monitor->lastError())
                                   .arg(m_monitor->retryInSeconds()));
        break;
    case DatabaseSession::State::Disconnected:
        m_status->setText(QStringLiteral("Not connected"));
        break;
    }
}

void DbHealthPane::refreshChecks(bool includeOnDemand)
{
    m_replicas->refreshChecks(includeOnDemand); // each on its own session, connected or not
    PgConnection *pg = m_monitor ? m_monitor->connection() : nullptr;
    if (!pg || m_checksRequest.isInFlight())
        return;
    HealthRunner runner = m_runner;
    runner.setIncludeOnDemand(includeOnDemand);
    // Backup freshness comes from the manifests, wherever the backups are kept: the Backups
    // tab reads them again and its answer becomes the check (backupsChanged below).
    if (m_workspace.backups.isConfigured())
        m_backups->reload();
    m_checksRequest.start(runner.run(*pg), [this](const HealthReport &report) {
        // Keep the last result of checks this refresh left out, in their place.
        HealthReport merged = report;
        if (!m_primaryReport.checks.isEmpty()) {
            merged.checks.clear();
            for (const CheckResult &old : std::as_const(m_primaryReport.checks)) {
                const CheckResult *fresh = report.check(old.name);
                merged.checks << (fresh ? *fresh : old);
            }
        }
        m_primaryReport = merged;
        showChecks();
        setState(State::Ready);
    });
}

void DbHealthPane::showChecks()
{
    HealthReport report = m_primaryReport;
    if (m_primaryReport.checks.isEmpty())
        return; // the server's checks first: a lone freshness row reads as "all is well"
    if (m_freshness)
        report.checks << *m_freshness;
    report.checks << m_replicas->checks();
    m_checks->setReport(report);
    const int problems = report.count(Verdict::Critical) + report.count(Verdict::Warning);
    m_tabs->setTabText(m_tabs->indexOf(m_checks), problems
                                                      ? QStringLiteral("Checks (%1)").arg(problems)
                                                      : QStringLiteral("Checks"));
}

void DbHealthPane::refreshActivity()
{
    PgConnection *pg = m_monitor ? m_monitor->connection() : nullptr;
    if (!pg || m_activityRequest.isInFlight())
        return;
    // Rows are parsed where the result arrives (the connection's thread); the UI thread only
    // applies them to the model.
    auto parsed =
        pg->query(activitySql(m_activity->showIdle())).then([](const Result<PgResultSet> &r) {
            return r ? Result<QList<ActivityRow>>(activityRows(*r))
                     : Result<QList<ActivityRow>>(r.error());
        });
    m_activityRequest.start(parsed, [this](const Result<QList<ActivityRow>> &r) {
        if (!r) {
            if (m_monitor->connection() &&
                m_monitor->connection()->state() != PgConnection::State::Connected)
                m_monitor->reportLost(r.errorString());
            return;
        }
        showActivity(*r);
    });
}

void DbHealthPane::showActivity(const QList<ActivityRow> &allRows)
{
    // The environment's own database by default: another environment's sessions on a shared
    // server are shown only when asked for, each named with the environment that owns it.
    QList<ActivityRow> rows;
    for (ActivityRow row : allRows) {
        if (m_activity->wholeCluster())
            row.environment =
                databaseOwner(m_workspace, m_environmentSpec, row.database).environment;
        else if (row.database != m_ownDatabase)
            continue;
        rows << row;
    }
    m_activity->setRows(rows);
    rebuildLockTree(rows);
}

void DbHealthPane::rebuildLockTree(const QList<ActivityRow> &rows)
{
    m_locks->clear();
    QList<QTreeWidgetItem *> parents; // parents[d] is the last item at depth d
    for (const LockTreeNode &node : Opsdeck::lockTree(rows)) {
        parents.resize(node.depth);
        auto *item =
            node.depth ? new QTreeWidgetItem(parents.last()) : new QTreeWidgetItem(m_locks);
        parents << item;
        item->setText(0, QString::number(node.pid));
        if (const ActivityRow *r = node.row) {
            item->setText(1,
                          node.depth ? formatAge(r->querySeconds) : QStringLiteral("root blocker"));
            item->setText(2, r->user + QStringLiteral(" / ") + r->application);
            item->setText(3, r->state);
            item->setText(4, r->query.simplified().left(200));
        }
    }
    m_locks->expandAll();
    const int waiting = waitingCount(rows);
    m_tabs->setTabText(m_tabs->indexOf(m_locks),
                       waiting ? QStringLiteral("Locks (%1 waiting)").arg(waiting)
                               : QStringLiteral("Locks"));
}

ActionRequest DbHealthPane::requestFor(ActionKind kind, const QString &database) const
{
    // Protection and the audit row follow the database acted on, not this pane's environment:
    // the staging pane may show a production backend (whole-cluster view, shared servers).
    const DatabaseOwner owner = databaseOwner(m_workspace, m_environmentSpec, database);
    ActionRequest request;
    request.kind = kind;
    request.workspace = m_workspace.name;
    request.environment = owner.environment;
    request.isProtected = owner.isProtected;
    return request;
}

void DbHealthPane::requestSignal(const ActivityRow &row, BackendSignal signal)
{
    const bool terminate = signal == BackendSignal::Terminate;
    ActionRequest request = requestFor(
        terminate ? ActionKind::TerminateBackend : ActionKind::CancelQuery, row.database);
    request.target = QStringLiteral("pid %1 (%2, %3, %4, started %5)")
                         .arg(row.pid)
                         .arg(row.user, row.application, row.database, row.backendStartText);
    request.before = row.state + QStringLiteral(": ") + row.query.simplified().left(200);
    request.description =
        QStringLiteral("%1 backend %2 (%3, %4) on database %5 of %6?\n\n%7")
            .arg(terminate ? QStringLiteral("Terminate")
                           : QStringLiteral("Cancel the running query of"))
            .arg(row.pid)
            .arg(row.user, row.application, row.database, request.environment,
                 terminate
                     ? QStringLiteral("The session is closed and its open transaction rolled back.")
                     : QStringLiteral(
                           "The query stops with an error; the session stays connected."));
    request.changes = backendActionChanges(row);
    m_actions.submit(
        request,
        [this, row, signal](const ActionRequest &, ActionPipeline::Finish finish) {
            withActionSession(
                [this, row, signal, finish] {
                    onFinished(signalBackend(*context().actionSession()->connection(), row.pid,
                                             row.backendStartText, signal),
                               this, [finish](const Result<QString> &r) { finish(r); });
                },
                finish);
        },
        [this, pid = row.pid](const ActionOutcome &outcome) {
            if (outcome.started())
                emit statusMessage(QStringLiteral("pid %1: %2").arg(pid).arg(outcome.message));
            emit actionFinished(outcome.ok(), outcome.message);
            refreshActivity();
        });
}

void DbHealthPane::withActionSession(std::function<void()> act, ActionPipeline::Finish failed)
{
    context().actionSession()->whenReady(this,
                                         [act, failed](PgConnection *pg, const QString &error) {
                                             if (pg)
                                                 act();
                                             else
                                                 failed(Result<QString>::failure(error));
                                         });
}

void DbHealthPane::requestDropSlot(const SlotRow &slot)
{
    ActionRequest request = requestFor(ActionKind::DropSlot, slot.database);
    request.target = QStringLiteral("slot ") + slot.name;
    request.before = QStringLiteral("inactive, retains %1").arg(formatBytes(slot.retainedBytes));
    request.description =
        QStringLiteral(
            "Drop the %1 replication slot \"%2\"%3 (%4)?\n\nIt retains %5 of WAL. Whatever "
            "consumed it (a replica, a CDC pipeline) cannot resume from it afterwards and must "
            "be rebuilt.")
            .arg(slot.type, slot.name,
                 slot.database.isEmpty() ? QString() : QStringLiteral(" of ") + slot.database,
                 request.environment, formatBytes(slot.retainedBytes));
    m_actions.submit(
        request,
        [this, slot](const ActionRequest &, ActionPipeline::Finish finish) {
            withActionSession(
                [this, slot, finish] {
                    onFinished(
                        dropInactiveSlot(*context().actionSession()->connection(), slot.name), this,
                        [finish](const Result<QString> &r) { finish(r); });
                },
                finish);
        },
        [this](const ActionOutcome &outcome) {
            emit actionFinished(outcome.ok(), outcome.message);
            refreshOverview();
        });
}

void DbHealthPane::refreshOverview()
{
    m_replicas->refreshOverview();
    PgConnection *pg = m_monitor ? m_monitor->connection() : nullptr;
    if (!pg || m_overviewRequest.isInFlight())
        return;
    m_overviewRequest.start(pg->pipeline({{overviewSql(), {}}, {slotsSql(), {}}}),
                            [this](const PgBatchResult &results) {
                                if (results.size() == 2 && results[0].ok()) {
                                    const OverviewSample sample = overviewSample(*results[0]);
                                    m_overview->setItems(overviewItems(sample, m_lastSample));
                                    m_lastSample = sample;
                                    showReplication();
                                }
                                if (results.size() == 2 && results[1].ok())
                                    m_slots->setSlotRows(slotRows(*results[1]));
                            });
}

void DbHealthPane::showReplication()
{
    const ServerSample primary{
        QStringLiteral("primary"), m_lastSample,
        m_monitor->state() == DatabaseSession::State::Waiting ? m_monitor->lastError() : QString()};
    const QList<ServerRow> rows = serverRows(primary, m_replicas->samples());
    m_replication->setServerRows(rows);
    const auto problems = std::count_if(rows.cbegin(), rows.cend(), [](const ServerRow &r) {
        return r.verdict == Verdict::Warning || r.verdict == Verdict::Critical;
    });
    m_tabs->setTabText(m_tabs->indexOf(m_replication),
                       problems ? QStringLiteral("Replication (%1)").arg(problems)
                                : QStringLiteral("Replication"));
}

void DbHealthPane::explain(const ActivityRow &row)
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QStringLiteral("pid %1 — query and plan").arg(row.pid));
    dialog->resize(800, 500);
    auto *text = new QPlainTextEdit(dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const QString heading = row.query + tr("\n\n-- EXPLAIN (plan only, the query is not run):\n");
    text->setPlainText(heading + QStringLiteral("…"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole), &QPushButton::clicked,
            text, [text] { QGuiApplication::clipboard()->setText(text->toPlainText()); });
    auto *visual =
        buttons->addButton(tr("Visual plan in the Database pane"), QDialogButtonBox::ActionRole);
    visual->setObjectName(QStringLiteral("visualPlan"));
    connect(visual, &QPushButton::clicked, this, [this, dialog, query = row.query] {
        dialog->accept();
        emit openPaneRequested(QStringLiteral("database"), query);
    });
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->open();
    PgConnection *pg = m_monitor ? m_monitor->connection() : nullptr;
    if (!pg)
        return text->setPlainText(heading + tr("-- not connected"));
    onFinished(
        QueryPlan::explain(*pg, row.query), text, [text, heading](const Result<QString> &plan) {
            text->setPlainText(heading + (plan ? *plan : tr("-- no plan: ") + plan.errorString()));
        });
}

} // namespace Opsdeck
