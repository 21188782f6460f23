// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctrlc.h"

#include <csignal>
#include <unistd.h>

namespace Opsdeck {

namespace {

int g_signalPipe[2] = {-1, -1};

void onSigint(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

} // namespace

CtrlCHandler::CtrlCHandler(std::function<bool()> onInterrupt)
    : m_onInterrupt(std::move(onInterrupt))
{
    if (::pipe(g_signalPipe) != 0)
        return;
    std::signal(SIGINT, onSigint);
    m_notifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [this] {
        char c;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &c, 1);
        if (m_onInterrupt())
            std::signal(SIGINT, SIG_DFL);
    });
}

CtrlCHandler::~CtrlCHandler()
{
    std::signal(SIGINT, SIG_DFL);
    if (!m_notifier)
        return;
    m_notifier.reset();
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
}

} // namespace Opsdeck
