// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QFuture>
#include <QTest>

#include <type_traits>

namespace Opsdeck {

/**
 * A test's way to get a future's value: spins the event loop (so queued continuations and the
 * code under test keep running) until it is finished or `timeoutMs` passed. A timeout, or a
 * future that ended without a value, gives an Error-carrying T where T can hold one, else T().
 */
template<typename T>
T wait(QFuture<T> future, int timeoutMs = 30000)
{
    const bool finished = QTest::qWaitFor([&future] { return future.isFinished(); }, timeoutMs);
    if (finished && future.resultCount() > 0)
        return future.result();
    if constexpr (std::is_constructible_v<T, Error>)
        return T(Error{finished ? QStringLiteral("the future ended without a value")
                                : QStringLiteral("test timed out waiting")});
    else
        return T();
}

} // namespace Opsdeck
