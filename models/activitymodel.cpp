// SPDX-License-Identifier: GPL-3.0-or-later
#include "activitymodel.h"

#include "common/formatting.h"
#include "statuscolors.h"

#include <QHash>

namespace Opsdeck {

namespace {

QString key(const ActivityRow &r)
{
    return QString::number(r.pid) + QLatin1Char('@') + r.backendStartText;
}

} // namespace

ActivityModel::ActivityModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int ActivityModel::rowOfPid(int pid) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].pid == pid)
            return i;
    return -1;
}

void ActivityModel::update(const QList<ActivityRow> &incoming)
{
    QHash<QString, const ActivityRow *> fresh;
    QStringList order;
    for (const ActivityRow &r : incoming) {
        if (!m_showBackground && r.backendType != QLatin1String("client backend"))
            continue;
        fresh.insert(key(r), &r);
        order << key(r);
    }
    // 1. Rows that are gone, from the bottom so indexes stay valid.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (fresh.contains(key(m_rows[i])))
            continue;
        beginRemoveRows({}, i, i);
        m_rows.removeAt(i);
        endRemoveRows();
    }
    // 2. Rows that stayed: new values, one dataChanged for the whole block.
    QHash<QString, int> present;
    for (int i = 0; i < m_rows.size(); ++i) {
        present.insert(key(m_rows[i]), i);
        m_rows[i] = *fresh.value(key(m_rows[i]));
    }
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    // 3. New backends, appended in one batch.
    QList<ActivityRow> added;
    for (const QString &k : order)
        if (!present.contains(k))
            added << *fresh.value(k);
    if (!added.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size()) - 1);
        m_rows += added;
        endInsertRows();
    }
}

int ActivityModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ActivityModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActivityModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const ActivityRow &r = m_rows.at(index.row());
    if (role == BlockedRole)
        return !r.blockedBy.isEmpty();
    if (role == Qt::ForegroundRole) {
        if (!r.blockedBy.isEmpty())
            return healthColor(Health::Critical);
        if (r.state.startsWith(QLatin1String("idle in transaction")))
            return healthColor(Health::Warning);
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == Query)
        return r.query;
    if (role == SortRole) {
        switch (index.column()) {
        case Pid:
            return r.pid;
        case TransactionAge:
            return r.transactionSeconds;
        case QueryAge:
            return r.querySeconds;
        default:
            break;
        }
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    QStringList blockers;
    switch (index.column()) {
    case Pid:
        return r.pid;
    case User:
        return r.user;
    case Database:
        return r.environment.isEmpty() ? r.database
                                       : QStringLiteral("%1 (%2)").arg(r.database, r.environment);
    case Application:
        return r.application;
    case Client:
        return r.client;
    case State:
        return r.state;
    case Wait:
        return r.waitEvent;
    case BlockedBy:
        for (int pid : r.blockedBy)
            blockers << QString::number(pid);
        return blockers.join(QStringLiteral(", "));
    case TransactionAge:
        return formatAge(r.transactionSeconds);
    case QueryAge:
        return formatAge(r.querySeconds);
    case Query:
        return r.query.simplified().left(300);
    }
    return {};
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[] = {"PID",         "User",      "Database",    "Application",
                                         "Client",      "State",     "Waiting for", "Blocked by",
                                         "Transaction", "Query age", "Query"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(titles[section])
                                                 : QVariant();
}

} // namespace Opsdeck
