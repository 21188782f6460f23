// SPDX-License-Identifier: GPL-3.0-or-later
// The first messages of an SSH key exchange (RFC 4253 §4.2, §7, RFC 5656 §4, RFC 8731), just far
// enough to read the server's host key blob. Nothing is encrypted and no secret is kept.
#include "hostcertprobe.h"

#include "sshwire.h"

#include <QList>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cerrno>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Opsdeck::HostCert {

namespace {

constexpr quint8 kMsgDisconnect = 1;
constexpr quint8 kMsgKexInit = 20;
constexpr quint8 kMsgKexEcdhInit = 30;
constexpr quint8 kMsgKexEcdhReply = 31;
constexpr quint32 kMaxPacketBytes = 35000;       // RFC 4253 §6.1
constexpr qsizetype kMaxBannerBytes = 64 * 1024; // lines a server may send before its version
constexpr int kMaxPacketsBeforeReply = 16;

class Connection
{
public:
    Connection(int fd, std::chrono::steady_clock::time_point deadline,
               const std::function<bool()> &stopping)
        : m_fd(fd)
        , m_deadline(deadline)
        , m_stopping(stopping)
    {}
    ~Connection() { ::close(m_fd); }

    Status send(const QByteArray &bytes)
    {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            if (const Status ready = wait(POLLOUT); !ready)
                return ready;
            const ssize_t n =
                ::send(m_fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n < 0 && errno != EINTR && errno != EAGAIN)
                return Status::failure(QString::fromLocal8Bit(strerror(errno)));
            sent += qMax<ssize_t>(n, 0);
        }
        return success();
    }

    /** The server's identification line; lines before it are skipped (RFC 4253 §4.2). */
    Result<QByteArray> versionLine()
    {
        while (true) {
            const qsizetype end = m_buffer.indexOf('\n');
            if (end >= 0) {
                const QByteArray line = m_buffer.left(end).trimmed();
                m_buffer.remove(0, end + 1);
                if (line.startsWith("SSH-"))
                    return line;
                m_consumed += end + 1;
                continue;
            }
            if (m_consumed + m_buffer.size() > kMaxBannerBytes)
                return Result<QByteArray>::failure(QStringLiteral("no SSH version line"));
            if (const Status more = fill(); !more)
                return more.error();
        }
    }

    /** The next packet's payload (unencrypted: before the first NEWKEYS). */
    Result<QByteArray> packet()
    {
        while (m_buffer.size() < 5)
            if (const Status more = fill(); !more)
                return more.error();
        SshWire::Reader header(m_buffer.left(5));
        const quint32 length = header.u32();
        const quint8 padding = header.byte();
        if (length > kMaxPacketBytes || length < quint32(padding) + 1)
            return Result<QByteArray>::failure(QStringLiteral("malformed packet"));
        while (m_buffer.size() < qsizetype(length) + 4)
            if (const Status more = fill(); !more)
                return more.error();
        const QByteArray payload = m_buffer.mid(5, length - padding - 1);
        m_buffer.remove(0, length + 4);
        return payload;
    }

private:
    Status wait(short events)
    {
        while (true) {
            if (m_stopping && m_stopping())
                return Status::failure(QStringLiteral("cancelled"));
            if (std::chrono::steady_clock::now() >= m_deadline)
                return Status::failure(QStringLiteral("timed out"));
            pollfd p{m_fd, events, 0};
            if (::poll(&p, 1, 50) == 1)
                return success();
        }
    }

    Status fill()
    {
        if (const Status ready = wait(POLLIN); !ready)
            return ready;
        char chunk[8192];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n == 0)
            return Status::failure(QStringLiteral("the server closed the connection"));
        if (n < 0)
            return errno == EINTR || errno == EAGAIN
                       ? success()
                       : Status::failure(QString::fromLocal8Bit(strerror(errno)));
        m_buffer.append(chunk, n);
        return success();
    }

    int m_fd;
    std::chrono::steady_clock::time_point m_deadline;
    const std::function<bool()> &m_stopping;
    QByteArray m_buffer;
    qsizetype m_consumed = 0;
};

QByteArray framed(const QByteArray &payload)
{
    // Padding of at least 4 bytes so that the whole packet is a multiple of 8.
    int padding = 8 - int((payload.size() + 5) % 8);
    if (padding < 4)
        padding += 8;
    return SshWire::u32(quint32(payload.size() + padding + 1)) + char(padding) + payload +
           QByteArray(padding, '\0');
}

QByteArray kexInit(const QByteArray &hostKeyAlgorithms)
{
    QByteArray cookie(16, '\0');
    RAND_bytes(reinterpret_cast<unsigned char *>(cookie.data()), 16);
    const QByteArray ciphers = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
                               "aes128-gcm@openssh.com,aes256-gcm@openssh.com";
    const QByteArray macs = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
                            "hmac-sha2-256,hmac-sha2-512";
    QByteArray payload(1, char(kMsgKexInit));
    payload += cookie;
    payload += SshWire::string("curve25519-sha256,curve25519-sha256@libssh.org");
    payload += SshWire::string(hostKeyAlgorithms);
    payload += SshWire::string(ciphers) + SshWire::string(ciphers);
    payload += SshWire::string(macs) + SshWire::string(macs);
    payload += SshWire::string("none") + SshWire::string("none");
    payload += SshWire::string({}) + SshWire::string({});
    payload += char(0) + SshWire::u32(0); // no guessed packet follows; reserved
    return payload;
}

/** What the server's KEXINIT lacks for our probe, or "" when it can go on. */
QString missingFromServer(const QByteArray &serverKexInit, const QByteArray &hostKeyAlgorithms)
{
    SshWire::Reader in(serverKexInit);
    in.byte();
    for (int i = 0; i < 16; ++i)
        in.byte();
    const QList<QByteArray> kex = in.string().split(',');
    const QList<QByteArray> hostKeys = in.string().split(',');
    if (!in.ok())
        return QStringLiteral("a malformed KEXINIT");
    if (!kex.contains("curve25519-sha256") && !kex.contains("curve25519-sha256@libssh.org"))
        return QStringLiteral("no curve25519 key exchange to fetch a certificate with");
    for (const QByteArray &wanted : hostKeyAlgorithms.split(','))
        if (hostKeys.contains(wanted))
            return {};
    return QStringLiteral("no host certificate (it offers %1)")
        .arg(QString::fromLatin1(hostKeys.join(',')));
}

Result<QByteArray> x25519PublicKey()
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    QByteArray pub(32, '\0');
    size_t length = 32;
    const bool ok = key && EVP_PKEY_get_raw_public_key(
                               key, reinterpret_cast<unsigned char *>(pub.data()), &length) == 1;
    EVP_PKEY_free(key);
    if (!ok || length != 32)
        return Result<QByteArray>::failure(QStringLiteral("cannot make an X25519 key"));
    return pub;
}

} // namespace

Result<QByteArray> fetchCertificate(int fd, const QByteArray &algorithms,
                                    std::chrono::steady_clock::time_point deadline,
                                    const std::function<bool()> &stopping)
{
    Connection connection(fd, deadline, stopping);
    if (const Status sent = connection.send(QByteArray("SSH-2.0-Opsdeck_certprobe\r\n") +
                                            framed(kexInit(algorithms)));
        !sent)
        return sent.error();
    if (const Result<QByteArray> version = connection.versionLine(); !version)
        return version.error();
    for (int i = 0; i < kMaxPacketsBeforeReply; ++i) {
        const Result<QByteArray> payload = connection.packet();
        if (!payload)
            return payload.error();
        SshWire::Reader in(payload.value());
        switch (in.byte()) {
        case kMsgKexInit: {
            if (const QString missing = missingFromServer(payload.value(), algorithms);
                !missing.isEmpty())
                return Result<QByteArray>::failure(QStringLiteral("the server offers ") + missing);
            const Result<QByteArray> ephemeral = x25519PublicKey();
            if (!ephemeral)
                return ephemeral.error();
            if (const Status sent = connection.send(framed(QByteArray(1, char(kMsgKexEcdhInit)) +
                                                           SshWire::string(ephemeral.value())));
                !sent)
                return sent.error();
            break;
        }
        case kMsgKexEcdhReply: {
            const QByteArray hostKey = in.string();
            if (!in.ok())
                return Result<QByteArray>::failure(QStringLiteral("malformed key exchange reply"));
            return hostKey;
        }
        case kMsgDisconnect:
            in.u32();
            return Result<QByteArray>::failure(
                QStringLiteral("the server disconnected: %1").arg(QString::fromUtf8(in.string())));
        default: // IGNORE, DEBUG, ext-info: nothing we need
            break;
        }
    }
    return Result<QByteArray>::failure(QStringLiteral("no key exchange reply"));
}

} // namespace Opsdeck::HostCert
