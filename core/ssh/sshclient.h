// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "hostkey.h"
#include "sshendpoint.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QPromise>

#include <memory>

namespace Opsdeck {

class SftpSession;
class SshExec;
class SshWorker;

/**
 * One SSH host, used from one thread (the UI's, usually); the session itself lives on a worker
 * thread, so nothing here ever waits on the network. Jump hosts are other SshClients; a jump
 * must outlive the clients that go through it.
 */
class SshClient final : public QObject
{
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, Connected, Failed };
    Q_ENUM(State)

    SshClient(SshEndpoint endpoint, SshClient *jump, SshPrompter *prompter,
              QObject *parent = nullptr);
    ~SshClient() override;

    const SshEndpoint &endpoint() const { return m_endpoint; }
    SshClient *jump() const { return m_jump; }
    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    /** The key verified on the last successful connection (or offered, when it changed). */
    HostKeyInfo hostKey() const { return m_hostKey; }

    /** Connects (or reconnects); also forgets an earlier refusal of the host key. */
    void connectToHost();
    void disconnectFromHost();
    /** Runs `command` (connecting first if needed). The job is parented to `parent` or this. */
    SshExec *exec(const QString &command, QObject *parent = nullptr);
    /** A 127.0.0.1 port whose connections reach host:port from this host; one per target. */
    QFuture<Result<quint16>> openTunnel(const QString &host, int port);
    /** A 127.0.0.1 port whose connections reach the unix socket at `path` on this host (the
     * Docker engine's, say); the server must allow stream-local forwarding. */
    QFuture<Result<quint16>> openUnixTunnel(const QString &path) { return openTunnel(path, -1); }
    /**
     * Runs `job` on the session's own thread with its SFTP channel (connecting first if needed)
     * and delivers its result through the future. The job must not touch Qt objects of other
     * threads; what it returns is all the caller sees.
     */
    template<typename T>
    QFuture<Result<T>> withSftp(std::function<Result<T>(SftpSession &)> job)
    {
        auto promise = std::make_shared<QPromise<Result<T>>>();
        promise->start();
        QFuture<Result<T>> future = promise->future();
        postSftp([promise, job = std::move(job)](SftpSession *sftp, const QString &error) {
            promise->addResult(sftp ? job(*sftp) : Result<T>::failure(error));
            promise->finish();
        });
        return future;
    }

signals:
    void stateChanged(Opsdeck::SshClient::State state);
    void hostKeyVerified(const Opsdeck::HostKeyInfo &info);

private:
    friend class SshExec;
    void cancel(quint64 id);
    void postSftp(std::function<void(SftpSession *, const QString &)> job);
    void onWorkerState(int state, const QString &message);
    SshWorker *worker() const { return m_worker.get(); }

    SshEndpoint m_endpoint;
    QPointer<SshClient> m_jump;
    SshPrompter *m_prompter;
    State m_state = State::Disconnected;
    QString m_lastError;
    HostKeyInfo m_hostKey;
    quint64 m_nextId = 1;
    QHash<quint64, QPointer<SshExec>> m_execs;
    QHash<QString, QFuture<Result<quint16>>> m_tunnels;
    std::unique_ptr<SshWorker> m_worker; // last: destroyed (joined) first
};

/** A remote command in flight: streamed output, exit status, cancel. */
class SshExec final : public QObject
{
    Q_OBJECT

public:
    quint64 id() const { return m_id; }
    bool isFinished() const { return m_finished; }
    /** The remote exit status, or -1 when the command did not run to the end. */
    int exitStatus() const { return m_exitStatus; }
    QString errorString() const { return m_error; }
    /** What was received so far, kept when capture is on (the default; off for huge logs), up
     * to kMaxCapturedBytes each: a host cannot fill our memory. Streaming is not capped. */
    QByteArray capturedStdout() const { return m_stdout; }
    QByteArray capturedStderr() const { return m_stderr; }
    void setCaptureOutput(bool capture) { m_capture = capture; }
    static constexpr qsizetype kMaxCapturedBytes = 16 * 1024 * 1024;
    /** More arrived than was kept. */
    bool captureTruncated() const { return m_captureTruncated; }
    void cancel();

signals:
    void stdoutReceived(const QByteArray &data);
    void stderrReceived(const QByteArray &data);
    void finished(int exitStatus);

private:
    friend class SshClient;
    SshExec(SshClient *client, quint64 id, QObject *parent);
    void deliver(const QByteArray &out, const QByteArray &err);
    void finish(int exitStatus, const QString &error);

    QPointer<SshClient> m_client;
    quint64 m_id;
    bool m_finished = false;
    bool m_capture = true;
    bool m_captureTruncated = false;
    int m_exitStatus = -1;
    QString m_error;
    QByteArray m_stdout;
    QByteArray m_stderr;
};

} // namespace Opsdeck
