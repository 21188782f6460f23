// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace Opsdeck {

/** What a server offered and how it compares with known_hosts. */
struct HostKeyInfo
{
    enum class Status { Known, Unknown, Changed };

    QString hostName;         // workspace name
    QString address;          // as written to known_hosts: "host" or "[host]:port"
    QString keyType;          // "ssh-ed25519", ...
    QString fingerprint;      // "SHA256:..."
    QString knownFingerprint; // the recorded key's fingerprint when Changed
    QString knownHostsFile;
    QString certifiedBy;        // "file:line" of the @cert-authority line that vouched, if any
    QString certificateProblem; // why a CA line matched but the host's certificate did not pass
    Status status = Status::Unknown;
};

enum class HostKeyDecision { Reject, TrustOnce, TrustAlways };

/**
 * Asks the person at the keyboard. Called on the SshClient's thread; the answer may come later
 * (a dialog opened with open(), never exec()). Tests and the CLI inject their own.
 */
class SshPrompter
{
public:
    virtual ~SshPrompter() = default;
    virtual void askHostKey(const HostKeyInfo &info,
                            std::function<void(HostKeyDecision)> answer) = 0;
    /** A passphrase or password; answer(std::nullopt) when the user declines. */
    virtual void askSecret(const QString &prompt,
                           std::function<void(std::optional<QByteArray>)> answer) = 0;
};

/** Non-interactive prompter: rejects unknown keys (or trusts them once, for tests) and has no
 * secrets. */
class FixedPrompter final : public SshPrompter
{
public:
    explicit FixedPrompter(HostKeyDecision decision)
        : m_decision(decision)
    {}
    void askHostKey(const HostKeyInfo &, std::function<void(HostKeyDecision)> answer) override
    {
        ++m_hostKeyQuestions;
        answer(m_decision);
    }
    void askSecret(const QString &, std::function<void(std::optional<QByteArray>)> answer) override
    {
        answer(std::nullopt);
    }
    int hostKeyQuestions() const { return m_hostKeyQuestions; }

private:
    HostKeyDecision m_decision;
    int m_hostKeyQuestions = 0;
};

namespace KnownHosts {

/** True where ssh_config says `HashKnownHosts yes` (Debian's default /etc/ssh/ssh_config does). */
bool configHashesKnownHosts();

/** OpenSSH's hashed host field: |1|base64(salt)|base64(HMAC-SHA1(salt, host)). */
QByteArray hashHostField(const QByteArray &host, const QByteArray &salt);

/** Appends "host keytype key" (hashing the host field if asked) to the file, creating it. */
Status appendEntry(const QString &file, const QByteArray &plainEntryLine, bool hashed);

/** Fingerprints ("SHA256:...") of every key recorded for `address` ("host" or "[host]:port"). */
QStringList recordedFingerprints(const QString &file, const QString &address);

} // namespace KnownHosts

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::HostKeyInfo)
