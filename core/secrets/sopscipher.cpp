// SPDX-License-Identifier: GPL-3.0-or-later
#include "sopscipher.h"

#include "agecrypto.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRegularExpression>

#include <openssl/evp.h>

#include <memory>

namespace Opsdeck::Sops {

namespace {

constexpr int kIvSize = 32;
constexpr int kTagSize = 16;
constexpr int kKeySize = 32;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char *u(const QByteArray &b)
{
    return reinterpret_cast<const unsigned char *>(b.constData());
}

unsigned char *u(QByteArray &b)
{
    return reinterpret_cast<unsigned char *>(b.data());
}

/** Go's StdEncoding as sops uses it: padding required, CR/LF ignored. */
std::optional<QByteArray> decodeBase64(QByteArray text)
{
    if (text.contains('\n') || text.contains('\r')) // memchr: the usual value has neither
        text.replace('\r', QByteArray()).replace('\n', QByteArray());
    const auto decoded =
        QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || text.size() % 4 != 0)
        return std::nullopt;
    return *decoded;
}

/** GCM with a nonce of any length (sops: 32 bytes): the IV length is set before key and IV. */
bool initGcm(EVP_CIPHER_CTX *ctx, bool encrypt, const QByteArray &key, const QByteArray &iv)
{
    const auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
    return init(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, int(iv.size()), nullptr) == 1 &&
           init(ctx, nullptr, nullptr, u(key), u(iv)) == 1;
}

} // namespace

Result<Envelope> Envelope::parse(const QString &text)
{
    return parse(text.toUtf8());
}

Result<Envelope> Envelope::parse(const QByteArray &text)
{
    // sops's regex `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]`, without a regex and
    // on bytes: values can be megabytes (a binary file is one value), and greedy groups mean "the
    // last".
    static const QByteArray prefix = "ENC[AES256_GCM,data:";
    const qsizetype close = text.lastIndexOf(']');
    const qsizetype type = text.lastIndexOf(",type:", close);
    const qsizetype tag = type > 0 ? text.lastIndexOf(",tag:", type - 1) : -1;
    const qsizetype iv = tag > 0 ? text.lastIndexOf(",iv:", tag - 1) : -1;
    if (!text.startsWith(prefix) || iv <= prefix.size() || tag <= iv + 4 || type <= tag + 5 ||
        close <= type + 6)
        return Result<Envelope>::failure(QStringLiteral("not a sops AES256_GCM value"));
    const auto data = decodeBase64(text.mid(prefix.size(), iv - prefix.size()));
    const auto ivBytes = decodeBase64(text.mid(iv + 4, tag - iv - 4));
    const auto tagBytes = decodeBase64(text.mid(tag + 5, type - tag - 5));
    const QString typeName = QString::fromUtf8(text.mid(type + 6, close - type - 6));
    if (!data || !ivBytes || !tagBytes || ivBytes->isEmpty() || tagBytes->size() != kTagSize)
        return Result<Envelope>::failure(
            QStringLiteral("malformed sops value (base64 of data, iv or tag)"));
    static const QStringList known = {QStringLiteral("str"),   QStringLiteral("int"),
                                      QStringLiteral("float"), QStringLiteral("bool"),
                                      QStringLiteral("time"),  QStringLiteral("comment"),
                                      QStringLiteral("bytes")};
    if (!known.contains(typeName))
        return Result<Envelope>::failure(
            QStringLiteral("unknown sops value type '%1'").arg(typeName));
    return Envelope{*data, *ivBytes, *tagBytes, typeName};
}

QByteArray Envelope::toBytes() const
{
    return "ENC[AES256_GCM,data:" + data.toBase64() + ",iv:" + iv.toBase64() +
           ",tag:" + tag.toBase64() + ",type:" + type.toUtf8() + ']';
}

QString Envelope::toString() const
{
    return QString::fromUtf8(toBytes());
}

QByteArray additionalData(const QStringList &path)
{
    QByteArray out;
    for (const QString &key : path)
        out += key.toUtf8() + ':';
    return out.isEmpty() ? QByteArray(":") : out;
}

Result<QByteArray> decryptValue(const QByteArray &dataKey, const Envelope &e, const QByteArray &aad)
{
    using R = Result<QByteArray>;
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    QByteArray out(e.data.size(), '\0');
    int length = 0;
    QByteArray tag = e.tag;
    const bool ok = ctx && dataKey.size() == kKeySize && initGcm(ctx.get(), false, dataKey, e.iv) &&
                    (aad.isEmpty() || EVP_DecryptUpdate(ctx.get(), nullptr, &length, u(aad),
                                                        int(aad.size())) == 1) &&
                    (e.data.isEmpty() || EVP_DecryptUpdate(ctx.get(), u(out), &length, u(e.data),
                                                           int(e.data.size())) == 1) &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, u(tag)) == 1 &&
                    EVP_DecryptFinal_ex(ctx.get(), u(out) + length, &length) == 1;
    if (!ok) {
        AgeCrypto::cleanse(out);
        return R::failure(
            QStringLiteral("could not decrypt the value (wrong data key, or the value or its key "
                           "path was changed)"));
    }
    return out;
}

Envelope encryptValue(const QByteArray &dataKey, const QByteArray &plaintext, const QString &type,
                      const QByteArray &aad, const QByteArray &iv)
{
    Envelope e;
    e.type = type;
    e.iv = iv.isEmpty() ? AgeCrypto::randomBytes(kIvSize) : iv;
    e.data = QByteArray(plaintext.size(), '\0');
    e.tag = QByteArray(kTagSize, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int length = 0;
    const bool ok =
        ctx && initGcm(ctx.get(), true, dataKey, e.iv) &&
        (aad.isEmpty() ||
         EVP_EncryptUpdate(ctx.get(), nullptr, &length, u(aad), int(aad.size())) == 1) &&
        (plaintext.isEmpty() || EVP_EncryptUpdate(ctx.get(), u(e.data), &length, u(plaintext),
                                                  int(plaintext.size())) == 1) &&
        EVP_EncryptFinal_ex(ctx.get(), u(e.data) + length, &length) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, u(e.tag)) == 1;
    if (!ok)
        qFatal("opsdeck: AES-256-GCM encryption failed"); // only with a broken OpenSSL or a bad key
                                                          // size
    return e;
}

Result<QByteArray> unwrapDataKey(const QByteArray &armoredAge,
                                 const QList<Age::Identity> &identities)
{
    using R = Result<QByteArray>;
    const Result<QByteArray> binary = Age::dearmor(armoredAge);
    if (!binary)
        return R::failure(binary.errorString());
    Age::Decrypted d = Age::decrypt(*binary, identities);
    if (!d.ok())
        return R::failure(d.failure == Age::Failure::NoMatch
                              ? QStringLiteral("none of your age identities is a "
                                               "recipient of this file")
                              : d.error);
    if (d.plaintext.size() != kKeySize) {
        AgeCrypto::cleanse(d.plaintext);
        return R::failure(QStringLiteral("the wrapped data key is not 32 bytes"));
    }
    return d.plaintext;
}

QByteArray wrapDataKey(const QByteArray &dataKey, const Age::Recipient &recipient)
{
    return Age::encrypt(dataKey, {recipient}, true);
}

QString macOf(const QList<QByteArray> &leaves, bool onlyEncrypted)
{
    AgeCrypto::Digest hash(AgeCrypto::Digest::Sha512);
    if (onlyEncrypted) {
        AgeCrypto::Digest marker(AgeCrypto::Digest::Sha256);
        marker.addData("sops");
        hash.addData(marker.result());
    }
    for (const QByteArray &leaf : leaves)
        hash.addData(leaf);
    return QString::fromLatin1(hash.result().toHex().toUpper());
}

QByteArray canonicalLastModified(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return text.toUtf8();
    t = t.addMSecs(-t.time().msec()); // Go's RFC3339 drops fractional seconds
    if (t.offsetFromUtc() == 0)
        return t.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'")).toUtf8();
    return t.toString(Qt::ISODate).toUtf8();
}

MacCheck checkMac(const QByteArray &dataKey, const QString &storedMac, const QString &lastModified,
                  const QString &computed)
{
    MacCheck check;
    if (storedMac.isEmpty()) {
        check.status = QStringLiteral("could not decrypt the MAC: File has no MAC");
        check.errorCode = QStringLiteral("mac-missing");
        return check;
    }
    const Result<Envelope> envelope = Envelope::parse(storedMac);
    const Result<QByteArray> stored =
        envelope ? decryptValue(dataKey, *envelope, canonicalLastModified(lastModified))
                 : Result<QByteArray>::failure(envelope.errorString());
    if (!stored) {
        check.status = QStringLiteral("could not decrypt the MAC: %1").arg(stored.errorString());
        check.errorCode = QStringLiteral("mac-undecryptable");
    } else if (QString::fromLatin1(*stored) != computed) {
        check.status = QStringLiteral("MAC mismatch. File has %1, computed %2")
                           .arg(QString::fromLatin1(*stored), computed);
        check.errorCode = QStringLiteral("mac-mismatch");
    } else {
        check.verified = true;
        check.status = QStringLiteral("verified");
    }
    return check;
}

} // namespace Opsdeck::Sops
