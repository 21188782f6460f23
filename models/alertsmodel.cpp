// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertsmodel.h"

#include "common/formatting.h"
#include "statuscolors.h"

#include <QDateTime>

#include <algorithm>

namespace Opsdeck {

namespace {

constexpr quintptr kTopLevel = 0;

int stateRank(const QString &state)
{
    if (state == QLatin1String("firing"))
        return 0;
    if (state == QLatin1String("pending"))
        return 1;
    return 2;
}

Health healthOf(const QString &state, AlertSeverity severity, bool silenced)
{
    if (state == QLatin1String("firing") && !silenced)
        return severity == AlertSeverity::Critical ? Health::Critical : Health::Warning;
    if (state == QLatin1String("firing") || state == QLatin1String("pending"))
        return Health::Checking;
    return Health::Good;
}

QString sinceText(qint64 activeAtMs)
{
    if (activeAtMs <= 0)
        return {};
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - activeAtMs) / 1000.0;
    return formatAge(std::max(0.0, seconds));
}

/** `host=web2, job=minitwit`: what the filter box is matched against, and the tooltip. */
QString labelsText(const LabelSet &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QStringLiteral(", "));
}

qint64 oldestActiveAt(const AlertRule &rule)
{
    qint64 oldest = 0;
    for (const AlertInstance &a : rule.alerts)
        if (a.activeAtMs > 0 && (oldest == 0 || a.activeAtMs < oldest))
            oldest = a.activeAtMs;
    return oldest;
}

QString notesOf(const AlertInstance &alert)
{
    QStringList notes;
    if (alert.isSilenced())
        notes << QStringLiteral("silenced");
    if (!alert.inhibitedBy.isEmpty())
        notes << QStringLiteral("inhibited");
    if (const QString summary = alert.annotations.value(QStringLiteral("summary"));
        !summary.isEmpty())
        notes << summary;
    return notes.join(QStringLiteral(" · "));
}

} // namespace

QString alertKey(const AlertRule &rule, const AlertInstance *alert)
{
    QString key = rule.group + QLatin1Char('/') + rule.name;
    if (alert)
        for (auto it = alert->labels.cbegin(); it != alert->labels.cend(); ++it)
            key += QLatin1Char('\x1f') + it.key() + QLatin1Char('=') + it.value();
    return key;
}

AlertsModel::AlertsModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

void AlertsModel::setSnapshot(const AlertsSnapshot &snapshot)
{
    beginResetModel();
    m_snapshot = snapshot;
    rebuild();
    endResetModel();
}

void AlertsModel::setShowInactive(bool show)
{
    if (show == m_showInactive)
        return;
    beginResetModel();
    m_showInactive = show;
    rebuild();
    endResetModel();
}

void AlertsModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    beginResetModel();
    m_filter = text;
    rebuild();
    endResetModel();
}

bool AlertsModel::matchesFilter(const AlertRule &rule) const
{
    if (m_filter.isEmpty())
        return true;
    auto has = [this](const QString &s) {
        return s.contains(m_filter, Qt::CaseInsensitive);
    };
    if (has(rule.name) || has(rule.group) || has(labelsText(rule.labels)))
        return true;
    return std::any_of(rule.alerts.cbegin(), rule.alerts.cend(),
                       [&](const AlertInstance &a) { return has(labelsText(a.labels)); });
}

void AlertsModel::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    beginResetModel();
    m_grouping = grouping;
    rebuild();
    endResetModel();
}

void AlertsModel::rebuild()
{
    m_rows.clear();
    m_distinguishing.clear();
    if (m_grouping == Grouping::ByAlertmanagerGroup)
        rebuildByGroup();
    else
        rebuildByRule();
    for (const Row &row : std::as_const(m_rows))
        for (const auto &[r, a] : row.alerts)
            if (!m_distinguishing.contains(r))
                m_distinguishing.insert(r, m_snapshot.rules.at(r).distinguishingLabels());
}

void AlertsModel::rebuildByRule()
{
    QList<int> shown;
    for (int i = 0; i < m_snapshot.rules.size(); ++i) {
        const AlertRule &rule = m_snapshot.rules.at(i);
        const bool quiet = rule.alerts.isEmpty() && rule.health != QLatin1String("err");
        if ((quiet && !m_showInactive && m_filter.isEmpty()) || !matchesFilter(rule))
            continue;
        shown << i;
    }
    std::stable_sort(shown.begin(), shown.end(), [this](int a, int b) {
        const AlertRule &x = m_snapshot.rules.at(a), &y = m_snapshot.rules.at(b);
        if (stateRank(x.state) != stateRank(y.state))
            return stateRank(x.state) < stateRank(y.state);
        return severityOf(x.labels) > severityOf(y.labels);
    });
    for (int i : std::as_const(shown)) {
        Row row;
        row.rule = i;
        for (int a = 0; a < m_snapshot.rules.at(i).alerts.size(); ++a)
            row.alerts << qMakePair(i, a);
        m_rows << row;
    }
}

void AlertsModel::rebuildByGroup()
{
    // Each of Alertmanager's alerts is one of Prometheus' (labels plus external ones): found
    // by name, then by labels. An alert of another environment was left out of the rules, so
    // it is left out of its group too.
    QMultiHash<QString, QPair<int, int>> byName;
    for (int r = 0; r < m_snapshot.rules.size(); ++r)
        for (int a = 0; a < m_snapshot.rules.at(r).alerts.size(); ++a)
            byName.insert(m_snapshot.rules.at(r).name, qMakePair(r, a));
    for (int g = 0; g < m_snapshot.groups.size(); ++g) {
        const AlertGroup &group = m_snapshot.groups.at(g);
        Row row;
        row.group = g;
        bool matches =
            m_filter.isEmpty() || labelsText(group.labels).contains(m_filter, Qt::CaseInsensitive);
        for (const ManagedAlert &managed : group.alerts) {
            const auto candidates =
                byName.values(managed.labels.value(QStringLiteral("alertname")));
            for (const auto &[r, a] : candidates) {
                if (!isSameAlert(managed, m_snapshot.rules.at(r).alerts.at(a)))
                    continue;
                if (!row.alerts.contains(qMakePair(r, a)))
                    row.alerts << qMakePair(r, a);
                matches = matches || matchesFilter(m_snapshot.rules.at(r));
                break;
            }
        }
        if (!row.alerts.isEmpty() && matches)
            m_rows << row;
    }
    auto worst = [this](const Row &row) {
        int rank = 2;
        AlertSeverity severity = AlertSeverity::None;
        for (const auto &[r, a] : row.alerts) {
            const AlertInstance &alert = m_snapshot.rules.at(r).alerts.at(a);
            rank = std::min(rank, stateRank(alert.state));
            severity = std::max(severity, alert.severity());
        }
        return qMakePair(rank, severity);
    };
    std::stable_sort(m_rows.begin(), m_rows.end(), [&worst](const Row &x, const Row &y) {
        const auto a = worst(x), b = worst(y);
        return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
}

const AlertsModel::Row *AlertsModel::rowOf(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    const int top = index.internalId() == kTopLevel ? index.row() : int(index.internalId()) - 1;
    return top < m_rows.size() ? &m_rows.at(top) : nullptr;
}

const AlertRule *AlertsModel::rule(const QModelIndex &index) const
{
    const Row *row = rowOf(index);
    if (!row)
        return nullptr;
    if (index.internalId() != kTopLevel)
        return index.row() < row->alerts.size()
                   ? &m_snapshot.rules.at(row->alerts.at(index.row()).first)
                   : nullptr;
    if (row->rule >= 0)
        return &m_snapshot.rules.at(row->rule);
    return row->alerts.isEmpty() ? nullptr : &m_snapshot.rules.at(row->alerts.first().first);
}

const AlertGroup *AlertsModel::group(const QModelIndex &index) const
{
    const Row *row = rowOf(index);
    return row && index.internalId() == kTopLevel && row->group >= 0
               ? &m_snapshot.groups.at(row->group)
               : nullptr;
}

const AlertInstance *AlertsModel::alert(const QModelIndex &index) const
{
    const Row *row = rowOf(index);
    if (!row || index.internalId() == kTopLevel || index.row() >= row->alerts.size())
        return nullptr;
    const auto [r, a] = row->alerts.at(index.row());
    return &m_snapshot.rules.at(r).alerts.at(a);
}

QModelIndex AlertsModel::indexForKey(const QString &key) const
{
    for (int top = 0; top < m_rows.size(); ++top) {
        const QModelIndex parent = index(top, 0);
        if (data(parent, KeyRole).toString() == key)
            return parent;
        for (int a = 0; a < m_rows.at(top).alerts.size(); ++a) {
            const QModelIndex child = index(a, 0, parent);
            if (data(child, KeyRole).toString() == key)
                return child;
        }
    }
    return {};
}

QModelIndex AlertsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kTopLevel);
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex AlertsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(int(child.internalId()) - 1, 0, kTopLevel);
}

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    const Row *row = rowOf(parent);
    return row ? int(row->alerts.size()) : 0;
}

int AlertsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant AlertsModel::data(const QModelIndex &index, int role) const
{
    const AlertRule *r = rule(index);
    if (!r)
        return {};
    if (const AlertGroup *g = group(index)) {
        if (role == KeyRole)
            return QString(QStringLiteral("group\x1f") + labelsText(g->labels) +
                           QLatin1Char('\x1f') + g->receiver);
        if (role == RuleNameRole)
            return r->name;
        return groupData(*rowOf(index), index.column(), role);
    }
    if (role == KeyRole)
        return alertKey(*r, alert(index));
    if (role == RuleNameRole)
        return r->name;
    if (const AlertInstance *a = alert(index))
        return alertData(*r, *a, index.column(), role);
    return ruleData(*r, index.column(), role);
}

QVariant AlertsModel::ruleData(const AlertRule &rule, int column, int role) const
{
    const bool broken = rule.health == QLatin1String("err");
    if (role == Qt::DecorationRole && column == Name) {
        const bool allSilenced =
            rule.firingCount() > 0 &&
            std::all_of(rule.alerts.cbegin(), rule.alerts.cend(),
                        [](const AlertInstance &a) { return !a.isFiring() || a.isSilenced(); });
        return healthIcon(broken ? Health::Warning
                                 : healthOf(rule.state, severityOf(rule.labels), allSilenced));
    }
    if (role == Qt::ToolTipRole && column == Name)
        return rule.query;
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Name:
        return rule.alerts.size() > 1
                   ? QStringLiteral("%1 (%2)").arg(rule.name).arg(rule.alerts.size())
                   : rule.name;
    case State:
        return rule.state;
    case Severity:
        return severityName(severityOf(rule.labels));
    case Since:
        return sinceText(oldestActiveAt(rule));
    case Notes:
        if (broken)
            return QString(QStringLiteral("rule error: ") + rule.lastError);
        // A rule's summary is usually a template ({{ $labels.host }}): its alerts have it filled.
        if (const QString summary = rule.annotations.value(QStringLiteral("summary"));
            !summary.contains(QLatin1String("{{")))
            return summary;
        return {};
    default:
        return {};
    }
}

QVariant AlertsModel::groupData(const Row &row, int column, int role) const
{
    const AlertGroup &group = m_snapshot.groups.at(row.group);
    int rank = 2, silenced = 0;
    AlertSeverity severity = AlertSeverity::None;
    qint64 oldest = 0;
    for (const auto &[r, a] : row.alerts) {
        const AlertInstance &alert = m_snapshot.rules.at(r).alerts.at(a);
        rank = std::min(rank, stateRank(alert.state));
        severity = std::max(severity, alert.severity());
        silenced += alert.isSilenced() ? 1 : 0;
        if (alert.activeAtMs > 0 && (oldest == 0 || alert.activeAtMs < oldest))
            oldest = alert.activeAtMs;
    }
    const QString state =
        rank == 0 ? QStringLiteral("firing") : (rank == 1 ? QStringLiteral("pending") : QString());
    if (role == Qt::DecorationRole && column == Name)
        return healthIcon(healthOf(state, severity, silenced == row.alerts.size()));
    if (role == Qt::ToolTipRole && column == Name)
        return QStringLiteral("Alertmanager notifies %1 about these together").arg(group.receiver);
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Name: {
        // "InstanceDown, env=production": the alert's name bare, as the rule rows show it.
        QStringList parts;
        if (const QString name = group.labels.value(QStringLiteral("alertname")); !name.isEmpty())
            parts << name;
        for (auto it = group.labels.cbegin(); it != group.labels.cend(); ++it)
            if (it.key() != QLatin1String("alertname"))
                parts << it.key() + QLatin1Char('=') + it.value();
        const QString labels =
            parts.isEmpty() ? QStringLiteral("(everything)") : parts.join(QStringLiteral(", "));
        return row.alerts.size() > 1 ? QStringLiteral("%1 (%2)").arg(labels).arg(row.alerts.size())
                                     : labels;
    }
    case State:
        return state;
    case Severity:
        return severityName(severity);
    case Since:
        return sinceText(oldest);
    case Notes: {
        QStringList notes{QStringLiteral("receiver ") + group.receiver};
        if (silenced > 0)
            notes << QStringLiteral("%1 silenced").arg(silenced);
        return notes.join(QStringLiteral(" · "));
    }
    default:
        return {};
    }
}

QVariant AlertsModel::alertData(const AlertRule &rule, const AlertInstance &alert, int column,
                                int role) const
{
    if (role == Qt::DecorationRole && column == Name)
        return healthIcon(healthOf(alert.state, alert.severity(), alert.isSilenced()));
    if (role == Qt::ToolTipRole && column == Name)
        return labelsText(alert.labels);
    if (role != Qt::DisplayRole)
        return {};
    const int ruleIndex = int(&rule - m_snapshot.rules.constData());
    switch (column) {
    case Name:
        return alert.title(m_distinguishing.value(ruleIndex)); // "InstanceDown web2"
    case State:
        return alert.state;
    case Severity:
        return severityName(alert.severity());
    case Since:
        return sinceText(alert.activeAtMs);
    case Value:
        return alert.value;
    case Notes:
        return notesOf(alert);
    default:
        return {};
    }
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[] = {"Alert",      "State", "Severity",
                                         "Active for", "Value", "Notes"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(titles[section])
                                                 : QVariant();
}

} // namespace Opsdeck
