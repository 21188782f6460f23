// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pg/pgconnection.h"
#include "workspace/workspace.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace Opsdeck {

class SshPool;

/**
 * A pane's connection to its environment's database: opens it (through the SSH tunnel when
 * the workspace says so), reports its state, and after a drop reconnects with backoff
 * (1, 2, 4 ... 30 s) until it is back. Everything is asynchronous.
 */
class DatabaseSession final : public QObject
{
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, Connected, Waiting };
    Q_ENUM(State)

    DatabaseSession(DatabaseSpec spec, SshPool *pool, PgSessionSettings settings,
                    QObject *parent = nullptr);
    ~DatabaseSession() override;

    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    /** Seconds until the next reconnect attempt while Waiting. */
    int retryInSeconds() const;
    /** The connection, or nullptr while not Connected. */
    PgConnection *connection() const
    {
        return m_state == State::Connected ? m_connection.get() : nullptr;
    }

    void open();
    /**
     * Opens if needed and calls `ready` exactly once: with the connection, or with nullptr and
     * the error when this attempt fails. Nothing is called if `guard` is destroyed first.
     */
    void whenReady(QObject *guard, std::function<void(PgConnection *, const QString &error)> ready);
    /** whenReady(), then the query: one future. A failed connection attempt is the result's
     * error ("not connected: …"); a session closed first, an error too. */
    QFuture<Result<PgResultSet>> query(const QString &sql, const QVariantList &params = {},
                                       PgValues values = PgValues::Typed);
    /** Called by users of the connection when a query says the connection is gone. */
    void reportLost(const QString &reason);

signals:
    void stateChanged(Opsdeck::DatabaseSession::State state);
    void connected();

private:
    void connectNow();
    void fail(const QString &error);
    void setState(State state);

    DatabaseSpec m_spec;
    SshPool *m_pool;
    PgSessionSettings m_settings;
    State m_state = State::Disconnected;
    QString m_lastError;
    std::unique_ptr<PgConnection> m_connection;
    QTimer m_retry;
    int m_backoffSeconds = 0;
};

} // namespace Opsdeck
