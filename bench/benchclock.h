// SPDX-License-Identifier: GPL-3.0-or-later
// What the GUI benchmarks measure the same way: the worst event-loop stall and resident memory.
#pragma once

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QList>
#include <QMetaEnum>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace OpsdeckBench {

/** CPU time this thread has used, in nanoseconds. */
inline qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

/** How long this thread has waited, runnable, for a CPU (Linux schedstat), in nanoseconds. */
inline qint64 threadRunQueueNs()
{
    QFile stat(QStringLiteral("/proc/thread-self/schedstat"));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = stat.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() : 0;
}

/**
 * The longest gap between ticks of a 1 ms timer: the worst stall a user would feel. It also keeps
 * how the UI thread spent that gap: on the CPU (a slow handler), waiting for a CPU (the
 * scheduler: other threads and processes holding both cores), or neither (blocked: a lock, a
 * page fault waiting on another thread).
 */
class StallClock
{
public:
    StallClock()
    {
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed(), cpu = threadCpuNs();
            const qint64 waited = threadRunQueueNs();
            if (now - m_last > m_longest) {
                m_longest = now - m_last;
                m_longestCpu = cpu - m_lastCpu;
                m_longestWaited = waited - m_lastWaited;
            }
            m_last = now, m_lastCpu = cpu, m_lastWaited = waited;
        });
        m_clock.start();
        reset();
        m_timer.start();
    }
    double longestMs() const { return double(m_longest) / 1e6; }
    /** The UI thread's CPU time within the longest gap. */
    double longestCpuMs() const { return double(m_longestCpu) / 1e6; }
    /** How long the UI thread waited for a CPU within the longest gap. */
    double longestWaitedMs() const { return double(m_longestWaited) / 1e6; }
    /** Forgets what was measured so far: the next gap counts from now. */
    void reset()
    {
        m_longest = m_longestCpu = m_longestWaited = 0;
        m_last = m_clock.nsecsElapsed(), m_lastCpu = threadCpuNs();
        m_lastWaited = threadRunQueueNs();
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0, m_longest = 0, m_lastCpu = 0, m_longestCpu = 0;
    qint64 m_lastWaited = 0, m_longestWaited = 0;
};

/**
 * The event-loop watchdog: a QApplication that times every event it delivers from the loop and
 * names the slowest (receiver's class and name, event type, wall and CPU time), so a stall has a
 * culprit rather than a number.
 */
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_depth++ > 0) { // only what the loop delivers; nested sends are part of it
            const bool handled = QApplication::notify(receiver, event);
            --m_depth;
            return handled;
        }
        const QString what = describe(receiver, event);
        const qint64 wallStart = m_clock.isValid() ? m_clock.nsecsElapsed() : (m_clock.start(), 0);
        const qint64 cpuStart = threadCpuNs();
        const bool handled = QApplication::notify(receiver, event);
        const qint64 wall = m_clock.nsecsElapsed() - wallStart, cpu = threadCpuNs() - cpuStart;
        if (wall > m_slowestWall)
            m_slowestWall = wall, m_slowestCpu = cpu, m_slowest = what;
        --m_depth;
        return handled;
    }
    /** "LogsPane(logs) MetaCall: 31.0 ms, 30.2 ms on the CPU", or empty. */
    QString slowest() const
    {
        return m_slowest.isEmpty() ? QString()
                                   : QStringLiteral("%1: %2 ms, %3 ms on the CPU")
                                         .arg(m_slowest)
                                         .arg(double(m_slowestWall) / 1e6, 0, 'f', 1)
                                         .arg(double(m_slowestCpu) / 1e6, 0, 'f', 1);
    }
    void resetSlowest() { m_slowest.clear(), m_slowestWall = m_slowestCpu = 0; }

private:
    static QString describe(QObject *receiver, QEvent *event)
    {
        const char *type = QMetaEnum::fromType<QEvent::Type>().valueToKey(event->type());
        return QStringLiteral("%1(%2) %3")
            .arg(QString::fromLatin1(receiver->metaObject()->className()), receiver->objectName(),
                 type ? QString::fromLatin1(type) : QString::number(event->type()));
    }
    int m_depth = 0;
    QElapsedTimer m_clock;
    QString m_slowest;
    qint64 m_slowestWall = 0, m_slowestCpu = 0;
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
