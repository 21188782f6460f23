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

/**
 * One request a view makes again and again (a refresh, a load): whether one is in flight, and
 * "the latest answer wins" — an answer to a request made before the newest start() is dropped,
 * so a slow old reply never overwrites a fresh one. Answers run on `guard`'s thread and never
 * after it is gone (onFinished). Keep it as a member of `guard`:
 *
 *     if (m_activity.isInFlight()) return;            // or start anyway: the newest wins
 *     m_activity.start(pg->query(sql), [this](const Result<PgResultSet> &r) { … });
 */
class LatestRequest
{
public:
    explicit LatestRequest(QObject *guard)
        : m_guard(guard)
    {}
    LatestRequest(const LatestRequest &) = delete;
    LatestRequest &operator=(const LatestRequest &) = delete;

    bool isInFlight() const { return m_inFlight > 0; }

    template<typename T, typename F>
    void start(const QFuture<T> &future, F &&onAnswer)
    {
        const quint64 id = ++m_latest;
        ++m_inFlight;
        onFinished(future, m_guard, [this, id, f = std::forward<F>(onAnswer)](const T &r) mutable {
            --m_inFlight;
            if (id == m_latest)
                f(r);
        });
    }

    /** Drops every answer still to come (the file was closed, the workspace changed). */
    void forget() { ++m_latest; }

private:
    QObject *m_guard;
    quint64 m_latest = 0;
    int m_inFlight = 0;
};

} // namespace Opsdeck
