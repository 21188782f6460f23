// SPDX-License-Identifier: GPL-3.0-or-later
#include "pgworker.h"

#include <QSocketNotifier>
#include <QTimer>

namespace Opsdeck {

namespace {

// Type OIDs from pg_type.h; everything else stays text.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

QVariant valueOf(const PGresult *res, int row, int col, PgValues values)
{
    if (libpq::PQgetisnull(res, row, col))
        return {};
    const char *text = libpq::PQgetvalue(res, row, col);
    if (values == PgValues::Text)
        return QString::fromUtf8(text, libpq::PQgetlength(res, row, col));
    switch (libpq::PQftype(res, col)) {
    case kBool:
        return text[0] == 't';
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
        return QByteArray(text).toLongLong();
    case kFloat4:
    case kFloat8:
    case kNumeric:
        return QByteArray(text).toDouble();
    default:
        return QString::fromUtf8(text);
    }
}

QList<QVariant> rowOf(const PGresult *res, int r, PgValues values)
{
    const int columns = libpq::PQnfields(res);
    QList<QVariant> row;
    row.reserve(columns);
    for (int c = 0; c < columns; ++c)
        row << valueOf(res, r, c, values);
    return row;
}

PgResultSet resultSetOf(const PGresult *res, PgValues values)
{
    PgResultSet set;
    const int columns = libpq::PQnfields(res);
    const int rows = libpq::PQntuples(res);
    for (int c = 0; c < columns; ++c) {
        set.columns << QString::fromUtf8(libpq::PQfname(res, c));
        set.columnTypes << quint32(libpq::PQftype(res, c));
    }
    set.rows.reserve(rows);
    for (int r = 0; r < rows && r < PgResultSet::kMaxRows; ++r)
        set.rows << rowOf(res, r, values);
    set.truncated = rows > PgResultSet::kMaxRows;
    set.commandStatus = QString::fromUtf8(libpq::PQcmdStatus(const_cast<PGresult *>(res)));
    return set;
}

QString cleanMessage(const char *message)
{
    // libpq prefixes severities and pads with newlines; keep one readable line per message.
    return QString::fromUtf8(message).trimmed().replace(QLatin1String("\n"), QLatin1String(" "));
}

} // namespace

PgWorker::PgWorker(std::shared_ptr<PgCancelHandle> cancel,
                   std::function<void(int, const QString &, int)> onState)
    : m_cancel(std::move(cancel))
    , m_onState(std::move(onState))
    , m_connectTimer(new QTimer(this))
{
    m_connectTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this, [this] {
        finishConnect(Status::failure(QStringLiteral("timed out connecting to the database")));
    });
}

PgWorker::~PgWorker()
{
    close(QStringLiteral("closed"));
}

void PgWorker::open(const QList<QByteArray> &keywords, const QList<QByteArray> &values,
                    int timeoutSeconds, std::shared_ptr<QPromise<Status>> promise)
{
    close(QString());
    m_openPromise = std::move(promise);
    std::vector<const char *> keys, vals;
    for (qsizetype i = 0; i < keywords.size(); ++i) {
        keys.push_back(keywords[i].constData());
        vals.push_back(values[i].constData());
    }
    keys.push_back(nullptr);
    vals.push_back(nullptr);
    m_onState(1, QString(), 0);
    m_conn = libpq::PQconnectStartParams(keys.data(), vals.data(), 0);
    if (!m_conn || libpq::PQstatus(m_conn) == CONNECTION_BAD) {
        finishConnect(Status::failure(m_conn ? cleanMessage(libpq::PQerrorMessage(m_conn))
                                             : QStringLiteral("out of memory")));
        return;
    }
    m_connecting = true;
    m_connectTimer->start(timeoutSeconds * 1000);
    watchSocket(false, true); // PQconnectPoll starts as if it had returned PGRES_POLLING_WRITING
}

void PgWorker::watchSocket(bool read, bool write)
{
    // The socket can change while connecting (several hosts, SSL retry): re-create each time.
    m_readNotifier.reset();
    m_writeNotifier.reset();
    const int fd = libpq::PQsocket(m_conn);
    if (fd < 0)
        return;
    if (read) {
        m_readNotifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        connect(m_readNotifier.get(), &QSocketNotifier::activated, this, &PgWorker::onReadable);
    }
    if (write) {
        m_writeNotifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
        connect(m_writeNotifier.get(), &QSocketNotifier::activated, this, &PgWorker::onWritable);
    }
}

void PgWorker::continueConnect()
{
    switch (libpq::PQconnectPoll(m_conn)) {
    case PGRES_POLLING_READING:
        watchSocket(true, false);
        break;
    case PGRES_POLLING_WRITING:
        watchSocket(false, true);
        break;
    case PGRES_POLLING_OK:
        finishConnect(success());
        break;
    case PGRES_POLLING_FAILED:
    default:
        finishConnect(Status::failure(cleanMessage(libpq::PQerrorMessage(m_conn))));
        break;
    }
}

void PgWorker::finishConnect(const Status &status)
{
    m_connecting = false;
    m_connectTimer->stop();
    if (status) {
        libpq::PQsetnonblocking(m_conn, 1);
        // libpq prints NOTICEs to stderr by default, which would land in CLI output and logs.
        libpq::PQsetNoticeProcessor(
            m_conn, [](void *, const char *) {}, nullptr);
        {
            std::lock_guard lock(m_cancel->mutex);
            if (m_cancel->cancel)
                libpq::PQfreeCancel(m_cancel->cancel);
            m_cancel->cancel = libpq::PQgetCancel(m_conn);
        }
        watchSocket(true, false);
        m_onState(2, QString(), libpq::PQserverVersion(m_conn));
    } else {
        m_readNotifier.reset();
        m_writeNotifier.reset();
        if (m_conn)
            libpq::PQfinish(m_conn);
        m_conn = nullptr;
        m_onState(3, status.errorString(), 0);
        failAll(status.errorString());
    }
    if (m_openPromise) {
        m_openPromise->addResult(status);
        m_openPromise->finish();
        m_openPromise.reset();
    }
    if (status)
        startNext();
}

void PgWorker::enqueue(Pending pending)
{
    m_queue.push_back(std::move(pending));
    startNext();
}

bool PgWorker::sendStatement(const QByteArray &sql, const QVariantList &values)
{
    std::vector<QByteArray> storage;
    std::vector<const char *> params;
    storage.reserve(std::size_t(values.size()));
    for (const QVariant &p : values) {
        if (p.isNull()) {
            params.push_back(nullptr);
            continue;
        }
        storage.push_back(p.typeId() == QMetaType::Bool ? QByteArray(p.toBool() ? "true" : "false")
                                                        : p.toString().toUtf8());
        params.push_back(storage.back().constData());
    }
    return libpq::PQsendQueryParams(m_conn, sql.constData(), int(params.size()), nullptr,
                                    params.data(), nullptr, nullptr, 0);
}

void PgWorker::startNext()
{
    if (m_current || m_connecting || m_queue.empty())
        return;
    if (!m_conn || libpq::PQstatus(m_conn) != CONNECTION_OK) {
        failAll(QStringLiteral("not connected to the database"));
        return;
    }
    m_current = std::move(m_queue.front());
    m_queue.pop_front();
    m_currentResult.reset();
    m_rowByRow = false;
    m_copying = false;
    m_batchResults.clear();

    bool sent = true;
    if (m_current->batch) {
        // One round trip for all, a Sync after each: every statement gets its own implicit
        // transaction and statement_timeout, and a failure does not abort the rest.
        sent = libpq::PQenterPipelineMode(m_conn);
        for (qsizetype i = 0; sent && i < m_current->sqls.size(); ++i)
            sent = sendStatement(m_current->sqls[i], m_current->params[i]) &&
                   libpq::PQpipelineSync(m_conn);
        if (m_current->sqls.isEmpty()) {
            completeCurrent();
            return;
        }
    } else {
        // Row by row (libpq's single-row mode), so a huge result is never held whole: rows past
        // PgResultSet::kMaxRows are dropped as they arrive.
        sent = sendStatement(m_current->sqls.value(0), m_current->params.value(0)) &&
               (m_current->copySink || libpq::PQsetSingleRowMode(m_conn));
    }
    if (!sent) {
        const QString error = cleanMessage(libpq::PQerrorMessage(m_conn));
        if (m_current->batch) {
            while (m_batchResults.size() < m_current->sqls.size())
                m_batchResults << Result<PgResultSet>::failure(error);
            libpq::PQexitPipelineMode(m_conn);
        }
        m_currentResult = Result<PgResultSet>::failure(error);
        completeCurrent();
        return;
    }
    onWritable(); // flush what fits now; the write notifier takes the rest
}

void PgWorker::onWritable()
{
    if (m_connecting) {
        continueConnect();
        return;
    }
    const int flushed = libpq::PQflush(m_conn);
    if (flushed < 0) {
        failAll(cleanMessage(libpq::PQerrorMessage(m_conn)));
        return;
    }
    watchSocket(true, flushed == 1);
}

void PgWorker::onReadable()
{
    if (m_connecting) {
        continueConnect();
        return;
    }
    if (!libpq::PQconsumeInput(m_conn)) {
        const QString reason = cleanMessage(libpq::PQerrorMessage(m_conn));
        m_onState(3, reason, 0);
        failAll(reason.isEmpty() ? QStringLiteral("the database connection was lost") : reason);
        return;
    }
    while (m_current) {
        if (m_copying) {
            if (!drainCopy())
                break; // more data later
            continue;
        }
        if (libpq::PQisBusy(m_conn))
            break;
        PGresult *res = libpq::PQgetResult(m_conn);
        if (m_current->batch) {
            // Pipeline: results of statement i, a NULL, then PGRES_PIPELINE_SYNC for its Sync.
            if (!res)
                continue;
            if (libpq::PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
                m_batchResults << m_currentResult.value_or(PgResultSet{});
                m_currentResult.reset();
                if (m_batchResults.size() == m_current->sqls.size()) {
                    libpq::PQexitPipelineMode(m_conn);
                    completeCurrent();
                }
            } else {
                storeResult(res);
            }
            libpq::PQclear(res);
            continue;
        }
        if (!res) {
            completeCurrent();
            continue;
        }
        if (libpq::PQresultStatus(res) == PGRES_COPY_OUT) {
            m_copying = true; // the data follow; without a sink they are read and dropped
            libpq::PQclear(res);
            continue;
        }
        storeResult(res);
        libpq::PQclear(res);
    }
    // Notices and notifications are not used yet; drain them so they do not pile up.
    while (PGnotify *n = libpq::PQnotifies(m_conn))
        libpq::PQfreemem(n);
}

bool PgWorker::drainCopy()
{
    for (;;) {
        char *data = nullptr;
        const int size = libpq::PQgetCopyData(m_conn, &data, 1);
        if (size > 0) {
            if (m_current->copySink)
                m_current->copySink(data, size);
            libpq::PQfreemem(data);
            continue;
        }
        if (size == 0)
            return false;
        m_copying = false; // done (-1) or failed (-2): PQgetResult says which
        return true;
    }
}

void PgWorker::storeResult(PGresult *res)
{
    // With several results for one statement keep the last rows, but the first error.
    const ExecStatusType status = libpq::PQresultStatus(res);
    if (status == PGRES_SINGLE_TUPLE) {
        if (m_currentResult && !m_currentResult->ok())
            return; // the first error is kept
        if (!m_rowByRow) {
            m_currentResult = resultSetOf(res, m_current->values); // the first row, and the columns
            m_rowByRow = true;
            return;
        }
        PgResultSet &set = m_currentResult->value();
        if (set.rows.size() >= PgResultSet::kMaxRows)
            set.truncated = true;
        else
            set.rows << rowOf(res, 0, m_current->values);
        return;
    }
    if (status == PGRES_TUPLES_OK && m_rowByRow) { // the end of a row-by-row result
        m_rowByRow = false;
        if (m_currentResult && m_currentResult->ok())
            m_currentResult->value().commandStatus =
                QString::fromUtf8(libpq::PQcmdStatus(const_cast<PGresult *>(res)));
        return;
    }
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        if (!m_currentResult || m_currentResult->ok())
            m_currentResult = resultSetOf(res, m_current->values);
    } else if (status == PGRES_PIPELINE_ABORTED) {
        if (!m_currentResult || m_currentResult->ok())
            m_currentResult = Result<PgResultSet>::failure(
                QStringLiteral("not run: an earlier statement failed"));
    } else if (!m_currentResult || m_currentResult->ok()) {
        m_currentResult = errorFrom(res);
    }
}

Error PgWorker::errorFrom(const PGresult *result) const
{
    Error e;
    const char *primary = libpq::PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    e.message =
        primary ? QString::fromUtf8(primary) : cleanMessage(libpq::PQresultErrorMessage(result));
    if (const char *detail = libpq::PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))
        e.message += QStringLiteral(" (%1)").arg(QString::fromUtf8(detail));
    if (const char *state = libpq::PQresultErrorField(result, PG_DIAG_SQLSTATE))
        e.code = QString::fromLatin1(state);
    return e;
}

void PgWorker::completeCurrent()
{
    if (!m_current)
        return;
    Pending done = std::move(*m_current);
    m_current.reset();
    if (done.batch) {
        done.batch->addResult(m_batchResults);
        done.batch->finish();
    } else {
        done.single->addResult(m_currentResult.value_or(PgResultSet{}));
        done.single->finish();
    }
    m_currentResult.reset();
    m_batchResults.clear();
    startNext();
}

void PgWorker::failAll(const QString &message)
{
    auto fail = [&message](Pending &p) {
        if (p.batch) {
            PgBatchResult results;
            for (qsizetype i = 0; i < p.sqls.size(); ++i)
                results << Result<PgResultSet>::failure(message);
            p.batch->addResult(results);
            p.batch->finish();
        } else {
            p.single->addResult(Result<PgResultSet>::failure(message));
            p.single->finish();
        }
    };
    if (m_current)
        fail(*m_current);
    m_current.reset();
    for (Pending &p : m_queue)
        fail(p);
    m_queue.clear();
    if (m_conn && libpq::PQstatus(m_conn) == CONNECTION_BAD) {
        m_readNotifier.reset();
        m_writeNotifier.reset();
    }
}

void PgWorker::close(const QString &reason)
{
    m_connectTimer->stop();
    m_readNotifier.reset();
    m_writeNotifier.reset();
    failAll(reason.isEmpty() ? QStringLiteral("connection closed") : reason);
    if (m_openPromise) {
        m_openPromise->addResult(Status::failure(QStringLiteral("connection closed")));
        m_openPromise->finish();
        m_openPromise.reset();
    }
    {
        std::lock_guard lock(m_cancel->mutex);
        if (m_cancel->cancel)
            libpq::PQfreeCancel(m_cancel->cancel);
        m_cancel->cancel = nullptr;
    }
    if (m_conn) {
        libpq::PQfinish(m_conn);
        m_conn = nullptr;
        m_onState(0, reason, 0);
    }
    m_connecting = false;
}

} // namespace Opsdeck
