// SPDX-License-Identifier: GPL-3.0-or-later
#include "databasesession.h"

#include "common/futures.h"
#include "sshpool.h"

#include <QPromise>

namespace Opsdeck {

namespace {
constexpr int kMaxBackoffSeconds = 30;
}

DatabaseSession::DatabaseSession(DatabaseSpec spec, SshPool *pool, PgSessionSettings settings,
                                 QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_pool(pool)
    , m_settings(std::move(settings))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &DatabaseSession::connectNow);
}

DatabaseSession::~DatabaseSession() = default;

int DatabaseSession::retryInSeconds() const
{
    return m_retry.isActive() ? (m_retry.remainingTime() + 999) / 1000 : 0;
}

void DatabaseSession::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void DatabaseSession::open()
{
    if (m_state == State::Connected || m_state == State::Connecting)
        return;
    m_retry.stop();
    connectNow();
}

void DatabaseSession::whenReady(QObject *guard,
                                std::function<void(PgConnection *, const QString &)> ready)
{
    if (PgConnection *pg = connection()) {
        ready(pg, QString());
        return;
    }
    auto *waiter = new QObject(guard);
    auto answer = [this, waiter, ready](PgConnection *pg, const QString &error) {
        if (waiter->property("answered").toBool())
            return; // deleteLater has not run yet: never answer twice
        waiter->setProperty("answered", true);
        waiter->deleteLater();
        ready(pg, error);
    };
    connect(this, &DatabaseSession::connected, waiter,
            [this, answer] { answer(connection(), QString()); });
    connect(this, &DatabaseSession::stateChanged, waiter, [this, answer](State s) {
        if (s == State::Waiting)
            answer(nullptr, m_lastError);
    });
    open();
}

QFuture<Result<PgResultSet>> DatabaseSession::query(const QString &sql, const QVariantList &params,
                                                    PgValues values)
{
    if (PgConnection *pg = connection())
        return pg->query(sql, params, values);
    auto promise = std::make_shared<QPromise<Result<PgResultSet>>>();
    promise->start();
    auto deliver = [promise](const Result<PgResultSet> &result) {
        promise->addResult(result);
        promise->finish();
    };
    whenReady(this, [this, sql, params, values, deliver](PgConnection *pg, const QString &error) {
        if (!pg)
            deliver(Result<PgResultSet>::failure(QStringLiteral("not connected: %1").arg(error)));
        else
            onFinished(pg->query(sql, params, values), this, deliver);
    });
    return promise->future();
}

void DatabaseSession::connectNow()
{
    setState(State::Connecting);
    m_connection = std::make_unique<PgConnection>(m_spec.conninfo, m_settings);
    connect(m_connection.get(), &PgConnection::connectionLost, this, &DatabaseSession::reportLost);
    auto openIt = [this] {
        onFinished(m_connection->open(), this, [this](const Status &s) {
            if (!s) {
                fail(s.errorString());
                return;
            }
            m_backoffSeconds = 0;
            m_lastError.clear();
            setState(State::Connected);
            emit connected();
        });
    };
    if (m_spec.tunnel.isEmpty()) {
        openIt();
        return;
    }
    const Result<PgTarget> target = PgConnection::target(m_spec.conninfo);
    SshClient *via = m_pool->client(m_spec.tunnel);
    if (!target || !via) {
        fail(target ? QStringLiteral("unknown tunnel host %1").arg(m_spec.tunnel)
                    : target.errorString());
        return;
    }
    onFinished(
        via->openTunnel(target->host, target->port), this,
        [this, openIt](const Result<quint16> &port) {
            if (!port) {
                fail(QStringLiteral("tunnel via %1: %2").arg(m_spec.tunnel, port.errorString()));
                return;
            }
            m_connection->setTunnelPort(*port);
            openIt();
        });
}

void DatabaseSession::reportLost(const QString &reason)
{
    if (m_state != State::Connected)
        return;
    fail(reason.isEmpty() ? QStringLiteral("the connection was lost") : reason);
}

void DatabaseSession::fail(const QString &error)
{
    m_lastError = error;
    m_backoffSeconds =
        m_backoffSeconds == 0 ? 1 : std::min(m_backoffSeconds * 2, kMaxBackoffSeconds);
    m_retry.start(m_backoffSeconds * 1000);
    setState(State::Waiting);
}

} // namespace Opsdeck
