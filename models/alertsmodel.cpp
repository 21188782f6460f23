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

void AlertsModel::rebuild()
{
    m_shown.clear();
    m_distinguishing.clear();
    for (int i = 0; i < m_snapshot.rules.size(); ++i) {
        const AlertRule &rule = m_snapshot.rules.at(i);
        const bool quiet = rule.alerts.isEmpty() && rule.health != QLatin1String("err");
        if ((quiet && !m_showInactive && m_filter.isEmpty()) || !matchesFilter(rule))
            continue;
        m_shown << i;
    }
    std::stable_sort(m_shown.begin(), m_shown.end(), [this](int a, int b) {
        const AlertRule &x = m_snapshot.rules.at(a), &y = m_snapshot.rules.at(b);
        if (stateRank(x.state) != stateRank(y.state))
            return stateRank(x.state) < stateRank(y.state);
        return severityOf(x.labels) > severityOf(y.labels);
    });
    for (int i : std::as_const(m_shown))
        m_distinguishing << m_snapshot.rules.at(i).distinguishingLabels();
}

const AlertRule *AlertsModel::rule(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    const int shownRow =
        index.internalId() == kTopLevel ? index.row() : int(index.internalId()) - 1;
    return shownRow < m_shown.size() ? &m_snapshot.rules.at(m_shown.at(shownRow)) : nullptr;
}

const AlertInstance *AlertsModel::alert(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() == kTopLevel)
        return nullptr;
    const AlertRule *r = rule(index);
    return r && index.row() < r->alerts.size() ? &r->alerts.at(index.row()) : nullptr;
}

QModelIndex AlertsModel::indexForKey(const QString &key) const
{
    for (int row = 0; row < m_shown.size(); ++row) {
        const AlertRule &r = m_snapshot.rules.at(m_shown.at(row));
        if (alertKey(r, nullptr) == key)
            return index(row, 0);
        for (int a = 0; a < r.alerts.size(); ++a)
            if (alertKey(r, &r.alerts.at(a)) == key)
                return index(a, 0, index(row, 0));
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
        return int(m_shown.size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    const AlertRule *r = rule(parent);
    return r ? int(r->alerts.size()) : 0;
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

QVariant AlertsModel::alertData(const AlertRule &rule, const AlertInstance &alert, int column,
                                int role) const
{
    if (role == Qt::DecorationRole && column == Name)
        return healthIcon(healthOf(alert.state, alert.severity(), alert.isSilenced()));
    if (role == Qt::ToolTipRole && column == Name)
        return labelsText(alert.labels);
    if (role != Qt::DisplayRole)
        return {};
    const int shownRow = int(m_shown.indexOf(int(&rule - m_snapshot.rules.constData())));
    switch (column) {
    case Name:
        return alert.title(shownRow >= 0 ? m_distinguishing.at(shownRow) : QStringList());
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
