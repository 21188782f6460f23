// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "pgtypes.h"

#include <QFuture>
#include <QObject>
#include <QVariantList>

#include <functional>
#include <memory>

class QThread;

namespace Opsdeck {

class PgWorker;
struct PgCancelHandle;

/**
 * A PostgreSQL session whose socket is served by libpq's non-blocking API on a worker thread of
 * its own, so neither DNS, a slow server nor PQcancel can stall the caller. Results arrive as
 * QFutures; consume them with onFinished(future, guard, f) from common/futures.h.
 */
class PgConnection final : public QObject
{
    Q_OBJECT

public:
    enum class State { Closed, Connecting, Connected, Failed };
    Q_ENUM(State)

    /**
     * `conninfo` is libpq's keyword/value string or URI. With `tunnelPort` set, the session
     * connects to 127.0.0.1:tunnelPort while `host` still names the server for TLS checks.
     */
    explicit PgConnection(QString conninfo, PgSessionSettings settings = {},
                          QObject *parent = nullptr);
    ~PgConnection() override;

    void setTunnelPort(quint16 port) { m_tunnelPort = port; }
    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    int serverVersion() const { return m_serverVersion; }

    QFuture<Status> open();
    /** Queued behind earlier queries; $1..$n take `params` (strings, numbers, null). */
    QFuture<Result<PgResultSet>> query(const QString &sql, const QVariantList &params = {},
                                       PgValues values = PgValues::Typed);
    /**
     * Sends every statement in one round trip (libpq pipeline mode) with a Sync after each, so
     * each runs in its own implicit transaction under its own statement_timeout, and one that
     * fails does not abort the others. Results come back in order, one per statement.
     */
    QFuture<PgBatchResult> pipeline(const QList<PgStatement> &statements,
                                    PgValues values = PgValues::Typed);
    /**
     * Runs a `COPY ... TO STDOUT` and hands its data to `sink` chunk by chunk, on the session's
     * worker thread, as they arrive (nothing is kept). The result is the command status.
     */
    QFuture<Result<PgResultSet>> copyOut(const QString &sql,
                                         std::function<void(const char *, int)> sink);
    /** Asks the server to cancel the running query (PQcancel, on a pool thread). */
    void cancel();
    void close();

    /** Parses host/port/dbname/user out of a conninfo string or URI. */
    static Result<PgTarget> target(const QString &conninfo);

signals:
    void stateChanged(Opsdeck::PgConnection::State state);
    void connectionLost(const QString &reason);

private:
    /** Queues one statement on the worker (a COPY's data go to `copySink`). */
    QFuture<Result<PgResultSet>> enqueueSingle(QByteArray sql, QVariantList params, PgValues values,
                                               std::function<void(const char *, int)> copySink);
    void onWorkerState(int state, const QString &message, int serverVersion);

    QString m_conninfo;
    PgSessionSettings m_settings;
    quint16 m_tunnelPort = 0;
    State m_state = State::Closed;
    QString m_lastError;
    int m_serverVersion = 0;
    QThread *m_thread;
    PgWorker *m_worker;
    std::shared_ptr<PgCancelHandle> m_cancel;
};

} // namespace Opsdeck
