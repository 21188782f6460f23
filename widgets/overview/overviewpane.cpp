// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewpane.h"

#include "alerts/alertsclient.h"
#include "common/firstpaint.h"
#include "common/messagebanner.h"
#include "databasecard.h"
#include "hoststatusmodel.h"
#include "runtime/environmentcontext.h"
#include "runtime/environmentprobe.h"
#include "runtime/environmentpulse.h"
#include "statusboard.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
constexpr int kRefreshIntervalMs = 10000;
}

OverviewPane::OverviewPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_probe(new EnvironmentProbe(context, this))
    , m_pulse(new EnvironmentPulse(context, this))
    , m_board(new StatusBoard(this))
    , m_model(new HostStatusModel(this))
    , m_hostTable(new QTableView(this))
    , m_databaseCard(new DatabaseCard(this))
    , m_summary(new QLabel(this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("overviewPane"));
    const EnvironmentSpec &environment = context.environment();
    m_timer->setInterval(kRefreshIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &OverviewPane::poll);

    m_model->setProbe(m_probe);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(HostStatusModel::SortRole);
    m_hostTable->setModel(proxy);
    m_hostTable->setObjectName(QStringLiteral("hostTable"));
    m_hostTable->setSortingEnabled(true);
    m_hostTable->sortByColumn(-1, Qt::AscendingOrder); // workspace order until the user sorts
    m_hostTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_hostTable->setAlternatingRowColors(true);
    m_hostTable->verticalHeader()->hide();
    m_hostTable->horizontalHeader()->setStretchLastSection(true);
    m_hostTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_hostTable->horizontalHeader()->setSectionResizeMode(HostStatusModel::Details,
                                                          QHeaderView::Stretch);
    m_hostTable->setWordWrap(false);
    m_hostTable->setTextElideMode(Qt::ElideMiddle); // fingerprints: keep both ends visible
    m_hostTable->horizontalHeader()->setSectionResizeMode(HostStatusModel::HostKey,
                                                          QHeaderView::Interactive);
    m_hostTable->setColumnWidth(HostStatusModel::HostKey, 210);
    m_hostTable->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_hostTable->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);

    auto *hosts = new QGroupBox(QStringLiteral("Hosts"), this);
    auto *hostsLayout = new QVBoxLayout(hosts);
    hostsLayout->addWidget(m_hostTable);
    if (environment.hosts.isEmpty())
        hostsLayout->addWidget(
            new QLabel(QStringLiteral("This environment lists no hosts."), hosts));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(banner());
    layout->addWidget(makeHeader(environment));
    layout->addWidget(m_board);
    layout->addWidget(hosts);
    if (environment.database)
        layout->addWidget(m_databaseCard);
    else
        m_databaseCard->hide();
    layout->addStretch(1); // a handful of hosts should not leave a half-empty table

    connect(m_probe, &EnvironmentProbe::hostChanged, this, &OverviewPane::updateSummary);
    connect(m_probe, &EnvironmentProbe::databaseChanged, this, [this] {
        m_databaseCard->show(m_probe->database());
        updateSummary();
    });
    // Ready (and worth a screenshot) once the hosts, the database and the slow lines answered;
    // the page paints before that and fills in.
    auto readyWhenAnswered = [this] {
        if (m_probe->hasCompletedOnce() && m_pulse->isComplete())
            setState(State::Ready);
    };
    connect(m_probe, &EnvironmentProbe::refreshFinished, this, [this, readyWhenAnswered] {
        updateSummary();
        readyWhenAnswered();
    });
    connect(m_pulse, &EnvironmentPulse::changed, this, [this, readyWhenAnswered] {
        updateBoard();
        readyWhenAnswered();
    });
    if (AlertsClient *alerts = context.alerts())
        connect(alerts, &AlertsClient::changed, this, &OverviewPane::updateSummary);
    connect(m_board, &StatusBoard::openPane, this,
            [this](const QString &paneId) { emit openPaneRequested(paneId); });
    m_databaseCard->show(m_probe->database());
    updateSummary();
}

OverviewPane::~OverviewPane() = default;

QWidget *OverviewPane::makeHeader(const EnvironmentSpec &environment)
{
    auto *header = new QWidget(this);
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    auto *name =
        new QLabel(QStringLiteral("<span style='font-size:16pt; font-weight:600'>%1</span>")
                       .arg(environment.name.toHtmlEscaped()),
                   header);
    row->addWidget(name);
    if (environment.isProtected) {
        auto *badge = new QLabel(QStringLiteral("PROTECTED"), header);
        badge->setToolTip(
            QStringLiteral("Dangerous actions here need the environment's name typed to confirm"));
        badge->setStyleSheet(
            QStringLiteral("QLabel { background: #d03b3b; color: white; border-radius: 3px;"
                           " padding: 2px 6px; font-weight: 600; }"));
        row->addWidget(badge);
    }
    m_summary->setObjectName(QStringLiteral("overviewSummary"));
    row->addSpacing(12);
    row->addWidget(m_summary, 1);
    return header;
}

void OverviewPane::refresh()
{
    m_probe->refresh();
    m_pulse->refresh(true);
    if (AlertsClient *alerts = context().alerts())
        alerts->update();
}

void OverviewPane::poll()
{
    m_probe->refresh();
    m_pulse->refresh();
    if (AlertsClient *alerts = context().alerts())
        alerts->update();
}

void OverviewPane::updateBoard()
{
    const EnvironmentSpec &environment = context().environment();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<PulseLine> lines{hostsPulse(m_probe->hosts())};
    if (environment.database)
        lines << databasePulse(m_probe->database(), m_pulse->healthReport(),
                               m_pulse->checksError());
    const std::optional<EnvironmentDeployState> &deploy = m_pulse->deployState();
    if (environment.deploy)
        lines << (deploy ? deployPulse(*deploy, now)
                         : PulseLine{QStringLiteral("deploy"),
                                     QStringLiteral("Deployed"),
                                     PulseLine::Level::Checking,
                                     QStringLiteral("Asking the hosts what they run…"),
                                     {},
                                     QStringLiteral("deploy")});
    if (environment.containers)
        lines << (m_pulse->services() ? servicesPulse(*m_pulse->services())
                                      : PulseLine{QStringLiteral("services"),
                                                  QStringLiteral("Services"),
                                                  PulseLine::Level::Checking,
                                                  QStringLiteral("Asking Docker…"),
                                                  {},
                                                  QStringLiteral("deploy")});
    if (AlertsClient *alerts = context().alerts())
        lines << alertsPulse(alerts->latest() ? &*alerts->latest() : nullptr,
                             now.toMSecsSinceEpoch());
    if (context().workspace().environments.size() > 1)
        lines << driftPulse(environment.name, m_pulse->drift());
    lines << activityPulse(deploy ? deploy->history : QList<HistoryEntry>(), m_pulse->audited(),
                           now);
    m_board->setLines(lines);
}

void OverviewPane::updateSummary()
{
    int up = 0, down = 0;
    for (const HostStatus &h : m_probe->hosts()) {
        up += h.state == HostStatus::State::Up;
        down += h.state == HostStatus::State::Down;
    }
    QStringList parts;
    parts << QStringLiteral("%1 of %2 hosts up").arg(up).arg(m_probe->hosts().size());
    if (down)
        parts << QStringLiteral("%1 unreachable").arg(down);
    switch (m_probe->database().state) {
    case DatabaseStatus::State::Up:
        parts << QStringLiteral("database up");
        break;
    case DatabaseStatus::State::Down:
        parts << QStringLiteral("database unreachable");
        break;
    default:
        break;
    }
    if (const AlertsClient *alerts = context().alerts(); alerts && alerts->latest())
        if (const AlertsSnapshot &snapshot = *alerts->latest(); !snapshot.firing().isEmpty())
            parts << snapshot.summary();
    m_summary->setText(parts.join(QStringLiteral(" · ")));
    updateBoard();
}

void OverviewPane::showEvent(QShowEvent *event)
{
    Pane::showEvent(event);
    // Data goes stale while hidden; fetch at once rather than showing a 10-second-old table —
    // once the window has painted: at start-up the page's layout comes first, then the hosts.
    afterFirstPaint(this, [this] {
        if (!isVisible())
            return;
        poll();
        m_timer->start();
    });
}

void OverviewPane::hideEvent(QHideEvent *event)
{
    m_timer->stop();
    Pane::hideEvent(event);
}

void OverviewPane::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("overview/hostColumns.v2"),
                      m_hostTable->horizontalHeader()->saveState());
}

void OverviewPane::restoreState(QSettings &settings)
{
    m_hostTable->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("overview/hostColumns.v2")).toByteArray());
}

} // namespace Opsdeck
