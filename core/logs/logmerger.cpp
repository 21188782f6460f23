// SPDX-License-Identifier: GPL-3.0-or-later
#include "logmerger.h"

#include <algorithm>

namespace Opsdeck {

LogMerger::LogMerger(int delayMs, QObject *parent)
    : QObject(parent)
    , m_delayMs(delayMs)
{
    m_clock.start();
    if (m_delayMs >= 0) {
        m_tick.setInterval(qMax(50, m_delayMs / 4));
        connect(&m_tick, &QTimer::timeout, this,
                [this] { release(m_clock.elapsed() - m_delayMs); });
        m_tick.start();
    }
}

void LogMerger::add(const QList<LogEntry> &entries)
{
    const qint64 now = m_clock.elapsed();
    for (const LogEntry &e : entries)
        m_held.push_back({now, e});
}

void LogMerger::flushAll()
{
    release(std::numeric_limits<qint64>::max());
}

void LogMerger::release(qint64 arrivedBefore)
{
    // Arrival order is monotonic, so what is due is a prefix.
    auto end = std::find_if(m_held.begin(), m_held.end(),
                            [arrivedBefore](const Held &h) { return h.arrivedMs > arrivedBefore; });
    if (end == m_held.begin())
        return;
    QList<LogEntry> due;
    due.reserve(end - m_held.begin());
    for (auto it = m_held.begin(); it != end; ++it)
        due.append(std::move(it->entry));
    m_held.erase(m_held.begin(), end);
    std::stable_sort(due.begin(), due.end(),
                     [](const LogEntry &a, const LogEntry &b) { return a.timeMs < b.timeMs; });
    m_released += due.size();
    emit ready(due);
}

} // namespace Opsdeck
