// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostfanout.h"

#include <QPromise>

#include "runtime/sshpool.h"

#include <QTimer>

namespace Opsdeck {

QString HostOutcome::describe() const
{
    if (cancelled)
        return QStringLiteral("cancelled");
    if (exitStatus < 0)
        return error.isEmpty() ? QStringLiteral("did not finish") : error;
    return exitStatus == 0 ? QStringLiteral("ok")
                           : QStringLiteral("exit status %1").arg(exitStatus);
}

HostFanOut::HostFanOut(SshPool *pool, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
{}

QFuture<HostOutcome> HostFanOut::read(SshPool *pool, const QString &host, const QString &script)
{
    auto promise = std::make_shared<QPromise<HostOutcome>>();
    promise->start();
    auto *query = new HostFanOut(pool, pool);
    query->setCaptureOutput(true);
    query->setStreamOutput(false);
    connect(query, &HostFanOut::finished, query,
            [query, promise](const QList<HostOutcome> &outcomes) {
                promise->addResult(outcomes.value(0));
                promise->finish();
                query->deleteLater();
            });
    query->start({host}, [script](const QString &) { return script; });
    return promise->future();
}

void HostFanOut::start(const QStringList &hosts,
                       const std::function<QString(const QString &)> &scriptFor)
{
    m_outcomes.clear();
    m_execs.clear();
    m_cancelled = false;
    m_pending = int(hosts.size());
    if (hosts.isEmpty()) {
        QTimer::singleShot(0, this, [this] { emit finished(m_outcomes); });
        return;
    }
    for (const QString &host : hosts) {
        const QString script = scriptFor(host);
        SshClient *client = m_pool->client(host);
        if (script.isEmpty() || !client) {
            QTimer::singleShot(0, this, [this, host, known = client != nullptr] {
                HostOutcome o;
                o.host = host;
                o.exitStatus = known ? 0 : -1;
                o.error = known ? QString() : QStringLiteral("unknown host '%1'").arg(host);
                m_outcomes << o;
                emit hostFinished(o);
                if (--m_pending == 0)
                    emit finished(m_outcomes);
            });
            continue;
        }
        SshExec *exec = client->exec(script, this);
        exec->setCaptureOutput(m_capture);
        m_execs.insert(host, exec);
        if (m_stream) {
            connect(exec, &SshExec::stdoutReceived, this,
                    [this, host](const QByteArray &data) { emit outputReceived(host, data); });
            connect(exec, &SshExec::stderrReceived, this,
                    [this, host](const QByteArray &data) { emit outputReceived(host, data); });
        }
        connect(exec, &SshExec::finished, this, [this, host, exec] { finishHost(host, exec); });
    }
}

void HostFanOut::cancel()
{
    m_cancelled = true;
    for (const QPointer<SshExec> &exec : std::as_const(m_execs))
        if (exec && !exec->isFinished())
            exec->cancel();
}

void HostFanOut::finishHost(const QString &host, SshExec *exec)
{
    HostOutcome o;
    o.host = host;
    o.exitStatus = exec->exitStatus();
    o.error = exec->errorString();
    o.output = exec->capturedStdout();
    // A cancelled command ends by signal: the group was killed, its status means nothing.
    o.cancelled = m_cancelled && o.exitStatus != 0;
    m_outcomes << o;
    exec->deleteLater();
    emit hostFinished(o);
    if (--m_pending == 0)
        emit finished(m_outcomes);
}

} // namespace Opsdeck
