// SPDX-License-Identifier: GPL-3.0-or-later
#include "sshclient.h"

#include "sshworker.h"
#include "workspace/workspace.h"

#include <QPromise>

namespace Opsdeck {

QString SshEndpoint::displayAddress() const
{
    QString text = user.isEmpty() ? address : user + QLatin1Char('@') + address;
    if (port > 0)
        text += QLatin1Char(':') + QString::number(port);
    return text;
}

SshEndpoint endpointFor(const Workspace &workspace, const HostSpec &host)
{
    SshEndpoint ep;
    ep.name = host.name;
    ep.address = host.address;
    ep.port = host.port > 0 ? host.port : workspace.ssh.port;
    ep.user = host.user.isEmpty() ? workspace.ssh.user : host.user;
    ep.identityFile = host.identity.isEmpty() ? workspace.ssh.identity : host.identity;
    applySessionDefaults(ep, workspace);
    return ep;
}

void applySessionDefaults(SshEndpoint &endpoint, const Workspace &workspace)
{
    endpoint.knownHostsFile = workspace.ssh.knownHosts;
    endpoint.useSshConfig = workspace.ssh.useSshConfig;
    endpoint.sshConfigFile = workspace.ssh.configFile;
    endpoint.connectTimeoutSeconds = workspace.ssh.connectTimeoutSeconds;
    endpoint.keepaliveSeconds = workspace.ssh.keepaliveSeconds;
}

SshClient::SshClient(SshEndpoint endpoint, SshClient *jump, SshPrompter *prompter, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_jump(jump)
    , m_prompter(prompter)
{
    qRegisterMetaType<HostKeyInfo>();
    // Every event is re-posted to this object's thread; Qt drops posted calls to a deleted
    // receiver, and the destructor joins the worker before members go away.
    SshWorkerEvents events;
    events.stateChanged = [this](int state, const QString &message) {
        QMetaObject::invokeMethod(
            this, [this, state, message] { onWorkerState(state, message); }, Qt::QueuedConnection);
    };
    events.hostKeyVerified = [this](const HostKeyInfo &info) {
        QMetaObject::invokeMethod(
            this,
            [this, info] {
                m_hostKey = info;
                emit hostKeyVerified(info);
            },
            Qt::QueuedConnection);
    };
    events.askHostKey = [this](const HostKeyInfo &info) {
        auto promise = std::make_shared<std::promise<HostKeyDecision>>();
        QMetaObject::invokeMethod(
            this,
            [this, info, promise] {
                if (!m_prompter) {
                    promise->set_value(HostKeyDecision::Reject);
                    return;
                }
                m_prompter->askHostKey(info,
                                       [promise](HostKeyDecision d) { promise->set_value(d); });
            },
            Qt::QueuedConnection);
        return promise->get_future();
    };
    events.askSecret = [this](const QString &prompt) {
        auto promise = std::make_shared<std::promise<std::optional<QByteArray>>>();
        QMetaObject::invokeMethod(
            this,
            [this, prompt, promise] {
                if (!m_prompter) {
                    promise->set_value(std::nullopt);
                    return;
                }
                m_prompter->askSecret(
                    prompt, [promise](std::optional<QByteArray> s) { promise->set_value(s); });
            },
            Qt::QueuedConnection);
        return promise->get_future();
    };
    events.execOutput = [this](quint64 id, const QByteArray &out, const QByteArray &err) {
        QMetaObject::invokeMethod(
            this,
            [this, id, out, err] {
                if (SshExec *job = m_execs.value(id))
                    job->deliver(out, err);
            },
            Qt::QueuedConnection);
    };
    events.execFinished = [this](quint64 id, int status, const QString &error) {
        QMetaObject::invokeMethod(
            this,
            [this, id, status, error] {
                if (SshExec *job = m_execs.take(id))
                    job->finish(status, error);
            },
            Qt::QueuedConnection);
    };
    m_worker =
        std::make_unique<SshWorker>(m_endpoint, jump ? jump->worker() : nullptr, std::move(events));
}

SshClient::~SshClient()
{
    m_worker.reset();
}

void SshClient::onWorkerState(int state, const QString &message)
{
    const auto newState = static_cast<State>(state);
    if (newState == State::Failed || (newState == State::Disconnected && !message.isEmpty()))
        m_lastError = message;
    if (newState == State::Connected)
        m_lastError.clear();
    if (newState == m_state && newState != State::Failed)
        return;
    m_state = newState;
    emit stateChanged(newState);
}

void SshClient::connectToHost()
{
    SshWorker *w = m_worker.get();
    m_worker->post([w] {
        w->clearRefusal();
        (void)w->ensureConnected();
    });
}

void SshClient::disconnectFromHost()
{
    SshWorker *w = m_worker.get();
    m_worker->post([w] { w->disconnect(QString()); });
}

SshExec *SshClient::exec(const QString &command, QObject *parent)
{
    const quint64 id = m_nextId++;
    auto *job = new SshExec(this, id, parent ? parent : this);
    m_execs.insert(id, job);
    SshWorker *w = m_worker.get();
    m_worker->post([w, id, cmd = command.toUtf8()] { w->startExec(id, cmd); });
    return job;
}

void SshClient::cancel(quint64 id)
{
    SshWorker *w = m_worker.get();
    m_worker->post([w, id] { w->cancelExec(id); });
}

void SshClient::postSftp(std::function<void(SftpSession *, const QString &)> job)
{
    SshWorker *w = m_worker.get();
    m_worker->post([w, job = std::move(job)] { w->withSftp(job); });
}

QFuture<Result<quint16>> SshClient::openTunnel(const QString &host, int port)
{
    const QString key = port < 0 ? QString(QStringLiteral("unix:") + host)
                                 : QString(host + QLatin1Char(':') + QString::number(port));
    if (const auto it = m_tunnels.constFind(key); it != m_tunnels.constEnd()) {
        const QFuture<Result<quint16>> existing = *it;
        if (!existing.isFinished() || existing.result().ok())
            return existing;
    }
    auto promise = std::make_shared<QPromise<Result<quint16>>>();
    promise->start();
    QFuture<Result<quint16>> future = promise->future();
    SshWorker *w = m_worker.get();
    m_worker->post([w, promise, target = host.toUtf8(), port] {
        // Connect first so that a bad host shows up here, not at the client's first use.
        const Status connected = w->ensureConnected();
        promise->addResult(connected ? w->listen(target, port)
                                     : Result<quint16>(connected.error()));
        promise->finish();
    });
    m_tunnels.insert(key, future);
    return future;
}

SshExec::SshExec(SshClient *client, quint64 id, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_id(id)
{}

void SshExec::cancel()
{
    if (!m_finished && m_client)
        m_client->cancel(m_id);
}

void SshExec::deliver(const QByteArray &out, const QByteArray &err)
{
    if (m_capture) {
        const auto keep = [this](QByteArray &into, const QByteArray &data) {
            const qsizetype room = kMaxCapturedBytes - into.size();
            into.append(data.constData(), qMin(room, data.size()));
            m_captureTruncated = m_captureTruncated || data.size() > room;
        };
        keep(m_stdout, out);
        keep(m_stderr, err);
    }
    if (!out.isEmpty())
        emit stdoutReceived(out);
    if (!err.isEmpty())
        emit stderrReceived(err);
}

void SshExec::finish(int exitStatus, const QString &error)
{
    m_finished = true;
    m_exitStatus = exitStatus;
    m_error = error;
    emit finished(exitStatus);
}

} // namespace Opsdeck
