// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "pgtypes.h"

#include "libpq.h"

#include <QObject>
#include <QPromise>
#include <QVariantList>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>

class QSocketNotifier;
class QTimer;

namespace Opsdeck {

/** The PGcancel of the current backend, shared with the owner thread so cancel never waits. */
struct PgCancelHandle
{
    std::mutex mutex;
    PGcancel *cancel = nullptr;
    ~PgCancelHandle()
    {
        if (cancel)
            libpq::PQfreeCancel(cancel);
    }
};

/**
 * Lives on the PgConnection's worker thread and drives libpq without blocking:
 * PQconnectStartParams/PQconnectPoll and PQsendQueryParams/PQconsumeInput, woken by
 * QSocketNotifiers. One query runs at a time; the rest wait in order.
 */
class PgWorker final : public QObject
{
    Q_OBJECT

public:
    /** A query (single) or a pipeline of statements (batch); exactly one promise is set. */
    struct Pending
    {
        QList<QByteArray> sqls;
        QList<QVariantList> params;
        PgValues values = PgValues::Typed;
        std::shared_ptr<QPromise<Result<PgResultSet>>> single;
        std::shared_ptr<QPromise<PgBatchResult>> batch;
        /** COPY ... TO STDOUT: each chunk of data as it arrives, on the worker thread. */
        std::function<void(const char *data, int size)> copySink;
    };

    PgWorker(std::shared_ptr<PgCancelHandle> cancel,
             std::function<void(int state, const QString &message, int version)> onState);
    ~PgWorker() override;

    void open(const QList<QByteArray> &keywords, const QList<QByteArray> &values,
              int timeoutSeconds, std::shared_ptr<QPromise<Status>> promise);
    void enqueue(Pending pending);
    void close(const QString &reason);

private:
    void continueConnect();
    void finishConnect(const Status &status);
    void watchSocket(bool read, bool write);
    void startNext();
    void onReadable();
    void onWritable();
    void completeCurrent();
    bool drainCopy();
    void failAll(const QString &message);
    Error errorFrom(const PGresult *result) const;

    std::shared_ptr<PgCancelHandle> m_cancel;
    std::function<void(int, const QString &, int)> m_onState;
    bool m_rowByRow = false; // the current result is arriving in single-row mode
    bool m_copying = false;  // the current statement is a COPY TO STDOUT sending data
    PGconn *m_conn = nullptr;
    bool m_connecting = false;
    std::shared_ptr<QPromise<Status>> m_openPromise;
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
    QTimer *m_connectTimer;
    std::deque<Pending> m_queue;
    std::optional<Pending> m_current;
    std::optional<Result<PgResultSet>> m_currentResult; // of the statement being read
    PgBatchResult m_batchResults;                       // finished statements of a pipeline
    bool sendStatement(const QByteArray &sql, const QVariantList &params);
    void storeResult(PGresult *res);
};

} // namespace Opsdeck
