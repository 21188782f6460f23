// SPDX-License-Identifier: GPL-3.0-or-later
// What the GUI benchmarks measure the same way: the worst event-loop stall and resident memory.
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QTimer>

#include <QList>

#include <algorithm>
#include <cstdio>

namespace OpsdeckBench {

/** The longest gap between ticks of a 1 ms timer: the worst stall a user would feel. */
class StallClock
{
public:
    StallClock()
    {
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_longest = std::max(m_longest, now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    double longestMs() const { return double(m_longest) / 1e6; }
    /** Forgets what was measured so far: the next gap counts from now. */
    void reset() { m_longest = 0, m_last = m_clock.nsecsElapsed(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0, m_longest = 0;
};

/** This process's resident memory (VmRSS), in KiB. */
inline qint64 rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

/** One line of a bench's table: median, p90 and max of `values` (sorted here). */
inline void report(const char *what, QList<double> values, const char *unit)
{
    std::sort(values.begin(), values.end());
    std::printf("%-52s median %8.1f %s   p90 %8.1f %s   max %8.1f %s  (%lld runs)\n", what,
                values[values.size() / 2], unit, values[qsizetype(0.9 * double(values.size() - 1))],
                unit, values.last(), unit, qlonglong(values.size()));
}

} // namespace OpsdeckBench
