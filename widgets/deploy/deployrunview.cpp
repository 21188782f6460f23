// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployrunview.h"

#include "deploy/deploylog.h"
#include "deploy/healthgate.h"
#include "deploylogmodel.h"
#include "statuscolors.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabBar>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

enum HostColumn { HostName, HostStateColumn, HostDetail };

Health healthOf(DeployRunner::HostState state)
{
    switch (state) {
    case DeployRunner::HostState::Waiting:
        return Health::Unknown;
    case DeployRunner::HostState::Working:
    case DeployRunner::HostState::Built:
    case DeployRunner::HostState::Switched:
        return Health::Checking;
    case DeployRunner::HostState::Healthy:
    case DeployRunner::HostState::Done:
        return Health::Good;
    case DeployRunner::HostState::Reverted:
        return Health::Warning;
    case DeployRunner::HostState::Failed:
        return Health::Critical;
    }
    return Health::Unknown;
}

/** "health check: 18 s left of 30 s · attempt 3: HTTP 503 Service Unavailable" */
QString gateCountdown(const HealthGate &gate)
{
    const qint64 leftMs = qMax<qint64>(0, gate.budgetMs() - gate.elapsedMs());
    QString text = QStringLiteral("health check: %1 s left of %2 s")
                       .arg((leftMs + 999) / 1000)
                       .arg((gate.budgetMs() + 999) / 1000);
    if (gate.attempts() > 0 && !gate.lastAnswer().isEmpty())
        text += QStringLiteral(" · attempt %1: %2").arg(gate.attempts()).arg(gate.lastAnswer());
    return text;
}

} // namespace

DeployRunView::DeployRunView(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_state(new QLabel(this))
    , m_steps(new QLabel(this))
    , m_tick(new QTimer(this))
    , m_progress(new QProgressBar(this))
    , m_hosts(new QTreeWidget(this))
    , m_tabs(new QTabBar(this))
    , m_logView(new QListView(this))
    , m_model(new DeployLogModel(this))
    , m_cancel(new QPushButton(QStringLiteral("Cancel"), this))
    , m_openLog(new QPushButton(QStringLiteral("Open full log"), this))
    , m_follow(new QPushButton(QStringLiteral("Follow output"), this))
{
    setObjectName(QStringLiteral("deployRunView"));
    m_title->setObjectName(QStringLiteral("runTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setText(QStringLiteral("No deploy has run in this window yet."));
    m_state->setObjectName(QStringLiteral("runState"));
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::PlainText); // hosts' words, never markup
    m_steps->setObjectName(QStringLiteral("runSteps"));
    m_steps->setWordWrap(true);
    m_steps->setTextFormat(Qt::PlainText);
    m_steps->setForegroundRole(QPalette::PlaceholderText);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &DeployRunView::tick);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);

    m_hosts->setObjectName(QStringLiteral("runHosts"));
    m_hosts->setHeaderLabels(
        {QStringLiteral("Host"), QStringLiteral("State"), QStringLiteral("Detail")});
    m_hosts->setRootIsDecorated(false);
    m_hosts->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_hosts->header()->setStretchLastSection(true);

    m_tabs->setObjectName(QStringLiteral("runHostTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setExpanding(false);
    connect(m_tabs, &QTabBar::currentChanged, this, &DeployRunView::onTab);

    m_logView->setObjectName(QStringLiteral("runLog"));
    m_logView->setModel(m_model);
    m_logView->setUniformItemSizes(true); // what keeps a million rows cheap
    m_logView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_logView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_logView->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    // Follow the end like `tail -f`, until the user scrolls up to read.
    QScrollBar *bar = m_logView->verticalScrollBar();
    connect(m_model, &QAbstractItemModel::rowsAboutToBeInserted, this,
            [this, bar] { m_atBottom = bar->value() >= bar->maximum() - 2; });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_atBottom)
            m_logView->scrollToBottom();
    });
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_follow->setEnabled(value < bar->maximum() - 2); });
    connect(m_follow, &QPushButton::clicked, m_logView, &QListView::scrollToBottom);
    m_follow->setEnabled(false);

    m_cancel->setObjectName(QStringLiteral("runCancel"));
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_runner && m_runner->isRunning()) {
            m_runner->cancel();
            m_cancel->setEnabled(false);
            m_cancel->setText(QStringLiteral("Cancelling…"));
        }
    });
    m_openLog->setEnabled(false);
    connect(m_openLog, &QPushButton::clicked, this, [this] {
        if (m_log)
            emit openLogRequested(m_log->filePath());
    });

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_cancel);
    auto *logBox = new QWidget(this);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    auto *tabRow = new QHBoxLayout;
    tabRow->addWidget(m_tabs, 1);
    tabRow->addWidget(m_follow);
    tabRow->addWidget(m_openLog);
    logLayout->addLayout(tabRow);
    logLayout->addWidget(m_logView, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_hosts);
    split->addWidget(logBox);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_progress);
    layout->addWidget(m_state);
    layout->addWidget(m_steps);
    layout->addWidget(split, 1);
}

DeployRunView::~DeployRunView() = default;

void DeployRunView::attach(DeployRunner *runner, DeployLog *log, const QString &title)
{
    if (m_runner)
        disconnect(m_runner, nullptr, this, nullptr);
    m_runner = runner;
    m_log = log;
    m_title->setText(title);
    m_state->setText(QStringLiteral("Starting…"));
    m_phaseLabel.clear();
    m_steps->clear();
    m_tick->start();
    m_state->setPalette(QPalette());
    m_progress->setValue(0);
    m_progress->setPalette(QPalette());
    m_cancel->setText(QStringLiteral("Cancel"));
    m_cancel->setEnabled(true);
    m_openLog->setEnabled(log && !log->filePath().isEmpty());

    m_hosts->clear();
    const QSignalBlocker blocker(m_tabs);
    while (m_tabs->count() > 0)
        m_tabs->removeTab(0);
    m_tabs->addTab(QStringLiteral("All hosts"));
    m_model->setLog(log, DeployLog::kAllHosts);
    m_atBottom = true;

    connect(runner, &DeployRunner::phaseChanged, this, &DeployRunView::onPhase);
    connect(runner, &DeployRunner::hostChanged, this, &DeployRunView::onHost);
    connect(runner, &DeployRunner::finished, this, &DeployRunView::onFinished);
    for (const QString &host : runner->hosts()) // already running: catch up
        onHost(host);
}

QString DeployRunView::stateText() const
{
    return m_state->text();
}

QString DeployRunView::stepsText() const
{
    return m_steps->text();
}

void DeployRunView::tick()
{
    if (!m_runner || !m_runner->isRunning())
        return;
    m_steps->setText(m_runner->stepsText());
    QStringList waiting;
    for (int row = 0; row < m_hosts->topLevelItemCount(); ++row) {
        QTreeWidgetItem *item = m_hosts->topLevelItem(row);
        const HealthGate *gate = m_runner->healthGate(item->text(HostName));
        if (!gate)
            continue;
        item->setText(HostDetail, gateCountdown(*gate));
        waiting << item->text(HostName);
    }
    if (waiting.isEmpty()) {
        m_state->setText(m_phaseLabel);
        return;
    }
    const HealthGate *first = m_runner->healthGate(waiting.first());
    const qint64 leftMs = qMax<qint64>(0, first->budgetMs() - first->elapsedMs());
    m_state->setText(QStringLiteral("%1 — waiting for %2 to pass the health check (%3 s left)")
                         .arg(m_phaseLabel, waiting.join(QStringLiteral(", ")))
                         .arg((leftMs + 999) / 1000));
}

void DeployRunView::onPhase(DeployRunner::Phase phase, const QString &label)
{
    if (m_runner && m_hosts->topLevelItemCount() == 0) // the job has just begun: hosts in order
        for (const QString &host : m_runner->hosts())
            onHost(host);
    if (!label.isEmpty())
        m_phaseLabel = label;
    m_state->setText(m_phaseLabel);
    if (m_runner)
        m_steps->setText(m_runner->stepsText());
    // Winding up after a failure is not progress: the bar stays at the step that failed.
    const bool windingUp =
        phase == DeployRunner::Phase::Finish || phase == DeployRunner::Phase::Done;
    if (!windingUp || (m_runner && m_runner->outcome() == DeployRunner::Outcome::Succeeded))
        m_progress->setValue(progressFor(phase));
}

void DeployRunView::onHost(const QString &host)
{
    if (!m_runner)
        return;
    // Hosts become known when the job starts (after attach); each gets a row and a tab.
    const QList<QTreeWidgetItem *> items = m_hosts->findItems(host, Qt::MatchExactly, HostName);
    QTreeWidgetItem *item = items.isEmpty() ? new QTreeWidgetItem(m_hosts, {host}) : items.first();
    if (items.isEmpty()) {
        if (m_log)
            m_log->addHosts({host});
        m_tabs->addTab(host);
    }
    const DeployRunner::HostState state = m_runner->hostState(host);
    item->setIcon(HostStateColumn, healthIcon(healthOf(state)));
    item->setText(HostStateColumn, DeployRunner::hostStateName(state));
    item->setText(HostDetail, m_runner->hostDetail(host));
}

void DeployRunView::onFinished(DeployRunner::Outcome outcome, const QString &summary)
{
    m_cancel->setEnabled(false);
    m_cancel->setText(QStringLiteral("Cancel"));
    m_tick->stop();
    if (m_runner && !m_runner->steps().steps().isEmpty()) {
        const DeploySteps::Step &last = m_runner->steps().steps().last();
        m_steps->setText(QStringLiteral("%1 · total %2")
                             .arg(m_runner->stepsText(),
                                  DeploySteps::formatDuration(qMax<qint64>(0, last.endedMs))));
    }
    // Only a success fills the bar; anything else stops it where it stopped, in red.
    const bool succeeded = outcome == DeployRunner::Outcome::Succeeded;
    if (succeeded)
        m_progress->setValue(100);
    QPalette bar = m_progress->palette();
    bar.setColor(QPalette::Highlight, healthColor(succeeded ? Health::Good : Health::Critical));
    m_progress->setPalette(bar);
    m_state->setText(DeployRunner::outcomeName(outcome) + QStringLiteral(": ") + summary);
    QPalette palette = m_state->palette();
    palette.setColor(
        QPalette::WindowText,
        healthColor(outcome == DeployRunner::Outcome::Succeeded ? Health::Good : Health::Critical));
    m_state->setPalette(palette);
}

void DeployRunView::onTab(int index)
{
    // Tab 0 is the combined view, tab N one host (the log knows every host from the start).
    m_model->setHost(index <= 0 || !m_log ? DeployLog::kAllHosts
                                          : int(m_log->hosts().indexOf(m_tabs->tabText(index))));
    m_atBottom = true;
    m_logView->scrollToBottom();
}

int DeployRunView::progressFor(DeployRunner::Phase phase) const
{
    switch (phase) {
    case DeployRunner::Phase::Idle:
        return 0;
    case DeployRunner::Phase::Preflight:
        return 5;
    case DeployRunner::Phase::Lock:
        return 10;
    case DeployRunner::Phase::Build:
        return 15;
    case DeployRunner::Phase::Release:
        return 45;
    case DeployRunner::Phase::Rollout: {
        const int batches = m_runner ? int(m_runner->batches().size()) : 1;
        const int batch = m_runner ? qMax(0, m_runner->currentBatch()) : 0;
        return 55 + 35 * batch / qMax(1, batches);
    }
    case DeployRunner::Phase::Prune:
        return 92;
    case DeployRunner::Phase::Finish:
        return 96;
    case DeployRunner::Phase::Done:
        return 100;
    }
    return 0;
}

} // namespace Opsdeck
