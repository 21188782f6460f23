// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "hostcert.h"
#include "hostkey.h"
#include "sshendpoint.h"

#include "libssh.h"

#include <QByteArray>
#include <QHash>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace Opsdeck {

class SftpSession;

/**
 * What a worker tells its owner. Called on the worker thread; the owner (SshClient) forwards
 * each call to its own thread. Nothing here may block except the two questions, which the
 * worker waits for off the UI thread.
 */
struct SshWorkerEvents
{
    std::function<void(int state, const QString &message)> stateChanged;
    std::function<void(const HostKeyInfo &)> hostKeyVerified;
    std::function<std::future<HostKeyDecision>(const HostKeyInfo &)> askHostKey;
    std::function<std::future<std::optional<QByteArray>>(const QString &prompt)> askSecret;
    std::function<void(quint64 id, const QByteArray &out, const QByteArray &err)> execOutput;
    std::function<void(quint64 id, int exitStatus, const QString &error)> execFinished;
};

/**
 * Owns one libssh session on one thread (libssh sessions are not thread-safe). Other threads
 * hand it work with post(); a poll() loop moves bytes for exec channels, jump-host bridges and
 * tunnel listeners. Jump hosts are chained natively: the inner session's socket is one end of a
 * socketpair whose other end this worker bridges to a direct-tcpip channel (docs/ARCHITECTURE.md,
 * "Threads").
 */
class SshWorker final
{
public:
    enum State { Disconnected, Connecting, Connected, Failed };

    SshWorker(SshEndpoint endpoint, SshWorker *jump, SshWorkerEvents events);
    ~SshWorker();
    SshWorker(const SshWorker &) = delete;
    SshWorker &operator=(const SshWorker &) = delete;

    /** Runs `task` on the worker thread, in order. Thread-safe. */
    void post(std::function<void()> task);

    // The rest runs on the worker thread only (inside posted tasks).
    Status ensureConnected();
    void disconnect(const QString &reason);
    void clearRefusal() { m_refused = false; }
    void startExec(quint64 id, const QByteArray &command);
    void cancelExec(quint64 id);
    /** A 127.0.0.1 port forwarded to targetHost:targetPort, or to the unix socket targetHost
     * when targetPort is negative. */
    Result<quint16> listen(const QByteArray &targetHost, int targetPort);
    /** A socket whose bytes reach targetHost:targetPort from this host (for an inner session). */
    Result<int> bridge(const QByteArray &targetHost, int targetPort);
    /** Runs `job` with this session's SFTP channel (opened on first use), or null and why not. */
    void withSftp(const std::function<void(SftpSession *sftp, const QString &error)> &job);

private:
    struct Exec
    {
        ssh_channel channel = nullptr;
        bool cancelled = false;
    };
    struct Bridge
    {
        ssh_channel channel = nullptr;
        int fd = -1;
    };
    struct Listener
    {
        int fd = -1;
        QByteArray targetHost;
        int targetPort = 0;
    };

    void run();
    void runPendingTasks();
    void pollOnce();
    void pumpExecs();
    void pumpBridges();
    void acceptOn(const Listener &listener);
    void forwardFromSocket(Bridge &bridge);
    void sendKeepaliveIfDue();
    void failSession(const QString &reason);
    void closeBridge(Bridge &bridge);
    void setState(State state, const QString &message = {});
    bool stopping() const { return m_stop.load(); }

    // sshconnect.cpp
    Status connectSession();
    Status configureSession();
    Status allowProxyCommand(const QString &command) const;
    Status verifyHostKey();
    std::optional<HostCert::Vouch> vouchByCertificate(const HostKeyInfo &info,
                                                      const QByteArray &keyBlob,
                                                      const QByteArray &hostName,
                                                      const QList<KnownHosts::Entry> &entries);
    Result<int> openTransport(const QByteArray &host, unsigned int port);
    Status authenticate();
    Status authenticateWithKeyFile(const QString &path);
    Result<int> connectTcp(const QByteArray &host, unsigned int port);
    void setSocket(int fd);
    void releaseSession();
    template<typename T>
    std::optional<T> waitFor(std::future<T> future);

    SshEndpoint m_endpoint;
    SshWorker *m_jump;
    SshWorkerEvents m_events;
    ssh_session m_session = nullptr;
    sftp_session m_sftp = nullptr; // opened by withSftp(), freed with the session
    State m_state = Disconnected;
    // Where our own transport went (direct or through the jump host); unset when a ProxyCommand
    // from the user's ssh config carries the session, which leaves no way to fetch a certificate.
    std::optional<std::pair<QByteArray, unsigned int>> m_transportTarget;
    bool m_refused = false; // host key refused: do not retry until asked explicitly
    QString m_lastError;
    std::chrono::steady_clock::time_point m_lastKeepalive;

    QHash<quint64, Exec> m_execs;
    std::vector<Bridge> m_bridges;
    std::vector<Listener> m_listeners;

    std::mutex m_mutex;
    std::deque<std::function<void()>> m_tasks;
    int m_wakePipe[2] = {-1, -1};
    std::atomic<bool> m_stop{false};
    // The session's socket, so the destructor can shutdown() it and abort a blocking libssh call
    // (handshake, auth, channel open) instead of waiting out its timeout.
    std::mutex m_socketMutex;
    int m_socket = -1;
    std::thread m_thread;
};

} // namespace Opsdeck
