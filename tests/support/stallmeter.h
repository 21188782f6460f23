// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

/**
 * Measures how long the event loop of the current thread goes without running a 1 ms timer:
 * the longest gap is the worst stall a user would have felt (docs/ARCHITECTURE.md, "Threads").
 */
class StallMeter final : public QObject
{
public:
    StallMeter();
    void start();
    void stop();
    qint64 longestStallMs() const { return m_longest; }
    /**
     * Runs a real event loop until `done()` or the timeout. Unlike QTest::qWaitFor, which sleeps
     * 10 ms between rounds, this never hides or adds a stall.
     */
    static bool spinUntil(const std::function<bool()> &done, int timeoutMs);
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longest = 0;
    int m_ticks = 0;
};
