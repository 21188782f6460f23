// SPDX-License-Identifier: GPL-3.0-or-later
// Session set-up of SshWorker: options, jump chaining, host-key verification, authentication.
#include "sshworker.h"

#include "hostcertprobe.h"
#include "knownhosts.h"
#include "sshconfig.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>

#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Opsdeck {

namespace {

QString sessionError(ssh_session session)
{
    return QString::fromUtf8(libssh::ssh_get_error(session));
}

QString fingerprintOf(ssh_key key)
{
    unsigned char *hash = nullptr;
    size_t length = 0;
    if (libssh::ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK)
        return {};
    char *text = libssh::ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    const QString fingerprint = QString::fromUtf8(text);
    libssh::ssh_string_free_char(text);
    libssh::ssh_clean_pubkey_hash(&hash);
    return fingerprint;
}

/** known_hosts writes "[host]:port" for any port but 22. */
QString knownHostsAddress(const QString &host, unsigned int port)
{
    return port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
}

/** Host and port after ~/.ssh/config (HostName, Port) has been applied. */
std::pair<QByteArray, unsigned int> resolvedTarget(ssh_session session,
                                                   const QByteArray &fallbackHost)
{
    char *resolved = nullptr;
    libssh::ssh_options_get(session, SSH_OPTIONS_HOST, &resolved);
    const QByteArray host = resolved ? QByteArray(resolved) : fallbackHost;
    libssh::ssh_string_free_char(resolved);
    unsigned int port = 22;
    libssh::ssh_options_get_port(session, &port);
    return {host, port};
}

} // namespace

template<typename T>
std::optional<T> SshWorker::waitFor(std::future<T> future)
{
    // The person (or the jump host) may take a while to answer; check often whether we are
    // being shut down, since the owner joins this thread when the window closes.
    while (future.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready)
        if (stopping())
            return std::nullopt;
    try {
        return future.get();
    } catch (const std::future_error &) { // the other side went away (shutdown)
        return std::nullopt;
    }
}

Status SshWorker::configureSession()
{
    const QByteArray host = m_endpoint.address.toUtf8();
    libssh::ssh_options_set(m_session, SSH_OPTIONS_HOST, host.constData());
    if (m_endpoint.useSshConfig) {
        // Resolves ~/.ssh/config aliases (HostName, Port, User, IdentityFile). Explicit workspace
        // values are set afterwards so they win, as on the ssh command line.
        // libssh runs `Match exec` while parsing: a workspace's file is checked before that.
        if (!m_endpoint.sshConfigFile.isEmpty())
            if (const Status allowed = SshConfig::checkWorkspaceConfig(m_endpoint.sshConfigFile);
                !allowed)
                return allowed;
        const QByteArray configFile = m_endpoint.sshConfigFile.toUtf8();
        libssh::ssh_options_parse_config(m_session,
                                         configFile.isEmpty() ? nullptr : configFile.constData());
    }
    int processConfig = 0;
    libssh::ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &processConfig);
    if (m_endpoint.port > 0) {
        const unsigned int port = unsigned(m_endpoint.port);
        libssh::ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
    }
    if (!m_endpoint.user.isEmpty())
        libssh::ssh_options_set(m_session, SSH_OPTIONS_USER, m_endpoint.user.toUtf8().constData());
    if (!m_endpoint.knownHostsFile.isEmpty())
        libssh::ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS,
                                m_endpoint.knownHostsFile.toUtf8().constData());
    const long timeout = m_endpoint.connectTimeoutSeconds;
    libssh::ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &timeout);
    if (!m_jump) {
        char *proxyCommand = nullptr;
        if (libssh::ssh_options_get(m_session, SSH_OPTIONS_PROXYCOMMAND, &proxyCommand) == SSH_OK &&
            proxyCommand) {
            const QString command = QString::fromUtf8(proxyCommand);
            libssh::ssh_string_free_char(proxyCommand);
            if (command.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0) {
                if (const Status allowed = allowProxyCommand(command); !allowed)
                    return allowed;
                return success(); // the user's own ~/.ssh/config says how to get there
            }
        }
    } else {
        // Native jump: libssh would turn ProxyJump into `ssh -W`, which needs the OpenSSH client.
        libssh::ssh_options_set(m_session, SSH_OPTIONS_PROXYCOMMAND, "none");
    }
    const auto [target, port] = resolvedTarget(m_session, host);
    const Result<int> fd = openTransport(target, port);
    if (!fd)
        return fd.error();
    m_transportTarget = std::pair(target, port);
    socket_t socket = fd.value();
    setSocket(socket);
    libssh::ssh_options_set(m_session, SSH_OPTIONS_FD, &socket);
    return success();
}

Result<int> SshWorker::openTransport(const QByteArray &host, unsigned int port)
{
    if (!m_jump)
        return connectTcp(host, port);
    auto promise = std::make_shared<std::promise<Result<int>>>();
    std::future<Result<int>> future = promise->get_future();
    SshWorker *jump = m_jump;
    m_jump->post(
        [jump, promise, host, port] { promise->set_value(jump->bridge(host, int(port))); });
    const std::optional<Result<int>> fd = waitFor(std::move(future));
    if (!fd)
        return Result<int>::failure(QStringLiteral("cancelled"));
    if (!fd->ok())
        return Result<int>::failure(
            QStringLiteral("via %1: %2").arg(m_jump->m_endpoint.name, fd->errorString()));
    return fd->value();
}

Status SshWorker::allowProxyCommand(const QString &command) const
{
    // ProxyJump is chained natively by SshPool (as jump hosts); reaching here with libssh's
    // `ssh -W` stand-in would start the OpenSSH client, which ignores our known_hosts.
    if (SshConfig::hopsFromProxyCommand(command))
        return Status::failure(
            QStringLiteral("%1: ProxyJump from ssh config is chained by Opsdeck itself; open the "
                           "host through the workspace (its jump hosts were not set up)")
                .arg(m_endpoint.name));
    if (!m_endpoint.sshConfigFile.isEmpty())
        return Status::failure(
            QStringLiteral("%1: a workspace's ssh config may not run commands (ProxyCommand %2)")
                .arg(m_endpoint.name, command));
    return success();
}

Result<int> SshWorker::connectTcp(const QByteArray &host, unsigned int port)
{
    // Our own non-blocking connect, so shutdown can interrupt it and so the socket is ours to
    // shutdown() later; libssh takes it over with SSH_OPTIONS_FD (and closes it).
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *addresses = nullptr;
    const QByteArray service = QByteArray::number(port);
    if (const int rc = ::getaddrinfo(host.constData(), service.constData(), &hints, &addresses);
        rc != 0)
        return Result<int>::failure(QStringLiteral("cannot connect to %1 (%2): %3")
                                        .arg(m_endpoint.name, m_endpoint.displayAddress(),
                                             QString::fromLocal8Bit(gai_strerror(rc))));
    QString lastError = QStringLiteral("no address");
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(m_endpoint.connectTimeoutSeconds);
    int connected = -1;
    for (addrinfo *a = addresses; a && connected < 0 && !stopping(); a = a->ai_next) {
        const int fd =
            ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0)
            continue;
        setSocket(fd);
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        while (rc != 0 && errno == EINPROGRESS && !stopping() &&
               std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 50) == 1) {
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
                rc = error == 0 ? 0 : -1;
                errno = error;
                break;
            }
        }
        if (rc == 0) {
            ::fcntl(fd, F_SETFL,
                    ::fcntl(fd, F_GETFL) & ~O_NONBLOCK); // libssh wants a blocking socket
            connected = fd;
            break;
        }
        lastError = errno == EINPROGRESS ? QStringLiteral("timed out")
                                         : QString::fromLocal8Bit(strerror(errno));
        setSocket(-1);
        ::close(fd);
    }
    ::freeaddrinfo(addresses);
    if (connected < 0)
        return Result<int>::failure(QStringLiteral("cannot connect to %1 (%2): %3")
                                        .arg(m_endpoint.name, m_endpoint.displayAddress(),
                                             stopping() ? QStringLiteral("cancelled") : lastError));
    return connected;
}

Status SshWorker::connectSession()
{
    m_transportTarget.reset();
    m_session = libssh::ssh_new();
    if (!m_session)
        return Status::failure(QStringLiteral("out of memory"));
    libssh::ssh_set_blocking(m_session, 1);
    if (const Status configured = configureSession(); !configured)
        return configured;
    if (libssh::ssh_connect(m_session) != SSH_OK)
        return Status::failure(
            QStringLiteral("cannot connect to %1 (%2): %3")
                .arg(m_endpoint.name, m_endpoint.displayAddress(), sessionError(m_session)));
    if (const Status verified = verifyHostKey(); !verified)
        return verified;
    return authenticate();
}

Status SshWorker::verifyHostKey()
{
    ssh_key serverKey = nullptr;
    if (libssh::ssh_get_server_publickey(m_session, &serverKey) != SSH_OK)
        return Status::failure(QStringLiteral("%1 sent no host key").arg(m_endpoint.name));
    HostKeyInfo info;
    info.hostName = m_endpoint.name;
    info.fingerprint = fingerprintOf(serverKey);
    info.keyType = QString::fromUtf8(libssh::ssh_key_type_to_char(libssh::ssh_key_type(serverKey)));
    QByteArray keyBlob;
    char *base64 = nullptr;
    if (libssh::ssh_pki_export_pubkey_base64(serverKey, &base64) == SSH_OK) {
        keyBlob = QByteArray::fromBase64(base64);
        libssh::ssh_string_free_char(base64);
    }
    libssh::ssh_key_free(serverKey);
    char *host = nullptr;
    libssh::ssh_options_get(m_session, SSH_OPTIONS_HOST, &host);
    const QByteArray hostName(host);
    libssh::ssh_string_free_char(host);
    unsigned int port = 22;
    libssh::ssh_options_get_port(m_session, &port);
    info.address = knownHostsAddress(QString::fromUtf8(hostName), port);
    info.knownHostsFile = m_endpoint.knownHostsFile.isEmpty()
                              ? QDir::homePath() + QStringLiteral("/.ssh/known_hosts")
                              : m_endpoint.knownHostsFile;

    // Our own reading of known_hosts, not libssh 0.10's: it accepts @revoked keys, and one bad
    // line for a host hides that host's other entries, so a changed key looked unknown.
    KnownHosts::Parsed known = KnownHosts::read(info.knownHostsFile);
    const KnownHosts::Parsed global = KnownHosts::read(QStringLiteral("/etc/ssh/ssh_known_hosts"));
    known.entries += global.entries;
    known.warnings += global.warnings;
    for (const QString &warning : std::as_const(known.warnings))
        qWarning("opsdeck: known_hosts: %s", qPrintable(warning));
    const KnownHosts::Verdict verdict =
        KnownHosts::verify(known.entries, info.address.toUtf8(), info.keyType.toUtf8(), keyBlob);
    switch (verdict.status) {
    case KnownHosts::Verdict::Status::Known:
        info.status = HostKeyInfo::Status::Known;
        m_events.hostKeyVerified(info);
        return success();
    case KnownHosts::Verdict::Status::Revoked:
        info.status = HostKeyInfo::Status::Changed;
        m_refused = true;
        m_events.hostKeyVerified(info);
        return Status::failure(QStringLiteral("HOST KEY REVOKED for %1 (%2): %3 (%4) is marked "
                                              "@revoked at %5. Refusing to connect.")
                                   .arg(m_endpoint.name, info.address, info.fingerprint,
                                        info.keyType, verdict.revokedBy));
    case KnownHosts::Verdict::Status::Changed: {
        // libssh does not hand back the recorded entry for a changed key: read it ourselves.
        info.knownFingerprint = KnownHosts::recordedFingerprints(info.knownHostsFile, info.address)
                                    .join(QStringLiteral(", "));
        info.status = HostKeyInfo::Status::Changed;
        m_refused = true;
        m_events.hostKeyVerified(info);
        // No override here, on purpose: a changed key is either a reinstall (fix known_hosts by
        // hand) or an attack, and a button would teach people to click through the second.
        return Status::failure(
            QStringLiteral("HOST KEY CHANGED for %1 (%2): %3 recorded %4, server offered %5 (%6). "
                           "Refusing to connect. If the host was reinstalled, remove its old line "
                           "from %3 (%7).")
                .arg(m_endpoint.name, info.address, info.knownHostsFile,
                     info.knownFingerprint.isEmpty() ? QStringLiteral("another key")
                                                     : info.knownFingerprint,
                     info.fingerprint, info.keyType, verdict.recorded.join(QStringLiteral(", "))));
    }
    case KnownHosts::Verdict::Status::Unknown:
        break;
    }

    // Not recorded itself: a @cert-authority line may vouch for it through the host certificate.
    if (const std::optional<HostCert::Vouch> vouch =
            vouchByCertificate(info, keyBlob, hostName, known.entries)) {
        switch (vouch->status) {
        case HostCert::Vouch::Status::Vouched:
            info.status = HostKeyInfo::Status::Known;
            info.certifiedBy = vouch->source;
            m_events.hostKeyVerified(info);
            return success();
        case HostCert::Vouch::Status::Revoked:
            info.status = HostKeyInfo::Status::Changed;
            m_refused = true;
            m_events.hostKeyVerified(info);
            return Status::failure(QStringLiteral("HOST KEY REVOKED for %1 (%2): the CA that "
                                                  "signed its certificate is marked @revoked at "
                                                  "%3. Refusing to connect.")
                                       .arg(m_endpoint.name, info.address, vouch->source));
        case HostCert::Vouch::Status::Invalid:
            // As OpenSSH does: an unusable certificate falls back to the plain key (asked about).
            info.certificateProblem = vouch->reason;
            qWarning("opsdeck: %s: host certificate not accepted: %s", qPrintable(m_endpoint.name),
                     qPrintable(vouch->reason));
            break;
        }
    }

    info.status = HostKeyInfo::Status::Unknown;
    const std::optional<HostKeyDecision> decision = m_events.askHostKey
                                                        ? waitFor(m_events.askHostKey(info))
                                                        : std::optional(HostKeyDecision::Reject);
    if (!decision || *decision == HostKeyDecision::Reject) {
        m_refused = true;
        return Status::failure(
            QStringLiteral("host key of %1 (%2, %3) is not trusted%4")
                .arg(m_endpoint.name, info.address, info.fingerprint,
                     info.certificateProblem.isEmpty()
                         ? QString()
                         : QStringLiteral(" (its certificate: %1)").arg(info.certificateProblem)));
    }
    if (*decision == HostKeyDecision::TrustAlways) {
        char *line = nullptr;
        if (libssh::ssh_session_export_known_hosts_entry(m_session, &line) == SSH_OK) {
            const Status written = KnownHosts::appendEntry(info.knownHostsFile, QByteArray(line),
                                                           KnownHosts::configHashesKnownHosts());
            libssh::ssh_string_free_char(line);
            if (!written)
                return written;
        }
    }
    m_events.hostKeyVerified(info);
    return success();
}

std::optional<HostCert::Vouch>
SshWorker::vouchByCertificate(const HostKeyInfo &info, const QByteArray &keyBlob,
                              const QByteArray &hostName, const QList<KnownHosts::Entry> &entries)
{
    if (KnownHosts::authoritiesFor(entries, info.address.toUtf8()).isEmpty())
        return std::nullopt;
    using Vouch = HostCert::Vouch;
    // libssh 0.10 cannot negotiate a certificate as the host key, so the certificate comes from
    // a second, short key exchange to the same place, and counts only if it certifies the very
    // key this session's exchange was signed with.
    if (!m_transportTarget)
        return Vouch{Vouch::Status::Invalid,
                     QStringLiteral("a ProxyCommand carries the session, so its certificate "
                                    "cannot be fetched"),
                     {}};
    const QByteArray algorithms = HostCert::certificateAlgorithmsFor(info.keyType.toUtf8());
    if (algorithms.isEmpty())
        return Vouch{Vouch::Status::Invalid,
                     QStringLiteral("%1 keys have no certificate type").arg(info.keyType),
                     {}};
    const Result<int> fd = openTransport(m_transportTarget->first, m_transportTarget->second);
    setSocket(
        libssh::ssh_get_fd(m_session)); // connectTcp() registered the probe's socket meanwhile
    if (!fd)
        return Vouch{Vouch::Status::Invalid,
                     QStringLiteral("cannot fetch it: %1").arg(fd.errorString()),
                     {}};
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(m_endpoint.connectTimeoutSeconds);
    const Result<QByteArray> certificate =
        HostCert::fetchCertificate(fd.value(), algorithms, deadline, [this] { return stopping(); });
    if (!certificate)
        return Vouch{Vouch::Status::Invalid,
                     QStringLiteral("cannot fetch it: %1").arg(certificate.errorString()),
                     {}};
    return HostCert::vouchFor(certificate.value(), keyBlob, hostName, info.address.toUtf8(),
                              entries, QDateTime::currentDateTimeUtc());
}

namespace {

struct PassphraseContext
{
    std::function<std::optional<QByteArray>(const QString &)> ask;
};

int passphraseCallback(const char *prompt, char *buf, size_t len, int, int, void *userdata)
{
    auto *context = static_cast<PassphraseContext *>(userdata);
    std::optional<QByteArray> secret = context->ask(QString::fromUtf8(prompt));
    if (!secret || std::size_t(secret->size()) >= len)
        return -1;
    std::memcpy(buf, secret->constData(), std::size_t(secret->size()));
    buf[secret->size()] = '\0';
    secret->fill('\0');
    return 0;
}

} // namespace

Status SshWorker::authenticateWithKeyFile(const QString &path)
{
    PassphraseContext context{[this, path](const QString &) -> std::optional<QByteArray> {
        if (!m_events.askSecret)
            return std::nullopt;
        const auto answer = waitFor(m_events.askSecret(
            QStringLiteral("Passphrase for %1").arg(QFileInfo(path).fileName())));
        return answer ? *answer : std::nullopt;
    }};
    ssh_key key = nullptr;
    if (libssh::ssh_pki_import_privkey_file(path.toUtf8().constData(), nullptr, passphraseCallback,
                                            &context, &key) != SSH_OK)
        return Status::failure(
            QStringLiteral("cannot read the key %1 (wrong passphrase?)").arg(path));
    const int rc = libssh::ssh_userauth_publickey(m_session, nullptr, key);
    libssh::ssh_key_free(key);
    if (rc == SSH_AUTH_SUCCESS)
        return success();
    return Status::failure(QStringLiteral("key %1 was not accepted").arg(path));
}

Status SshWorker::authenticate()
{
    char *userName = nullptr;
    libssh::ssh_options_get(m_session, SSH_OPTIONS_USER, &userName);
    const QString user = QString::fromUtf8(userName);
    libssh::ssh_string_free_char(userName);

    QStringList tried;
    if (libssh::ssh_userauth_none(m_session, nullptr) == SSH_AUTH_SUCCESS)
        return success();
    const int methods = libssh::ssh_userauth_list(m_session, nullptr);
    if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
        if (!m_endpoint.identityFile.isEmpty()) {
            const Status keyFile = authenticateWithKeyFile(m_endpoint.identityFile);
            if (keyFile)
                return success();
            tried << keyFile.errorString();
        }
        if (qEnvironmentVariableIsSet("SSH_AUTH_SOCK")) {
            tried << QStringLiteral("ssh-agent");
            if (libssh::ssh_userauth_agent(m_session, nullptr) == SSH_AUTH_SUCCESS)
                return success();
        }
        tried << QStringLiteral("default keys");
        if (libssh::ssh_userauth_publickey_auto(m_session, nullptr, nullptr) == SSH_AUTH_SUCCESS)
            return success();
    }
    if ((methods & SSH_AUTH_METHOD_PASSWORD) && m_events.askSecret) {
        tried << QStringLiteral("password");
        const auto password = waitFor(
            m_events.askSecret(QStringLiteral("Password for %1@%2").arg(user, m_endpoint.name)));
        if (password && *password) {
            QByteArray secret = **password;
            const int rc = libssh::ssh_userauth_password(m_session, nullptr, secret.constData());
            secret.fill('\0');
            if (rc == SSH_AUTH_SUCCESS)
                return success();
        }
    }
    return Status::failure(QStringLiteral("authentication failed for %1@%2 (tried: %3)")
                               .arg(user, m_endpoint.name, tried.join(QStringLiteral(", "))));
}

} // namespace Opsdeck
