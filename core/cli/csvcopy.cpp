// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvcopy.h"

#include "dbexplorer/sqlconsole.h"
#include "environmentsession.h"

#include <QMutex>
#include <QWaitCondition>

namespace Opsdeck {

namespace {

/**
 * CSV by the server (COPY): the session's thread hands chunks over, this thread writes them.
 * At most kMaxPending bytes wait at a time, so a slow reader of our output slows the copy
 * instead of filling memory.
 */
class CopyRelay final
{
public:
    static constexpr qsizetype kMaxPending = 8 * 1024 * 1024;

    CopyRelay(QTextStream &out, QObject *thisThread)
        : m_out(out)
        , m_thisThread(thisThread)
    {}

    /** On the session's thread. */
    void add(const char *data, int size)
    {
        QMutexLocker lock(&m_mutex);
        while (m_pending.size() > kMaxPending && !m_closed)
            m_drained.wait(&m_mutex);
        const bool wasEmpty = m_pending.isEmpty();
        m_pending.append(data, size);
        if (wasEmpty)
            QMetaObject::invokeMethod(
                m_thisThread, [this] { flush(); }, Qt::QueuedConnection);
    }

    /** On this thread. */
    void flush()
    {
        QByteArray chunk;
        {
            QMutexLocker lock(&m_mutex);
            chunk.swap(m_pending);
            m_drained.wakeAll();
        }
        m_out << QString::fromUtf8(chunk);
    }

    void close()
    {
        QMutexLocker lock(&m_mutex);
        m_closed = true;
        m_drained.wakeAll();
    }

private:
    QTextStream &m_out;
    QObject *m_thisThread; // where flush() runs
    QMutex m_mutex;
    QWaitCondition m_drained;
    QByteArray m_pending;
    bool m_closed = false;
};

} // namespace

int copyQueryAsCsv(CliContext &ctx, const QString &sql, PgConnection &db)
{
    QObject thisThread;
    auto relay = std::make_shared<CopyRelay>(ctx.out, &thisThread);
    // The sink is called only while the COPY runs, so never after `thisThread` is gone.
    const Result<PgResultSet> copied = EnvironmentSession::wait(SqlConsole::copyCsv(
        db, sql, [relay](const char *data, int size) { relay->add(data, size); }));
    relay->close();
    relay->flush();
    if (!copied) {
        ctx.err << "opsdeck db query: " << copied.errorString() << "\n";
        return ExitCode::Failure;
    }
    return ExitCode::Ok;
}

} // namespace Opsdeck
