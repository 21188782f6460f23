// SPDX-License-Identifier: GPL-3.0-or-later
#include "drawqueue.h"

namespace Opsdeck {

DrawQueue::DrawQueue(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(0);
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
    if (m_queue.empty()) {
        m_timer.stop();
        return;
    }
    const std::function<void()> draw = std::move(m_queue.front());
    m_queue.pop_front();
    draw();
    if (m_queue.empty())
        m_timer.stop();
}

} // namespace Opsdeck
