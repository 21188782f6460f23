// SPDX-License-Identifier: GPL-3.0-or-later
#include "stallmeter.h"

#include <QEventLoop>

StallMeter::StallMeter()
{
    m_timer.setInterval(1);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.elapsed();
        m_longest = std::max(m_longest, now - m_last);
        m_last = now;
        ++m_ticks;
    });
}

void StallMeter::start()
{
    m_clock.start();
    m_last = 0;
    m_longest = 0;
    m_ticks = 0;
    m_timer.start();
}

void StallMeter::stop()
{
    m_timer.stop();
    m_longest = std::max(m_longest, m_clock.elapsed() - m_last);
}

bool StallMeter::spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QEventLoop loop;
    QTimer check;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs)
            loop.quit();
    });
    check.start(5);
    if (!done())
        loop.exec();
    return done();
}
