// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "age.h"
#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Opsdeck::Sops {

/**
 * One sops value envelope, `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`: AES-256-GCM with sops's
 * 32-byte IV, the key path as AAD ("a:b:c:"), and the Go type name of the plaintext.
 */
struct Envelope
{
    QByteArray data;
    QByteArray iv;  // 32 bytes
    QByteArray tag; // 16 bytes
    QString type;   // str, int, float, bool, time, comment, bytes

    static bool looksEncrypted(const QByteArray &text)
    {
        return text.startsWith("ENC[AES256_GCM,");
    }
    static Result<Envelope> parse(const QByteArray &text);
    static Result<Envelope> parse(const QString &text);
    QString toString() const;
    QByteArray toBytes() const; // the same, without a trip through UTF-16 (values can be megabytes)
};

/** "app2:db:user:" — mapping keys only, list indices never, always a trailing colon. */
QByteArray additionalData(const QStringList &path);

/** The plaintext bytes (as sops writes them for `type`); an error for a wrong key or a changed
 * value. */
Result<QByteArray> decryptValue(const QByteArray &dataKey, const Envelope &envelope,
                                const QByteArray &aad);
/** `iv` empty: a fresh random one (pass the old one to keep an unchanged value's ciphertext). */
Envelope encryptValue(const QByteArray &dataKey, const QByteArray &plaintext, const QString &type,
                      const QByteArray &aad, const QByteArray &iv = {});

/** The 32-byte data key from one `sops.age[].enc` block (an armored age file). */
Result<QByteArray> unwrapDataKey(const QByteArray &armoredAge,
                                 const QList<Age::Identity> &identities);
QByteArray wrapDataKey(const QByteArray &dataKey, const Age::Recipient &recipient);

/** sops re-formats `lastmodified` (RFC 3339) before using it as the MAC's AAD. */
QByteArray canonicalLastModified(const QString &text);

/** How a file's stored MAC compares with the one computed from its values. */
struct MacCheck
{
    bool verified = false;
    QString status;    // "verified", or sops's words for what is wrong
    QString errorCode; // mac-missing, mac-undecryptable, mac-mismatch
};

/** Decrypts the stored `mac` (empty: none; AAD = lastmodified) and compares it with `computed`. */
MacCheck checkMac(const QByteArray &dataKey, const QString &storedMac, const QString &lastModified,
                  const QString &computed);

/** SHA-512 over the leaves' bytes in walk order, uppercase hex (sops's MAC before encryption). */
QString macOf(const QList<QByteArray> &leaves, bool onlyEncrypted = false);

} // namespace Opsdeck::Sops
