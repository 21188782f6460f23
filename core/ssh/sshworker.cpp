// SPDX-License-Identifier: GPL-3.0-or-later
#include "sshworker.h"

#include "sftpsession.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace Opsdeck {

namespace {

constexpr int kChunk = 64 * 1024;
// While channels are open libssh may hold decoded data that poll() cannot see, so the loop
// wakes often; when idle it sleeps long (keepalives are seconds apart anyway).
constexpr int kBusyPollMs = 10;
constexpr int kIdlePollMs = 500;

void setNonBlocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/** Writes everything, waiting for the socket when it is full (the peer is another local reader). */
bool writeAll(int fd, const char *data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::send(fd, data, std::size_t(size), MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            size -= n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 1000);
        } else {
            return false;
        }
    }
    return true;
}

/**
 * Wraps a command so that cancelling it works on any OpenSSH: sshd refuses "signal" channel
 * requests in common set-ups ("session signalling requires privilege separation"), and closing
 * a channel without a pty leaves the process running. So the command runs in its own process
 * group (setsid), and a watcher kills that group when the channel's stdin reaches EOF, which
 * happens when we cancel and also when the connection drops: no orphans either way.
 */
QByteArray cancellable(const QByteArray &command)
{
    QByteArray quoted = command;
    quoted.replace('\'', "'\\''");
    return "exec 3<&0; "
           "if command -v setsid >/dev/null 2>&1; then setsid sh -c '" +
           quoted +
           "' </dev/null 3<&- & "
           "else sh -c '" +
           quoted +
           "' </dev/null 3<&- & fi; "
           "pid=$!; "
           "( read -r _ <&3; kill -TERM -- -$pid 2>/dev/null || kill -TERM $pid 2>/dev/null ) "
           "2>/dev/null & "
           "watcher=$!; exec 3<&-; "
           "wait $pid; status=$?; kill $watcher 2>/dev/null; exit $status";
}

} // namespace

SshWorker::SshWorker(SshEndpoint endpoint, SshWorker *jump, SshWorkerEvents events)
    : m_endpoint(std::move(endpoint))
    , m_jump(jump)
    , m_events(std::move(events))
{
    if (::pipe(m_wakePipe) == 0) {
        setNonBlocking(m_wakePipe[0]);
        setNonBlocking(m_wakePipe[1]);
    }
    m_thread = std::thread([this] { run(); });
}

SshWorker::~SshWorker()
{
    m_stop = true;
    {
        std::lock_guard lock(m_socketMutex);
        if (m_socket >= 0)
            ::shutdown(m_socket, SHUT_RDWR);
    }
    const char byte = 'q';
    [[maybe_unused]] ssize_t n = ::write(m_wakePipe[1], &byte, 1);
    if (m_thread.joinable())
        m_thread.join();
    ::close(m_wakePipe[0]);
    ::close(m_wakePipe[1]);
}

void SshWorker::post(std::function<void()> task)
{
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }
    const char byte = 't';
    [[maybe_unused]] ssize_t n = ::write(m_wakePipe[1], &byte, 1);
}

void SshWorker::run()
{
    while (!stopping()) {
        runPendingTasks();
        if (stopping())
            break;
        pollOnce();
        if (m_state == Connected) {
            pumpExecs();
            pumpBridges();
            sendKeepaliveIfDue();
        }
    }
    disconnect(QStringLiteral("closed"));
    for (Listener &l : m_listeners)
        ::close(l.fd);
    m_listeners.clear();
}

void SshWorker::runPendingTasks()
{
    std::deque<std::function<void()>> tasks;
    {
        std::lock_guard lock(m_mutex);
        tasks.swap(m_tasks);
    }
    for (auto &task : tasks) {
        if (stopping())
            return;
        task();
    }
}

void SshWorker::pollOnce()
{
    std::vector<pollfd> fds;
    fds.push_back({m_wakePipe[0], POLLIN, 0});
    if (m_state == Connected)
        fds.push_back({libssh::ssh_get_fd(m_session), POLLIN, 0});
    for (const Bridge &b : m_bridges)
        fds.push_back({b.fd, POLLIN, 0});
    for (const Listener &l : m_listeners)
        fds.push_back({l.fd, POLLIN, 0});

    const bool busy = !m_execs.isEmpty() || !m_bridges.empty();
    if (::poll(fds.data(), fds.size(), busy ? kBusyPollMs : kIdlePollMs) <= 0)
        return;
    if (fds[0].revents & POLLIN) {
        char buf[256];
        while (::read(m_wakePipe[0], buf, sizeof buf) > 0) {
        }
    }
    // Bridges first: forwarding may close some, so look them up by fd rather than by index.
    for (const pollfd &p : fds) {
        if (!(p.revents & (POLLIN | POLLHUP | POLLERR)) || p.fd == m_wakePipe[0])
            continue;
        for (Bridge &b : m_bridges)
            if (b.fd == p.fd)
                forwardFromSocket(b);
        for (const Listener &l : m_listeners)
            if (l.fd == p.fd)
                acceptOn(l);
    }
    std::erase_if(m_bridges, [](const Bridge &b) { return b.fd < 0; });
}

void SshWorker::setState(State state, const QString &message)
{
    m_state = state;
    if (m_events.stateChanged)
        m_events.stateChanged(state, message);
}

Status SshWorker::ensureConnected()
{
    if (m_state == Connected && m_session && libssh::ssh_is_connected(m_session))
        return success();
    if (m_refused)
        return Status::failure(m_lastError);
    if (m_session)
        disconnect(QStringLiteral("reconnecting"));
    setState(Connecting);
    const Status status = connectSession();
    if (!status) {
        m_lastError = status.errorString();
        releaseSession();
        setState(Failed, m_lastError);
        return status;
    }
    m_lastKeepalive = std::chrono::steady_clock::now();
    setState(Connected);
    return success();
}

void SshWorker::disconnect(const QString &reason)
{
    for (auto it = m_execs.begin(); it != m_execs.end(); ++it) {
        libssh::ssh_channel_free(it->channel);
        if (m_events.execFinished)
            m_events.execFinished(it.key(), -1, reason);
    }
    m_execs.clear();
    for (Bridge &b : m_bridges)
        closeBridge(b);
    m_bridges.clear();
    if (m_session) {
        releaseSession();
        setState(Disconnected, reason);
    }
}

void SshWorker::setSocket(int fd)
{
    std::lock_guard lock(m_socketMutex);
    m_socket = fd;
}

void SshWorker::releaseSession()
{
    setSocket(-1); // before libssh closes it: the number may be reused at once
    if (m_sftp) {
        libssh::sftp_free(m_sftp);
        m_sftp = nullptr;
    }
    if (!m_session)
        return;
    libssh::ssh_disconnect(m_session);
    libssh::ssh_free(m_session);
    m_session = nullptr;
}

void SshWorker::failSession(const QString &reason)
{
    m_lastError = reason;
    disconnect(reason);
    setState(Failed, reason);
}

void SshWorker::withSftp(const std::function<void(SftpSession *, const QString &)> &job)
{
    if (const Status connected = ensureConnected(); !connected) {
        job(nullptr, connected.errorString());
        return;
    }
    if (!m_sftp) {
        m_sftp = libssh::sftp_new(m_session);
        if (!m_sftp || libssh::sftp_init(m_sftp) != SSH_OK) {
            const QString error =
                QStringLiteral("%1: cannot start SFTP: %2")
                    .arg(m_endpoint.name, QString::fromUtf8(libssh::ssh_get_error(m_session)));
            if (m_sftp)
                libssh::sftp_free(m_sftp);
            m_sftp = nullptr;
            job(nullptr, error);
            return;
        }
    }
    SftpSession session(m_session, m_sftp, m_endpoint.name);
    job(&session, QString());
    // A transfer that failed on the wire leaves the session dead: say so now, not at next use.
    if (!libssh::ssh_is_connected(m_session))
        failSession(QStringLiteral("connection to %1 lost").arg(m_endpoint.name));
}

void SshWorker::startExec(quint64 id, const QByteArray &command)
{
    const Status connected = ensureConnected();
    if (!connected) {
        m_events.execFinished(id, -1, connected.errorString());
        return;
    }
    ssh_channel channel = libssh::ssh_channel_new(m_session);
    if (!channel || libssh::ssh_channel_open_session(channel) != SSH_OK ||
        libssh::ssh_channel_request_exec(channel, cancellable(command).constData()) != SSH_OK) {
        const QString error =
            QStringLiteral("could not start the command on %1: %2")
                .arg(m_endpoint.name, QString::fromUtf8(libssh::ssh_get_error(m_session)));
        if (channel)
            libssh::ssh_channel_free(channel);
        m_events.execFinished(id, -1, error);
        return;
    }
    m_execs.insert(id, Exec{channel, false});
}

void SshWorker::cancelExec(quint64 id)
{
    auto it = m_execs.find(id);
    if (it == m_execs.end())
        return;
    // EOF on stdin is what stops the command (see cancellable()); the signal is a bonus where
    // the server honours it.
    libssh::ssh_channel_request_send_signal(it->channel, "TERM");
    libssh::ssh_channel_send_eof(it->channel);
    libssh::ssh_channel_close(it->channel);
    libssh::ssh_channel_free(it->channel);
    m_execs.erase(it);
    m_events.execFinished(id, -1, QStringLiteral("cancelled"));
}

void SshWorker::pumpExecs()
{
    static thread_local QByteArray buffer(kChunk, Qt::Uninitialized);
    for (auto it = m_execs.begin(); it != m_execs.end();) {
        QByteArray out, err;
        bool failed = false;
        for (int stream = 0; stream < 2 && !failed; ++stream) {
            QByteArray &sink = stream ? err : out;
            // Bound one pass so a chatty command cannot starve the other channels.
            for (int reads = 0; reads < 16; ++reads) {
                const int n = libssh::ssh_channel_read_nonblocking(it->channel, buffer.data(),
                                                                   kChunk, stream);
                if (n == SSH_ERROR)
                    failed = true;
                if (n <= 0)
                    break;
                sink.append(buffer.constData(), n);
            }
        }
        if (!out.isEmpty() || !err.isEmpty())
            m_events.execOutput(it.key(), out, err);
        if (failed) {
            failSession(
                QStringLiteral("connection to %1 lost: %2")
                    .arg(m_endpoint.name, QString::fromUtf8(libssh::ssh_get_error(m_session))));
            return;
        }
        if (libssh::ssh_channel_is_eof(it->channel) &&
            libssh::ssh_channel_poll(it->channel, 0) <= 0 &&
            libssh::ssh_channel_poll(it->channel, 1) <= 0) {
            const int status = libssh::ssh_channel_get_exit_status(it->channel);
            libssh::ssh_channel_close(it->channel);
            libssh::ssh_channel_free(it->channel);
            const quint64 id = it.key();
            it = m_execs.erase(it);
            m_events.execFinished(id, status,
                                  status < 0 ? QStringLiteral("no exit status") : QString());
            continue;
        }
        ++it;
    }
}

Result<quint16> SshWorker::listen(const QByteArray &targetHost, int targetPort)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        if (fd >= 0)
            ::close(fd);
        return Result<quint16>::failure(QStringLiteral("cannot listen on 127.0.0.1: %1")
                                            .arg(QString::fromLocal8Bit(strerror(errno))));
    }
    setNonBlocking(fd);
    m_listeners.push_back({fd, targetHost, targetPort});
    return quint16(ntohs(addr.sin_port));
}

void SshWorker::acceptOn(const Listener &listener)
{
    const int client = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0)
        return;
    if (!ensureConnected()) {
        ::close(client);
        return;
    }
    ssh_channel channel = libssh::ssh_channel_new(m_session);
    // A negative port means targetHost is a unix socket on the host (direct-streamlocal, as
    // `ssh -L port:/var/run/docker.sock`).
    const int opened =
        !channel ? SSH_ERROR
        : listener.targetPort < 0
            ? libssh::ssh_channel_open_forward_unix(channel, listener.targetHost.constData(),
                                                    "127.0.0.1", 0)
            : libssh::ssh_channel_open_forward(channel, listener.targetHost.constData(),
                                               listener.targetPort, "127.0.0.1", 0);
    if (opened != SSH_OK) {
        if (channel)
            libssh::ssh_channel_free(channel);
        ::close(client); // the client sees a reset, as with `ssh -L` when the target refuses
        return;
    }
    setNonBlocking(client);
    m_bridges.push_back({channel, client});
}

Result<int> SshWorker::bridge(const QByteArray &targetHost, int targetPort)
{
    if (const Status connected = ensureConnected(); !connected)
        return connected.error();
    ssh_channel channel = libssh::ssh_channel_new(m_session);
    if (!channel || libssh::ssh_channel_open_forward(channel, targetHost.constData(), targetPort,
                                                     "127.0.0.1", 0) != SSH_OK) {
        const QString error = QStringLiteral("%1 could not open a channel to %2:%3: %4")
                                  .arg(m_endpoint.name, QString::fromUtf8(targetHost))
                                  .arg(targetPort)
                                  .arg(QString::fromUtf8(libssh::ssh_get_error(m_session)));
        if (channel)
            libssh::ssh_channel_free(channel);
        return Result<int>::failure(error);
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        libssh::ssh_channel_free(channel);
        return Result<int>::failure(QStringLiteral("socketpair failed"));
    }
    setNonBlocking(pair[0]);
    m_bridges.push_back({channel, pair[0]});
    return pair[1];
}

void SshWorker::forwardFromSocket(Bridge &bridge)
{
    char buf[kChunk];
    for (int reads = 0; reads < 16; ++reads) {
        const ssize_t n = ::recv(bridge.fd, buf, sizeof buf, 0);
        if (n > 0) {
            if (libssh::ssh_channel_write(bridge.channel, buf, uint32_t(n)) == SSH_ERROR) {
                closeBridge(bridge);
                return;
            }
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            closeBridge(bridge); // the local side closed: end the channel too
        }
        return;
    }
}

void SshWorker::pumpBridges()
{
    static thread_local QByteArray buffer(kChunk, Qt::Uninitialized);
    for (Bridge &b : m_bridges) {
        if (b.fd < 0)
            continue;
        for (int reads = 0; reads < 16; ++reads) {
            const int n = libssh::ssh_channel_read_nonblocking(b.channel, buffer.data(), kChunk, 0);
            if (n > 0 && writeAll(b.fd, buffer.constData(), n))
                continue;
            if (n < 0 || (n > 0) || libssh::ssh_channel_is_eof(b.channel) ||
                libssh::ssh_channel_is_closed(b.channel))
                closeBridge(b);
            break;
        }
    }
    std::erase_if(m_bridges, [](const Bridge &b) { return b.fd < 0; });
}

void SshWorker::closeBridge(Bridge &bridge)
{
    if (bridge.fd >= 0) {
        ::shutdown(bridge.fd, SHUT_RDWR);
        ::close(bridge.fd);
        bridge.fd = -1;
    }
    if (bridge.channel) {
        if (m_session && libssh::ssh_is_connected(m_session)) {
            libssh::ssh_channel_send_eof(bridge.channel);
            libssh::ssh_channel_close(bridge.channel);
        }
        libssh::ssh_channel_free(bridge.channel);
        bridge.channel = nullptr;
    }
}

void SshWorker::sendKeepaliveIfDue()
{
    // An exec or bridge pumped just before may have failed the session and freed it.
    if (m_state != Connected || !m_session || m_endpoint.keepaliveSeconds <= 0)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastKeepalive < std::chrono::seconds(m_endpoint.keepaliveSeconds))
        return;
    m_lastKeepalive = now;
    // An SSH-level message: through a tunnel, TCP keepalives would only cover the local hop.
    if (libssh::ssh_send_ignore(m_session, "keepalive") != SSH_OK ||
        !libssh::ssh_is_connected(m_session))
        failSession(QStringLiteral("connection to %1 lost").arg(m_endpoint.name));
}

} // namespace Opsdeck
