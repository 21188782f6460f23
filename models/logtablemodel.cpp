// SPDX-License-Identifier: GPL-3.0-or-later
#include "logtablemodel.h"

#include "common/futures.h"
#include "logs/logspill.h"
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
    return m_filtered ? int(m_olderMatches.size() + qsizetype(m_visible.size()))
                      : int(m_entries.size());
}

int LogTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const LogEntry &LogTableModel::entryAt(int row) const
{
    if (!m_filtered)
        return m_entries[std::size_t(row)];
    if (row < m_olderMatches.size())
        return m_olderMatches.at(row);
    const auto held = std::size_t(row - m_olderMatches.size());
    return m_entries[std::size_t(m_visible[held] - m_firstSeq)];
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
            const int end = rowCount();
            beginInsertRows({}, end, end + int(shown.size()) - 1);
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
    if (m_spill)
        m_spill->append(QList<LogEntry>(m_entries.begin(), m_entries.begin() + excess));
    if (!m_filtered) {
        beginRemoveRows({}, 0, int(excess - 1));
        m_entries.erase(m_entries.begin(), m_entries.begin() + excess);
        m_firstSeq = newFirst;
        endRemoveRows();
        return;
    }
    // A match that leaves memory stays a row: it moves from the held matches to the older ones,
    // and the rows do not change.
    const auto firstKept = std::lower_bound(m_visible.begin(), m_visible.end(), newFirst);
    QList<LogEntry> leaving;
    for (auto it = m_visible.begin(); it != firstKept; ++it)
        leaving.append(m_entries[std::size_t(*it - m_firstSeq)]);
    m_visible.erase(m_visible.begin(), firstKept);
    m_entries.erase(m_entries.begin(), m_entries.begin() + excess);
    m_firstSeq = newFirst;
    m_olderMatches += leaving;
    keepOlderMatches({}, false);
}

/** Adds matches before the older ones (a spill search's) and keeps at most kMaxOlderMatches,
 * letting the oldest rows go. */
void LogTableModel::keepOlderMatches(const QList<LogEntry> &matches, bool before)
{
    if (before && !matches.isEmpty()) {
        beginInsertRows({}, 0, int(matches.size()) - 1);
        m_olderMatches = matches + m_olderMatches;
        endInsertRows();
    }
    const qsizetype excess = m_olderMatches.size() - kMaxOlderMatches;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, int(excess) - 1);
    m_olderMatches.remove(0, excess);
    m_olderNotShown += excess;
    endRemoveRows();
}

void LogTableModel::clear()
{
    beginResetModel();
    m_entries.clear();
    m_visible.clear();
    m_olderMatches.clear();
    m_olderNotShown = 0;
    m_spillScanned = 0;
    m_spillSearching = false;
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
        m_olderMatches.clear();
        m_olderNotShown = 0;
        m_searching = false;
        m_spillSearching = false;
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
    m_olderMatches.clear();
    m_olderNotShown = 0;
    const auto firstKept = std::lower_bound(matches.begin(), matches.end(), m_firstSeq);
    m_visible.assign(firstKept, matches.end());
    // What arrived while the pool searched.
    for (qint64 seq = qMax(endSeq, m_firstSeq); seq < m_firstSeq + qint64(m_entries.size()); ++seq)
        if (m_filter.matches(m_entries[std::size_t(seq - m_firstSeq)]))
            m_visible.push_back(seq);
    m_searching = false;
    endResetModel();
    if (m_spill && m_spill->count() > 0) {
        searchSpill(generation);
        return;
    }
    emit searchFinished();
}

// Everything older than what is held has been handed to the spill before this search is
// asked for, and the spill answers in order: the search sees exactly the lines that left.
// Matches leaving memory while it runs join the older rows as they go (dropOldest).
void LogTableModel::searchSpill(int generation)
{
    m_spillSearching = true;
    onFinished(
        m_spill->search(m_filter, kMaxOlderMatches), this,
        [this, generation](const SpillSearch &result) { applySpillResult(generation, result); });
}

void LogTableModel::applySpillResult(int generation, const SpillSearch &result)
{
    if (generation != m_generation)
        return;
    m_spillSearching = false;
    m_spillScanned = result.scanned;
    m_olderNotShown += result.matched - result.matches.size();
    keepOlderMatches(result.matches, true);
    emit searchFinished();
}

} // namespace Opsdeck
