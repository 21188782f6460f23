// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <utility>

namespace Opsdeck {

/**
 * Calls `f(result)` on `guard`'s thread when `future` finishes, unless `guard` is gone by then
 * (Qt Creator's onResultReady(future, guard, f)). Used instead of QFuture::then(context, ...),
 * which in Qt 6.4 asserts when the context dies before the future finishes. A future that ends
 * without a result (its promise was dropped) yields a default-constructed T: for Result<T>,
 * an error.
 */
template<typename T, typename F>
void onFinished(const QFuture<T> &future, QObject *guard, F &&f)
{
    auto *watcher = new QFutureWatcher<T>(guard);
    QObject::connect(watcher, &QFutureWatcherBase::finished, guard,
                     [watcher, f = std::forward<F>(f)]() mutable {
                         const QFuture<T> done = watcher->future();
                         watcher->deleteLater();
                         f(done.resultCount() > 0 ? done.result() : T());
                     });
    watcher->setFuture(future);
}

} // namespace Opsdeck
