// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Opsdeck::Age {

/**
 * age v1 (age-encryption.org/v1, C2SP age.md) with X25519 recipients: Bech32 keys, the header
 * and its MAC, the STREAM payload and the ASCII armor — what sops uses to wrap its data key,
 * byte-compatible with the `age` CLI. scrypt and hybrid (post-quantum) stanzas are recognised and
 * skipped, not implemented.
 */

/** How a decryption failed, in the categories of the age test vectors (CCTV). */
enum class Failure { None, Armor, Header, NoMatch, HeaderMac, Payload };
QString failureName(Failure failure);

struct Identity
{
    QByteArray secret; // 32-byte X25519 scalar
    ~Identity();

    static Result<Identity> parse(const QString &text); // AGE-SECRET-KEY-1…
    static Identity generate();
    QString toString() const;
    QString recipient() const; // age1…
};

/** An X25519 recipient. Only parse() makes one, so every recipient has been checked: a
 * low-order point (all-zero shared secret for every sender, which the age spec says MUST be
 * refused) would wrap the file key with a key anyone can compute. */
class Recipient
{
public:
    static Result<Recipient> parse(const QString &text); // age1…
    QString toString() const;
    const QByteArray &publicKey() const { return m_publicKey; } // 32 bytes

private:
    explicit Recipient(QByteArray publicKey)
        : m_publicKey(std::move(publicKey))
    {}
    QByteArray m_publicKey;
};

struct Stanza
{
    QString type;
    QList<QByteArray> arguments;
    QByteArray body;
};

struct Header
{
    QList<Stanza> stanzas;
    QByteArray mac;
    QByteArray macInput;         // the header's bytes up to and including "---"
    qsizetype payloadOffset = 0; // first byte after the header line
};

/** Strict parse of an (unarmored) age file's header. */
Result<Header> parseHeader(const QByteArray &file);
/** The header's bytes, without the MAC line's value (what the MAC covers is marshal() + "---"). */
QByteArray marshal(const QList<Stanza> &stanzas);

bool isArmored(const QByteArray &file);
QByteArray armor(const QByteArray &binary);
Result<QByteArray> dearmor(const QByteArray &armored);

struct Decrypted
{
    Failure failure = Failure::None;
    QString error;
    QByteArray plaintext; // what was released, even when a later chunk failed
    bool ok() const { return failure == Failure::None; }
};

/** Decrypts a binary or armored age file with the first identity that opens it, or with the
 * passphrase when the file is passphrase-protected (scrypt, work factor up to 2^22). */
Decrypted decrypt(const QByteArray &input, const QList<Identity> &identities,
                  const QByteArray &passphrase = {});
/** Encrypts to every recipient; armored as `age -a` writes it when `armored`. Empty only if a
 * recipient gives an all-zero shared secret, which parse() already refuses. */
QByteArray encrypt(const QByteArray &plaintext, const QList<Recipient> &recipients, bool armored);

namespace Bech32 {
QString encode(const QString &hrp, const QByteArray &data);
/** hrp (lowercased) and data; error on bad checksum, mixed case, bad padding. */
Result<std::pair<QString, QByteArray>> decode(const QString &text);
} // namespace Bech32

} // namespace Opsdeck::Age
