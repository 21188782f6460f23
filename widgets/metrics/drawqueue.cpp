// SPDX-License-Identifier: GPL-3.0-or-later
#include "drawqueue.h"

namespace Opsdeck {

DrawQueue::DrawQueue(QObject *parent)
    : QObject(parent)
{
    // Single shot, re-armed after each draw: a repeating 0 ms timer is re-armed *before* its slot
    // runs, so its next due time precedes every timer that came due during the draw (repaints,
    // input, the stall meter's) and two draws ran back to back in one turn.
    m_timer.setInterval(0);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DrawQueue::drawOne);
}

void DrawQueue::push(std::function<void()> draw)
{
    m_queue.push_back(std::move(draw));
    if (!m_timer.isActive())
        m_timer.start();
}

void DrawQueue::drawOne()
{
    if (m_queue.empty())
        return;
    const std::function<void()> draw = std::move(m_queue.front());
    m_queue.pop_front();
    draw();
    if (!m_queue.empty())
        m_timer.start();
}

} // namespace Opsdeck
