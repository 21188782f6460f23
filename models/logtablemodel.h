// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/logentry.h"
#include "logs/logfilter.h"

#include <QAbstractTableModel>

#include <deque>
#include <memory>
#include <vector>

namespace Opsdeck {

class LogSpill;
struct SpillSearch;

/**
 * The merged log as a table (time, host, source, level, message), newest last. Holds at most
 * capacity() entries — the oldest go first — so a day of four chatty hosts cannot fill memory.
 * The oldest go to a LogSpill when one is set, and a search finds them there too.
 * The search (LogFilter) runs in the thread pool over what is held; lines that arrive meanwhile
 * are tested as they come, so the view never waits for a search and never misses a line.
 * Filtered, the rows are the matches that left memory (from the spill, and those let go while
 * the filter is on) followed by the matches held.
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
    /** Entries let go from memory (the oldest) since the last clear(). */
    qint64 droppedCount() const { return m_firstSeq; }
    /** Where entries let go are kept and searched (none: they are gone). */
    void setSpill(std::shared_ptr<LogSpill> spill) { m_spill = std::move(spill); }
    const std::shared_ptr<LogSpill> &spill() const { return m_spill; }
    /** Of the rows shown, those that are no longer held in memory (filtered only). */
    int olderMatchCount() const { return m_filtered ? int(m_olderMatches.size()) : 0; }
    /** Matches on disk not shown, beyond kMaxOlderMatches. */
    qint64 olderMatchesNotShown() const { return m_olderNotShown; }
    /** Lines of the spill the last search read. */
    qint64 spillScanned() const { return m_spillScanned; }

    void setFilter(const LogFilter &filter);
    const LogFilter &filter() const { return m_filter; }
    /** A search is running in the pool; rows change when it is done. */
    bool isSearching() const { return m_searching || m_spillSearching; }

signals:
    void searchFinished();

private:
    static constexpr qint64 kSnapshotSlice = 50'000;
    static constexpr qsizetype kMaxOlderMatches = 100'000;
    void dropOldest();
    void keepOlderMatches(const QList<LogEntry> &matches, bool before);
    void searchSpill(int generation);
    void applySpillResult(int generation, const SpillSearch &result);
    void copySnapshotSlice(int generation);
    void applySearchResult(int generation, qint64 endSeq, const std::vector<qint64> &matches);

    std::deque<LogEntry> m_entries;
    qint64 m_firstSeq = 0; // sequence number of m_entries.front(); also how many were dropped
    int m_capacity = kDefaultCapacity;
    LogFilter m_filter;
    bool m_filtered = false;
    std::vector<qint64> m_visible; // sequence numbers of the shown entries, when filtered
    bool m_searching = false;
    bool m_spillSearching = false;
    std::shared_ptr<LogSpill> m_spill;
    QList<LogEntry> m_olderMatches; // filtered: matches no longer held, oldest first
    qint64 m_olderNotShown = 0;
    qint64 m_spillScanned = 0;
    std::vector<std::pair<qint64, LogEntry>> m_snapshot; // being copied for the pool's search
    qint64 m_snapshotNext = 0;
    qint64 m_snapshotEnd = 0;
    int m_generation = 0;
};

} // namespace Opsdeck
