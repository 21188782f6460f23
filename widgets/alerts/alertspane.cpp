// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertspane.h"

#include "alertdetails.h"
#include "alerts/alertactions.h"
#include "alerts/alertsclient.h"
#include "alertsmodel.h"
#include "common/dialogconfirmer.h"
#include "common/emptystate.h"
#include "common/formatting.h"
#include "common/messagebanner.h"
#include "rulespanel.h"
#include "runtime/environmentcontext.h"
#include "silencedialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

constexpr int kPollMs = 10'000;              // while the pane is shown
constexpr qint64 kHistoryMs = 24 * 3600'000; // the History tab's window
constexpr qint64 kHistoryStaleMs = 60'000;   // read again at most once a minute
constexpr int kSilenceIdRole = Qt::UserRole + 1;

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("MM-dd HH:mm 'UTC'"));
}

QString labelsLine(const LabelSet &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        if (it.key() != QLatin1String("alertname"))
            parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QStringLiteral(", "));
}

} // namespace

AlertsPane::AlertsPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_client(context.alerts())
    , m_model(new AlertsModel(this))
    , m_tabs(new QTabWidget(this))
    , m_tree(new QTreeView(this))
    , m_details(new QTextBrowser(this))
    , m_silences(new QTreeWidget(this))
    , m_history(new QTreeWidget(this))
    , m_rules(new RulesPanel(context.workspace(), this))
    , m_filter(new QLineEdit(this))
    , m_showQuiet(new QCheckBox(tr("Show quiet rules"), this))
    , m_grouping(new QComboBox(this))
    , m_showExpired(new QCheckBox(tr("Show expired"), this))
    , m_summary(new QLabel(this))
    , m_historyStatus(new QLabel(this))
    , m_silenceAction(new QAction(tr("Silence…"), this))
    , m_expireAction(new QAction(tr("Expire silence"), this))
    , m_runbookAction(new QAction(tr("Open runbook"), this))
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
{
    setObjectName(QStringLiteral("alertsPane"));
    m_tabs->setObjectName(QStringLiteral("alertsTabs"));
    m_tabs->addTab(buildAlertsTab(), tr("Alerts"));
    m_tabs->addTab(buildSilencesTab(), tr("Silences"));
    m_tabs->addTab(buildHistoryTab(), tr("History (24 h)"));
    m_tabs->addTab(m_rules, tr("Rules"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(banner());
    layout->addWidget(m_tabs, 1);

    m_silenceAction->setObjectName(QStringLiteral("silenceAction"));
    m_silenceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_silenceAction->setToolTip(tr("Silence the selected alert in Alertmanager (matchers, "
                                   "duration and comment are yours to change)"));
    connect(m_silenceAction, &QAction::triggered, this, &AlertsPane::chooseSilence);
    m_expireAction->setObjectName(QStringLiteral("expireSilenceAction"));
    m_expireAction->setToolTip(tr("End the selected silence now: its alerts notify again"));
    connect(m_expireAction, &QAction::triggered, this, &AlertsPane::expireSelected);
    m_runbookAction->setToolTip(tr("Open the alert's runbook_url in the browser"));
    connect(m_runbookAction, &QAction::triggered, this, &AlertsPane::openRunbook);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentIndex() == 2)
            readHistory();
        if (m_tabs->currentWidget() == m_rules && !m_rules->hasChecked())
            m_rules->reload(); // promtool runs only when someone looks
        updateActions();
    });

    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] { m_client->update(); });
    if (!m_client) {
        setState(State::Empty,
                 tr("%1 has no prometheus: block. Alerts are Prometheus' alerting rules: add "
                    "prometheus: (and alertmanager: for silences) to the workspace.")
                     .arg(context.name()));
    } else {
        connect(m_client, &AlertsClient::changed, this, &AlertsPane::showSnapshot);
        if (m_client->latest())
            showSnapshot();
    }
    updateActions();
    setPaneActions({m_silenceAction, m_expireAction, m_runbookAction});
}

QWidget *AlertsPane::buildAlertsTab()
{
    auto *tab = new QWidget(this);
    m_filter->setObjectName(QStringLiteral("alertsFilter"));
    m_filter->setPlaceholderText(tr("Filter by name or label (host=web2)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_model->setFilterText(text.trimmed());
        m_tree->expandAll();
    });
    m_showQuiet->setToolTip(tr("Also list the rules that are neither firing nor pending"));
    connect(m_showQuiet, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setShowInactive(on);
        m_tree->expandAll();
    });
    m_grouping->setObjectName(QStringLiteral("alertsGrouping"));
    m_grouping->addItem(tr("By rule"));
    m_grouping->addItem(tr("By Alertmanager group"));
    m_grouping->setToolTip(tr("By Alertmanager group: the alerts it notifies about together "
                              "(its route's group_by), each with its receiver"));
    m_grouping->setEnabled(m_client && m_client->hasAlertmanager());
    connect(m_grouping, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_model->setGrouping(index == 1 ? AlertsModel::Grouping::ByAlertmanagerGroup
                                        : AlertsModel::Grouping::ByRule);
        m_showQuiet->setEnabled(index == 0); // a group holds active alerts only
        m_tree->expandAll();
    });
    m_summary->setObjectName(QStringLiteral("alertsSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_filter, 2);
    controls->addWidget(m_grouping);
    controls->addWidget(m_showQuiet);
    controls->addSpacing(12);
    controls->addWidget(m_summary, 3);

    m_tree->setObjectName(QStringLiteral("alertsTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(AlertsModel::Name, 220);
    for (int column :
         {AlertsModel::State, AlertsModel::Severity, AlertsModel::Since, AlertsModel::Value})
        m_tree->header()->resizeSection(column, 72);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &AlertsPane::showDetails);
    connect(m_tree, &QTreeView::doubleClicked, this, &AlertsPane::chooseSilence);
    EmptyState::attach(m_tree, [this] {
        if (!m_client || !m_client->latest())
            return tr("Asking Prometheus…");
        if (!m_filter->text().trimmed().isEmpty())
            return tr("No rule matches “%1”.").arg(m_filter->text().trimmed());
        if (m_model->snapshot().rules.isEmpty())
            return tr("Prometheus has no alerting rules.");
        return tr("Nothing firing or pending. %1 rules are quiet.")
            .arg(m_model->snapshot().rules.size());
    });
    m_details->setObjectName(QStringLiteral("alertDetails"));
    m_details->setOpenLinks(false); // only http(s) runbooks, opened by us
    connect(m_details, &QTextBrowser::anchorClicked, this, [](const QUrl &url) {
        if (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"))
            QDesktopServices::openUrl(url);
    });
    auto *split = new QSplitter(Qt::Horizontal, tab);
    split->addWidget(m_tree);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(split, 1);
    return tab;
}

QWidget *AlertsPane::buildSilencesTab()
{
    auto *tab = new QWidget(this);
    m_silences->setObjectName(QStringLiteral("silencesList"));
    m_silences->setHeaderLabels(
        {tr("State"), tr("Matchers"), tr("Ends"), tr("Created by"), tr("Comment"), tr("ID")});
    m_silences->setRootIsDecorated(false);
    m_silences->setAlternatingRowColors(true);
    m_silences->header()->resizeSection(1, 320);
    m_silences->header()->resizeSection(2, 200);
    connect(m_silences, &QTreeWidget::currentItemChanged, this, &AlertsPane::updateActions);
    connect(m_showExpired, &QCheckBox::toggled, this, &AlertsPane::fillSilences);
    EmptyState::attach(m_silences, [this] {
        if (m_client && !m_client->hasAlertmanager())
            return tr("No alertmanager: block for %1: silences live in Alertmanager.")
                .arg(context().name());
        return tr("No silences.");
    });
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_showExpired);
    layout->addWidget(m_silences, 1);
    return tab;
}

QWidget *AlertsPane::buildHistoryTab()
{
    auto *tab = new QWidget(this);
    m_history->setObjectName(QStringLiteral("alertHistory"));
    m_history->setHeaderLabels(
        {tr("Alert"), tr("Started"), tr("Ended"), tr("Lasted"), tr("Labels")});
    m_history->setRootIsDecorated(false);
    m_history->setAlternatingRowColors(true);
    m_history->setSortingEnabled(true);
    m_history->header()->resizeSection(0, 240);
    m_historyStatus->setTextFormat(Qt::PlainText);
    EmptyState::attach(m_history, [this] {
        return m_historyRead.isInFlight() ? tr("Reading ALERTS from Prometheus…")
                                          : tr("Nothing fired in the last 24 hours.");
    });
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_historyStatus);
    layout->addWidget(m_history, 1);
    return tab;
}

void AlertsPane::refresh()
{
    if (!m_client)
        return;
    m_client->update();
    if (m_tabs->currentIndex() == 2) {
        m_historyReadAtMs = 0;
        readHistory();
    }
}

bool AlertsPane::isSettled() const
{
    return hasLoaded() && (!m_client || !m_client->isUpdating()) && !m_historyRead.isInFlight() &&
           m_actionsInFlight == 0;
}

void AlertsPane::showEvent(QShowEvent *event)
{
    Pane::showEvent(event);
    if (!m_client)
        return;
    m_client->update(); // what the window's slower watch read may be 30 s old
    m_poll.start();
}

void AlertsPane::hideEvent(QHideEvent *event)
{
    m_poll.stop();
    Pane::hideEvent(event);
}

void AlertsPane::openItem(const QString &item)
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->tabText(i).section(QLatin1Char(' '), 0, 0).compare(item, Qt::CaseInsensitive) ==
            0)
            m_tabs->setCurrentIndex(i);
}

void AlertsPane::showSnapshot()
{
    const AlertsSnapshot &snapshot = *m_client->latest();
    const QString selected = m_tree->currentIndex().data(AlertsModel::KeyRole).toString();
    m_model->setSnapshot(snapshot);
    if (snapshot.prometheusError.isEmpty())
        m_rules->setServerRules(snapshot.rules);
    m_tree->expandAll();
    // Alert and group names are as long as the rules make them; the columns follow them (Qt
    // measures at most resizeContentsPrecision() rows, so 2,000 rules cost no more than 1,000).
    for (int column = AlertsModel::Name; column < m_model->columnCount() - 1; ++column)
        m_tree->resizeColumnToContents(column);
    // The selection survives a refresh; with none, the worst alert is shown (first row's first).
    QModelIndex show = m_model->indexForKey(selected);
    if (!show.isValid() && m_model->rowCount() > 0) {
        const QModelIndex first = m_model->index(0, 0);
        show = m_model->rowCount(first) > 0 ? m_model->index(0, 0, first) : first;
    }
    if (show.isValid())
        m_tree->setCurrentIndex(show);
    else
        m_details->clear();
    m_summary->setText(snapshot.summary());
    fillSilences();
    if (!snapshot.prometheusError.isEmpty()) {
        setState(State::Error, tr("Prometheus: %1").arg(snapshot.prometheusError));
    } else {
        setState(State::Ready);
        if (!snapshot.alertmanagerError.isEmpty())
            banner()->showMessage(MessageBanner::Level::Warning,
                                  tr("Alertmanager: %1. Silences cannot be shown or made.")
                                      .arg(snapshot.alertmanagerError));
    }
    updateActions();
}

void AlertsPane::fillSilences()
{
    if (!m_client || !m_client->latest())
        return;
    const QString selected = m_silences->currentItem()
                                 ? m_silences->currentItem()->data(0, kSilenceIdRole).toString()
                                 : QString();
    m_silences->clear();
    int active = 0;
    for (const Silence &s : m_client->latest()->silences) {
        active += s.isActive();
        if (s.state == QLatin1String("expired") && !m_showExpired->isChecked())
            continue;
        auto *item = new QTreeWidgetItem(m_silences, {s.state, s.matchersText(),
                                                      AlertActions::untilText(s.endsAtMs),
                                                      s.createdBy, s.comment, s.id});
        item->setData(0, kSilenceIdRole, s.id);
        item->setToolTip(4, s.comment);
        if (s.id == selected)
            m_silences->setCurrentItem(item);
    }
    m_tabs->setTabText(1, active ? tr("Silences (%1)").arg(active) : tr("Silences"));
}

void AlertsPane::readHistory()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_client || m_historyRead.isInFlight() || now - m_historyReadAtMs < kHistoryStaleMs)
        return;
    m_historyStatus->setText(tr("Reading what fired since %1…").arg(timeText(now - kHistoryMs)));
    m_historyRead.start(m_client->history(now - kHistoryMs, now),
                        [this, now](const Result<QList<AlertInterval>> &intervals) {
                            m_historyReadAtMs = now;
                            if (!intervals) {
                                m_historyStatus->setText(
                                    tr("Prometheus: %1").arg(intervals.errorString()));
                                return;
                            }
                            fillHistory(*intervals);
                        });
}

void AlertsPane::fillHistory(const QList<AlertInterval> &intervals)
{
    m_history->setSortingEnabled(false);
    m_history->clear();
    qint64 firingMs = 0;
    for (const AlertInterval &interval : intervals) {
        const qint64 lasted = interval.toMs - interval.fromMs;
        firingMs += lasted;
        auto *item = new QTreeWidgetItem(
            m_history,
            {interval.title(), timeText(interval.fromMs),
             interval.ongoing ? tr("still firing") : timeText(interval.toMs),
             formatDuration(std::max<qint64>(lasted / 1000, 1)), labelsLine(interval.labels)});
        item->setData(1, Qt::UserRole, interval.fromMs);
    }
    m_history->setSortingEnabled(true);
    m_history->sortByColumn(1, Qt::DescendingOrder);
    for (int column = 0; column < m_history->columnCount() - 1; ++column)
        m_history->resizeColumnToContents(column);
    m_historyStatus->setText(tr("%1 stretches of firing alerts in the last 24 hours, from "
                                "Prometheus' ALERTS series.")
                                 .arg(intervals.size()));
}

void AlertsPane::showDetails()
{
    const QModelIndex current = m_tree->currentIndex();
    const AlertRule *rule = m_model->rule(current);
    if (const AlertGroup *group = m_model->group(current)) {
        QList<const AlertInstance *> alerts;
        for (int row = 0; row < m_model->rowCount(current); ++row)
            alerts << m_model->alert(m_model->index(row, 0, current));
        m_details->setHtml(alertGroupDetailsHtml(*group, alerts));
    } else if (!rule) {
        m_details->clear();
    } else {
        m_details->setHtml(
            alertDetailsHtml(*rule, m_model->alert(current), m_model->snapshot().silences));
    }
    updateActions();
}

void AlertsPane::chooseSilence()
{
    const QModelIndex current = m_tree->currentIndex();
    const AlertRule *rule = m_model->rule(current);
    if (!rule || !m_client || !m_client->hasAlertmanager())
        return;
    QList<SilenceMatcher> matchers = silenceMatchersFor(*rule, m_model->alert(current));
    if (const AlertGroup *group = m_model->group(current); group && !group->labels.isEmpty()) {
        matchers.clear(); // Alertmanager's "Silence" on a group: its group_by labels
        for (auto it = group->labels.cbegin(); it != group->labels.cend(); ++it)
            matchers << SilenceMatcher{it.key(), it.value(), false, true};
    }
    auto *dialog = new SilenceDialog(context().name(), matchers, m_model->snapshot(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (const Result<Silence> silence = dialog->silence(); silence)
            submitSilence(*silence);
    });
    dialog->open();
}

void AlertsPane::submitSilence(const Silence &silence)
{
    if (!m_client)
        return;
    ++m_actionsInFlight;
    const ActionRequest request =
        AlertActions::silenceRequest(context().workspace().name, context().environment(), silence);
    m_actions.submit(
        request,
        AlertActions::createSilence(m_client, silence, this,
                                    [this](const QString &id) { emit silenceChanged(id); }),
        [this](const ActionOutcome &outcome) {
            --m_actionsInFlight;
            if (outcome.status == ActionOutcome::Status::Failed ||
                outcome.status == ActionOutcome::Status::Refused)
                banner()->showMessage(MessageBanner::Level::Error,
                                      tr("Not silenced: %1").arg(outcome.message));
            else if (outcome.ok())
                emit statusMessage(tr("Silenced in %1's Alertmanager").arg(context().name()));
            m_client->update();
        });
}

const Silence *AlertsPane::selectedSilence() const
{
    const QTreeWidgetItem *item = m_silences->currentItem();
    if (!item || !m_client || !m_client->latest())
        return nullptr;
    const QString id = item->data(0, kSilenceIdRole).toString();
    for (const Silence &s : m_client->latest()->silences)
        if (s.id == id)
            return &s;
    return nullptr;
}

void AlertsPane::expireSelected()
{
    const Silence *silence = selectedSilence();
    if (!silence || silence->state == QLatin1String("expired"))
        return;
    ++m_actionsInFlight;
    const QString id = silence->id;
    m_actions.submit(
        AlertActions::expireRequest(context().workspace().name, context().environment(), *silence),
        AlertActions::expireSilence(m_client, id, this), [this, id](const ActionOutcome &outcome) {
            --m_actionsInFlight;
            if (outcome.status == ActionOutcome::Status::Failed ||
                outcome.status == ActionOutcome::Status::Refused)
                banner()->showMessage(MessageBanner::Level::Error,
                                      tr("Silence not expired: %1").arg(outcome.message));
            if (outcome.ok())
                emit silenceChanged(id);
            m_client->update();
        });
}

void AlertsPane::openRunbook()
{
    const QModelIndex current = m_tree->currentIndex();
    if (const AlertRule *rule = m_model->rule(current))
        if (const QUrl url = runbookUrl(*rule, m_model->alert(current)); url.isValid())
            QDesktopServices::openUrl(url);
}

void AlertsPane::updateActions()
{
    const bool canSilence = m_client && m_client->hasAlertmanager();
    const QModelIndex current = m_tree->currentIndex();
    const AlertRule *rule = m_model->rule(current);
    m_silenceAction->setEnabled(canSilence && rule);
    if (!canSilence)
        m_silenceAction->setToolTip(tr("Needs an alertmanager: block for this environment"));
    const Silence *silence = selectedSilence();
    m_expireAction->setEnabled(canSilence && silence && silence->state != QLatin1String("expired"));
    m_runbookAction->setEnabled(rule && runbookUrl(*rule, m_model->alert(current)).isValid());
}

void AlertsPane::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("alerts/treeColumns"), m_tree->header()->saveState());
    settings.setValue(QStringLiteral("alerts/showQuiet"), m_showQuiet->isChecked());
    settings.setValue(QStringLiteral("alerts/grouping"), m_grouping->currentIndex());
}

void AlertsPane::restoreState(QSettings &settings)
{
    m_tree->header()->restoreState(
        settings.value(QStringLiteral("alerts/treeColumns")).toByteArray());
    m_showQuiet->setChecked(settings.value(QStringLiteral("alerts/showQuiet")).toBool());
    if (m_grouping->isEnabled())
        m_grouping->setCurrentIndex(settings.value(QStringLiteral("alerts/grouping")).toInt() == 1);
}

} // namespace Opsdeck
