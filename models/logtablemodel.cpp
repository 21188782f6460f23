// SPDX-License-Identifier: GPL-3.0-or-later
#include "logtablemodel.h"

#include "common/futures.h"
#include "statuscolors.h"

#include <QDateTime>
#include <QTimer>
#include <QtConcurrent>

namespace Opsdeck {

namespace {

QColor levelColor(LogLevel level)
{
    switch (level) {
    case LogLevel::Critical:
    case LogLevel::Error:
        return healthColor(Health::Critical);
    case LogLevel::Warning:
        return healthColor(Health::Warning);
    case LogLevel::Debug:
        return healthColor(Health::Unknown);
    default:
        return {};
    }
}

} // namespace

LogTableModel::LogTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int LogTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_filtered ? int(m_visible.size()) : int(m_entries.size());
}

int LogTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const LogEntry &LogTableModel::entryAt(int row) const
{
    return m_filtered ? m_entries[std::size_t(m_visible[std::size_t(row)] - m_firstSeq)]
                      : m_entries[std::size_t(row)];
}

QVariant LogTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const LogEntry &e = entryAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(
                QStringLiteral("MM-dd HH:mm:ss.zzz"));
        case HostColumn:
            return e.host;
        case SourceColumn:
            return e.source;
        case LevelColumn:
            return logLevelName(e.level);
        case MessageColumn:
            return e.isGap ? QString(QStringLiteral("── ") + e.message) : e.message;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return QString(
                QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs) +
                (e.timeGuessed ? tr("\nThis line has no time of its own: the line before it's.")
                               : QString()));
        if (index.column() == MessageColumn && e.message.size() > 120)
            return e.message.left(4000);
        break;
    case Qt::ForegroundRole:
        if (index.column() == LevelColumn || index.column() == MessageColumn) {
            const QColor color = levelColor(e.level);
            if (color.isValid())
                return color;
        }
        break;
    case Qt::BackgroundRole:
        if (e.isGap)
            return QColor(255, 236, 179);
        break;
    case Qt::TextAlignmentRole:
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    }
    return {};
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case HostColumn:
        return tr("Host");
    case SourceColumn:
        return tr("Source");
    case LevelColumn:
        return tr("Level");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

void LogTableModel::append(const QList<LogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    const qint64 firstNewSeq = m_firstSeq + qint64(m_entries.size());
    if (!m_filtered) {
        beginInsertRows({}, int(m_entries.size()), int(m_entries.size() + entries.size() - 1));
        m_entries.insert(m_entries.end(), entries.begin(), entries.end());
        endInsertRows();
    } else {
        m_entries.insert(m_entries.end(), entries.begin(), entries.end());
        std::vector<qint64> shown;
        for (qsizetype i = 0; i < entries.size(); ++i)
            if (m_filter.matches(entries.at(i)))
                shown.push_back(firstNewSeq + i);
        if (!shown.empty()) {
            beginInsertRows({}, int(m_visible.size()), int(m_visible.size() + shown.size() - 1));
            m_visible.insert(m_visible.end(), shown.begin(), shown.end());
            endInsertRows();
        }
    }
    dropOldest();
}

void LogTableModel::dropOldest()
{
    const qint64 excess = qint64(m_entries.size()) - m_capacity;
    if (excess <= 0)
        return;
    const qint64 newFirst = m_firstSeq + excess;
    if (!m_filtered) {
        beginRemoveRows({}, 0, int(excess - 1));
    } else {
        const auto firstKept = std::lower_bound(m_visible.begin(), m_visible.end(), newFirst);
        const int hidden = int(firstKept - m_visible.begin());
        if (hidden > 0)
            beginRemoveRows({}, 0, hidden - 1);
        m_visible.erase(m_visible.begin(), firstKept);
        m_entries.erase(m_entries.begin(), m_entries.begin() + excess);
        m_firstSeq = newFirst;
        if (hidden > 0)
            endRemoveRows();
        return;
    }
    m_entries.erase(m_entries.begin(), m_entries.begin() + excess);
    m_firstSeq = newFirst;
    endRemoveRows();
}

void LogTableModel::clear()
{
    beginResetModel();
    m_entries.clear();
    m_visible.clear();
    m_snapshot.clear();
    m_firstSeq = 0;
    ++m_generation; // a search still running answers for entries that are gone
    m_searching = false;
    endResetModel();
}

void LogTableModel::setFilter(const LogFilter &filter)
{
    m_filter = filter;
    const int generation = ++m_generation;
    if (filter.isEmpty()) {
        beginResetModel();
        m_filtered = false;
        m_visible.clear();
        m_searching = false;
        endResetModel();
        emit searchFinished();
        return;
    }
    // The pool gets its own copy (shared strings), taken a slice per event-loop turn so that
    // copying a million entries never holds the window; it answers with sequence numbers.
    m_searching = true;
    m_snapshot.clear();
    m_snapshot.reserve(m_entries.size());
    m_snapshotNext = m_firstSeq;
    m_snapshotEnd = m_firstSeq + qint64(m_entries.size());
    copySnapshotSlice(generation);
}

void LogTableModel::copySnapshotSlice(int generation)
{
    if (generation != m_generation)
        return;
    m_snapshotNext = qMax(m_snapshotNext, m_firstSeq); // what was dropped meanwhile is not searched
    const qint64 sliceEnd = qMin(m_snapshotEnd, m_snapshotNext + kSnapshotSlice);
    for (qint64 seq = m_snapshotNext; seq < sliceEnd; ++seq)
        m_snapshot.emplace_back(seq, m_entries[std::size_t(seq - m_firstSeq)]);
    m_snapshotNext = sliceEnd;
    if (m_snapshotNext < m_snapshotEnd) {
        QTimer::singleShot(0, this, [this, generation] { copySnapshotSlice(generation); });
        return;
    }
    const qint64 endSeq = m_snapshotEnd;
    QFuture<std::vector<qint64>> search =
        QtConcurrent::run([snapshot = std::exchange(m_snapshot, {}), filter = m_filter] {
            std::vector<qint64> matches;
            for (const auto &[seq, entry] : snapshot)
                if (filter.matches(entry))
                    matches.push_back(seq);
            return matches;
        });
    onFinished(search, this, [this, generation, endSeq](const std::vector<qint64> &matches) {
        applySearchResult(generation, endSeq, matches);
    });
}

void LogTableModel::applySearchResult(int generation, qint64 endSeq,
                                      const std::vector<qint64> &matches)
{
    if (generation != m_generation)
        return; // a newer search (or a clear) came after this one
    beginResetModel();
    m_filtered = true;
    const auto firstKept = std::lower_bound(matches.begin(), matches.end(), m_firstSeq);
    m_visible.assign(firstKept, matches.end());
    // What arrived while the pool searched.
    for (qint64 seq = qMax(endSeq, m_firstSeq); seq < m_firstSeq + qint64(m_entries.size()); ++seq)
        if (m_filter.matches(m_entries[std::size_t(seq - m_firstSeq)]))
            m_visible.push_back(seq);
    m_searching = false;
    endResetModel();
    emit searchFinished();
}

} // namespace Opsdeck
