// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logentry.h"

#include <QList>
#include <QObject>

#include <memory>

namespace Opsdeck {

class LogSpill;

/**
 * A window's lines as every stream sends them, kept to the newest `capacity` and put in time
 * order — all of the copying, picking and sorting in the thread pool, so that a million lines
 * arriving cost the UI thread only the hand-over of batches. Lines are kept as the batches
 * they came in; past twice the capacity the newest are picked out (lines go on arriving
 * meanwhile) and the rest go to the spill, when there is one. finish() sorts what is kept and
 * hands it over in slices.
 */
class LogHistory final : public QObject
{
    Q_OBJECT

public:
    explicit LogHistory(qsizetype capacity, QObject *parent = nullptr);

    /** Where the lines let go are kept, searchable (none: they are gone). */
    void setSpill(std::shared_ptr<LogSpill> spill) { m_spill = std::move(spill); }
    void add(const QList<LogEntry> &entries);
    /** Every line is in: sorted() follows, once. */
    void finish(int sliceSize);
    /** Lines let go, being older than the newest `capacity`. */
    qint64 dropped() const { return m_dropped; }

signals:
    void sorted(const QList<QList<LogEntry>> &slices);

private:
    void trim();
    void sort();

    qsizetype m_capacity;
    std::shared_ptr<LogSpill> m_spill;
    QList<QList<LogEntry>> m_batches;
    qsizetype m_count = 0;
    qint64 m_dropped = 0;
    bool m_trimming = false;
    int m_sliceSize = 0; // set by finish()
};

} // namespace Opsdeck
