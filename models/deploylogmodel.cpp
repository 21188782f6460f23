// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploylogmodel.h"

#include <QColor>
#include <QFont>

namespace Opsdeck {

DeployLogModel::DeployLogModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void DeployLogModel::setLog(DeployLog *log, int host)
{
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    beginResetModel();
    m_log = log;
    m_host = host;
    m_first = m_end = log ? log->first(host) : 0;
    endResetModel();
    if (log)
        connect(log, &DeployLog::linesAdded, this, &DeployLogModel::sync);
    sync();
}

void DeployLogModel::setHost(int host)
{
    if (host != m_host)
        setLog(m_log, host);
}

void DeployLogModel::setShowHost(bool show)
{
    if (show == m_showHost)
        return;
    m_showHost = show;
    if (rowCount() > 0)
        emit dataChanged(index(0), index(rowCount() - 1), {Qt::DisplayRole});
}

int DeployLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_end - m_first);
}

QVariant DeployLogModel::data(const QModelIndex &index, int role) const
{
    if (!m_log || !index.isValid())
        return {};
    const DeployLog::Line *line = m_log->line(m_first + index.row(), m_host);
    if (!line) // dropped from memory between the log's append and our next sync
        return {};
    const bool own = line->host == DeployLog::kAllHosts;
    switch (role) {
    case Qt::DisplayRole: {
        const QString text = QString::fromUtf8(line->text);
        if (m_showHost && m_host == DeployLog::kAllHosts && !own)
            return QString(m_log->hosts().value(line->host) + QStringLiteral(" | ") + text);
        return text;
    }
    case Qt::FontRole:
        if (own) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case HostRole:
        return own ? QString() : m_log->hosts().value(line->host);
    case OwnLineRole:
        return own;
    default:
        return {};
    }
}

void DeployLogModel::sync()
{
    if (!m_log)
        return;
    const qint64 first = m_log->first(m_host);
    const qint64 end = m_log->end(m_host);
    if (first > m_first && m_end > m_first) {
        const qint64 gone = qMin(first, m_end) - m_first;
        beginRemoveRows({}, 0, int(gone - 1));
        m_first += gone;
        endRemoveRows();
    }
    if (m_first < first) // nothing shown was kept: start from what the log holds
        m_first = m_end = first;
    if (end > m_end) {
        beginInsertRows({}, int(m_end - m_first), int(end - m_first - 1));
        m_end = end;
        endInsertRows();
    }
}

} // namespace Opsdeck
