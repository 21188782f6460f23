// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSocketNotifier>

#include <functional>
#include <memory>

namespace Opsdeck {

/**
 * Ctrl-C turned into a call on the event loop while it lives (a signal handler may only write
 * to a pipe). When `onInterrupt` returns true it has handled the first Ctrl-C, and a second one
 * ends the process at once, the way a stuck command expects.
 */
class CtrlCHandler final
{
public:
    explicit CtrlCHandler(std::function<bool()> onInterrupt);
    ~CtrlCHandler();
    CtrlCHandler(const CtrlCHandler &) = delete;
    CtrlCHandler &operator=(const CtrlCHandler &) = delete;

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::function<bool()> m_onInterrupt;
};

} // namespace Opsdeck
