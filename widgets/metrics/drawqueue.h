// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>

namespace Opsdeck {

/**
 * Hands drawing work to the UI thread one item per event-loop turn. When twelve panels' answers
 * arrive together, each is drawn in its own turn, so input and paint events get in between
 * instead of waiting for all twelve (a stall of the sum rather than of the largest).
 */
class DrawQueue final : public QObject
{
    Q_OBJECT

public:
    explicit DrawQueue(QObject *parent = nullptr);

    void push(std::function<void()> draw);
    bool isEmpty() const { return m_queue.empty(); }

private:
    void drawOne();

    std::deque<std::function<void()>> m_queue;
    QTimer m_timer;
};

} // namespace Opsdeck
