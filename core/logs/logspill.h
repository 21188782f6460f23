// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logentry.h"
#include "logfilter.h"

#include <QFuture>
#include <QString>

#include <memory>

namespace Opsdeck {

/** What a search of the spilled lines found: the newest matches, oldest first. */
struct SpillSearch
{
    QList<LogEntry> matches;
    qint64 scanned = 0;   // lines read from the file
    qint64 matched = 0;   // of which matched (more than `matches` holds when it hit its limit)
    bool stopped = false; // a newer search (or the spill's end) cut this one short
};

/**
 * The lines a log window no longer holds in memory, kept in a file so that a search still finds
 * them — the "rest on disk" of a bounded view (Kibana's and lnav's users search hours, not the
 * last screenful). Lines are written and searched on one worker thread of the spill's own, in
 * the order asked for, so a search sees every line handed over before it, and the UI thread
 * never touches the file. The file is owner-only, in a 0700 folder, and removed when the spill
 * goes (a spill left by a crashed Opsdeck is removed by the next one). Thread-safe: append()
 * may be called from any thread.
 */
class LogSpill final
{
public:
    static constexpr qint64 kDefaultMaxBytes = qint64(2) * 1024 * 1024 * 1024;

    /** Files go in `directory` (created 0700); nothing is written before the first append(). */
    explicit LogSpill(const QString &directory, qint64 maxBytes = kDefaultMaxBytes);
    ~LogSpill();
    LogSpill(const LogSpill &) = delete;
    LogSpill &operator=(const LogSpill &) = delete;

    /** The usual place: the cache's logs/ folder. */
    static QString defaultDirectory();

    /** Queues the lines; they are encoded on the spill's thread. */
    void append(const QList<LogEntry> &entries);
    /** Lines already encode()d — by a pool thread that has them at hand, so that what waits
     * for the disk is compact bytes, not the lines. */
    static QByteArray encode(const QList<LogEntry> &entries);
    void appendEncoded(const QByteArray &encoded, qint64 count);
    /** Lines handed over (written, or being written). */
    qint64 count() const;
    /** Lines not kept because the file reached its limit, or could not be written. */
    qint64 lost() const;
    /** Bytes on disk so far. */
    qint64 bytes() const;
    /** Why lines are being lost, if they are (the file could not be created or written). */
    QString problem() const;
    QString path() const { return m_path; }

    /**
     * Every line handed over before this call that `filter` keeps; the newest `maxMatches` of
     * them. A later search stops this one.
     */
    QFuture<SpillSearch> search(const LogFilter &filter, qsizetype maxMatches);

private:
    struct File;

    // Shared with every task, so that a spill let go (a window refreshed) finishes its running
    // task and removes its file on a pool thread: the window never waits for the disk.
    std::shared_ptr<File> m_file;
    QString m_path;
};

} // namespace Opsdeck
