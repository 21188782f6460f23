// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logentry.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>

namespace Opsdeck {

/**
 * Puts lines from several hosts in time order. Hosts answer in their own time, so a line is held
 * `delayMs` after it arrived and everything released together is sorted; lines of one stream
 * with the same time keep their order (a traceback stays whole). With a negative delay nothing
 * is released before flushAll() (a finished read, sorted at once).
 */
class LogMerger final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kFollowDelayMs = 700;

    explicit LogMerger(int delayMs, QObject *parent = nullptr);

    void add(const QList<LogEntry> &entries);
    /** Releases everything held. */
    void flushAll();
    qint64 printed() const { return m_released; }

signals:
    void ready(const QList<Opsdeck::LogEntry> &entries);

private:
    void release(qint64 arrivedBefore);

    struct Held
    {
        qint64 arrivedMs;
        LogEntry entry;
    };
    int m_delayMs;
    std::deque<Held> m_held;
    QElapsedTimer m_clock;
    QTimer m_tick;
    qint64 m_released = 0;
};

} // namespace Opsdeck
