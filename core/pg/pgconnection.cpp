// SPDX-License-Identifier: GPL-3.0-or-later
#include "pgconnection.h"

#include "pgworker.h"

#include <QThread>
#include <QThreadPool>

namespace Opsdeck {

namespace {

/** libpq's `options` value that applies the session settings at start-up (no extra round trip). */
QByteArray optionsFor(const PgSessionSettings &s)
{
    QByteArray options;
    auto add = [&options](const QByteArray &setting) {
        options += "-c " + setting + ' ';
    };
    if (s.readOnly)
        add("default_transaction_read_only=on");
    if (s.statementTimeoutMs > 0)
        add("statement_timeout=" + QByteArray::number(s.statementTimeoutMs));
    if (s.lockTimeoutMs > 0)
        add("lock_timeout=" + QByteArray::number(s.lockTimeoutMs));
    if (s.idleInTransactionTimeoutMs > 0)
        add("idle_in_transaction_session_timeout=" +
            QByteArray::number(s.idleInTransactionTimeoutMs));
    if (s.jitOff)
        add("jit=off");
    return options.trimmed();
}

} // namespace

Result<PgTarget> PgConnection::target(const QString &conninfo)
{
    char *error = nullptr;
    PQconninfoOption *options = libpq::PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!options) {
        const QString message =
            error ? QString::fromUtf8(error).trimmed() : QStringLiteral("invalid conninfo");
        libpq::PQfreemem(error);
        return Result<PgTarget>::failure(message);
    }
    PgTarget t;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString key = QString::fromLatin1(o->keyword);
        const QString val = QString::fromUtf8(o->val);
        if (key == QLatin1String("host") && !val.isEmpty())
            t.host = val;
        else if (key == QLatin1String("hostaddr") && t.host == QLatin1String("localhost"))
            t.host = val;
        else if (key == QLatin1String("port") && !val.isEmpty())
            t.port = val.toInt();
        else if (key == QLatin1String("dbname"))
            t.database = val;
        else if (key == QLatin1String("user"))
            t.user = val;
    }
    libpq::PQconninfoFree(options);
    return t;
}

PgConnection::PgConnection(QString conninfo, PgSessionSettings settings, QObject *parent)
    : QObject(parent)
    , m_conninfo(std::move(conninfo))
    , m_settings(std::move(settings))
    , m_thread(new QThread)
    , m_cancel(std::make_shared<PgCancelHandle>())
{
    m_thread->setObjectName(QStringLiteral("pg"));
    m_worker = new PgWorker(m_cancel, [this](int state, const QString &message, int version) {
        QMetaObject::invokeMethod(
            this, [this, state, message, version] { onWorkerState(state, message, version); },
            Qt::QueuedConnection);
    });
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

PgConnection::~PgConnection()
{
    // One shutdown path: the worker closes and deletes itself on its own thread, then stops it.
    PgWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker] {
            delete worker;
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait();
    delete m_thread;
}

void PgConnection::onWorkerState(int state, const QString &message, int serverVersion)
{
    const State previous = m_state;
    m_state = static_cast<State>(state);
    if (serverVersion > 0)
        m_serverVersion = serverVersion;
    if (m_state == State::Failed)
        m_lastError = message;
    if (m_state != previous)
        emit stateChanged(m_state);
    if (previous == State::Connected && m_state == State::Failed)
        emit connectionLost(message);
}

QFuture<Status> PgConnection::open()
{
    auto promise = std::make_shared<QPromise<Status>>();
    promise->start();
    QFuture<Status> future = promise->future();

    char *error = nullptr;
    PQconninfoOption *parsed = libpq::PQconninfoParse(m_conninfo.toUtf8().constData(), &error);
    if (!parsed) {
        promise->addResult(Status::failure(error ? QString::fromUtf8(error).trimmed()
                                                 : QStringLiteral("invalid conninfo")));
        libpq::PQfreemem(error);
        promise->finish();
        return future;
    }
    QList<QByteArray> keys, values;
    QByteArray userOptions;
    for (PQconninfoOption *o = parsed; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QByteArray key(o->keyword);
        if (key == "options") {
            userOptions = o->val;
            continue;
        }
        if (m_tunnelPort && (key == "hostaddr" || key == "port"))
            continue;
        keys << key;
        values << QByteArray(o->val);
    }
    libpq::PQconninfoFree(parsed);
    if (m_tunnelPort) {
        // hostaddr is what libpq dials; host still names the server for TLS verification.
        keys << "hostaddr"
             << "port";
        values << "127.0.0.1" << QByteArray::number(m_tunnelPort);
        if (!keys.contains("host")) {
            keys << "host";
            values << "localhost";
        }
    }
    keys << "options"
         << "application_name";
    values << QByteArray(optionsFor(m_settings) + ' ' + userOptions).trimmed()
           << m_settings.applicationName.toUtf8();
    if (!keys.contains("connect_timeout")) {
        keys << "connect_timeout";
        values << QByteArray::number(m_settings.connectTimeoutSeconds);
    }
    const int timeout = m_settings.connectTimeoutSeconds;
    PgWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, keys, values, timeout, promise] { worker->open(keys, values, timeout, promise); },
        Qt::QueuedConnection);
    return future;
}

QFuture<Result<PgResultSet>> PgConnection::query(const QString &sql, const QVariantList &params,
                                                 PgValues values)
{
    return enqueueSingle(sql.toUtf8(), params, values, {});
}

QFuture<Result<PgResultSet>> PgConnection::copyOut(const QString &sql,
                                                   std::function<void(const char *, int)> sink)
{
    return enqueueSingle(sql.toUtf8(), {}, PgValues::Text, std::move(sink));
}

QFuture<Result<PgResultSet>>
PgConnection::enqueueSingle(QByteArray sql, QVariantList params, PgValues values,
                            std::function<void(const char *, int)> copySink)
{
    auto promise = std::make_shared<QPromise<Result<PgResultSet>>>();
    promise->start();
    QFuture<Result<PgResultSet>> future = promise->future();
    PgWorker::Pending pending;
    pending.values = values;
    pending.sqls << std::move(sql);
    pending.params << std::move(params);
    pending.single = promise;
    pending.copySink = std::move(copySink);
    PgWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, pending = std::move(pending)]() mutable { worker->enqueue(std::move(pending)); },
        Qt::QueuedConnection);
    return future;
}

QFuture<PgBatchResult> PgConnection::pipeline(const QList<PgStatement> &statements, PgValues values)
{
    auto promise = std::make_shared<QPromise<PgBatchResult>>();
    promise->start();
    QFuture<PgBatchResult> future = promise->future();
    PgWorker::Pending pending;
    for (const PgStatement &s : statements) {
        pending.sqls << s.sql.toUtf8();
        pending.params << s.params;
    }
    pending.batch = promise;
    pending.values = values;
    PgWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, pending = std::move(pending)]() mutable { worker->enqueue(std::move(pending)); },
        Qt::QueuedConnection);
    return future;
}

void PgConnection::cancel()
{
    // PQcancel opens a new connection and waits for it (libpq 15): never on the caller's thread.
    std::shared_ptr<PgCancelHandle> handle = m_cancel;
    QThreadPool::globalInstance()->start([handle] {
        std::lock_guard lock(handle->mutex);
        if (!handle->cancel)
            return;
        char error[256];
        libpq::PQcancel(handle->cancel, error, sizeof error);
    });
}

void PgConnection::close()
{
    PgWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { worker->close(QString()); }, Qt::QueuedConnection);
}

} // namespace Opsdeck
