// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/logentry.h"
#include "logs/logfilter.h"

#include <QAbstractTableModel>

#include <deque>
#include <vector>

namespace Opsdeck {

/**
 * The merged log as a table (time, host, source, level, message), newest last. Holds at most
 * capacity() entries — the oldest go first — so a day of four chatty hosts cannot fill memory.
 * The search (LogFilter) runs in the thread pool over what is held; lines that arrive meanwhile
 * are tested as they come, so the view never waits for a search and never misses a line.
 */
class LogTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, HostColumn, SourceColumn, LevelColumn, MessageColumn, ColumnCount };
    static constexpr int kDefaultCapacity = 200'000;

    explicit LogTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /** Appends entries already in time order (LogMerger's). */
    void append(const QList<LogEntry> &entries);
    void clear();
    void setCapacity(int capacity) { m_capacity = qMax(1, capacity); }
    int capacity() const { return m_capacity; }

    const LogEntry &entryAt(int row) const;
    /** Entries held, shown or not. */
    int heldCount() const { return int(m_entries.size()); }
    /** Entries let go (the oldest) since the last clear(). */
    qint64 droppedCount() const { return m_firstSeq; }

    void setFilter(const LogFilter &filter);
    const LogFilter &filter() const { return m_filter; }
    /** A search is running in the pool; rows change when it is done. */
    bool isSearching() const { return m_searching; }

signals:
    void searchFinished();

private:
    static constexpr qint64 kSnapshotSlice = 50'000;
    void dropOldest();
    void copySnapshotSlice(int generation);
    void applySearchResult(int generation, qint64 endSeq, const std::vector<qint64> &matches);

    std::deque<LogEntry> m_entries;
    qint64 m_firstSeq = 0; // sequence number of m_entries.front(); also how many were dropped
    int m_capacity = kDefaultCapacity;
    LogFilter m_filter;
    bool m_filtered = false;
    std::vector<qint64> m_visible; // sequence numbers of the shown entries, when filtered
    bool m_searching = false;
    std::vector<std::pair<qint64, LogEntry>> m_snapshot; // being copied for the pool's search
    qint64 m_snapshotNext = 0;
    qint64 m_snapshotEnd = 0;
    int m_generation = 0;
};

} // namespace Opsdeck
