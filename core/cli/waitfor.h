// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QEventLoop>

#include <functional>
#include <optional>

namespace Opsdeck {

/** Runs an event loop until a callback has answered: commands may block, panes never do. */
template<typename T>
T waitFor(const std::function<void(std::function<void(const T &)>)> &start)
{
    std::optional<T> answer;
    QEventLoop loop;
    start([&](const T &value) {
        answer = value;
        loop.quit();
    });
    if (!answer)
        loop.exec();
    return *answer;
}

} // namespace Opsdeck
