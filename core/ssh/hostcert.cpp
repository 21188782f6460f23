// SPDX-License-Identifier: GPL-3.0-or-later
// OpenSSH host certificates: libssh 0.10 cannot negotiate them as a client, so the certificate is
// fetched separately (hostcertprobe) and checked here with OpenSSL's primitives.
#include "hostcert.h"

#include "sshwire.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace Opsdeck::HostCert {

namespace {

constexpr QByteArrayView kCertSuffix = "-cert-v01@openssh.com";

using PKeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

PKeyPtr noKey()
{
    return PKeyPtr(nullptr, &EVP_PKEY_free);
}

/** Ed25519 key fields, ECDSA key fields, or RSA key fields from a plain key blob. */
PKeyPtr importKey(const QByteArray &blob)
{
    SshWire::Reader in(blob);
    const QByteArray type = in.string();
    if (type == "ssh-ed25519") {
        const QByteArray pk = in.string();
        if (!in.atEnd() || pk.size() != 32)
            return noKey();
        return PKeyPtr(EVP_PKEY_new_raw_public_key(
                           EVP_PKEY_ED25519, nullptr,
                           reinterpret_cast<const unsigned char *>(pk.constData()), 32),
                       &EVP_PKEY_free);
    }
    OSSL_PARAM_BLD *build = OSSL_PARAM_BLD_new();
    const char *keyType = nullptr;
    BIGNUM *e = nullptr;
    BIGNUM *n = nullptr;
    QByteArray curve, point;
    if (type.startsWith("ecdsa-sha2-nistp")) {
        curve = in.string();
        point = in.string();
        const char *group = curve == "nistp256"   ? "P-256"
                            : curve == "nistp384" ? "P-384"
                            : curve == "nistp521" ? "P-521"
                                                  : nullptr;
        if (group && in.atEnd() && type.endsWith(curve)) {
            keyType = "EC";
            OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
            OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.constData(),
                                             size_t(point.size()));
        }
    } else if (type == "ssh-rsa") {
        const QByteArray exponent = in.mpint();
        const QByteArray modulus = in.mpint();
        if (in.atEnd() && modulus.size() >= 1024 / 8) { // OpenSSH's minimum RSA size
            keyType = "RSA";
            e = BN_bin2bn(reinterpret_cast<const unsigned char *>(exponent.constData()),
                          int(exponent.size()), nullptr);
            n = BN_bin2bn(reinterpret_cast<const unsigned char *>(modulus.constData()),
                          int(modulus.size()), nullptr);
            OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, n);
            OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, e);
        }
    }
    PKeyPtr key = noKey();
    if (keyType) {
        OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(build);
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, keyType, nullptr);
        EVP_PKEY *raw = nullptr;
        if (ctx && params && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &raw, EVP_PKEY_PUBLIC_KEY, params) == 1)
            key.reset(raw);
        EVP_PKEY_CTX_free(ctx);
        OSSL_PARAM_free(params);
    }
    OSSL_PARAM_BLD_free(build);
    BN_free(e);
    BN_free(n);
    return key;
}

/** SSH's ECDSA signature (mpint r, mpint s) as the DER OpenSSL verifies. */
QByteArray ecdsaSignatureToDer(const QByteArray &sshSignature)
{
    SshWire::Reader in(sshSignature);
    const QByteArray r = in.mpint();
    const QByteArray s = in.mpint();
    if (!in.atEnd() || r.isEmpty() || s.isEmpty())
        return {};
    ECDSA_SIG *sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(
        sig,
        BN_bin2bn(reinterpret_cast<const unsigned char *>(r.constData()), int(r.size()), nullptr),
        BN_bin2bn(reinterpret_cast<const unsigned char *>(s.constData()), int(s.size()), nullptr));
    unsigned char *der = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &der);
    QByteArray out =
        length > 0 ? QByteArray(reinterpret_cast<const char *>(der), length) : QByteArray();
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return out;
}

/** The digest an SSH signature algorithm uses with the CA key's type; null for Ed25519. */
std::optional<const EVP_MD *> digestFor(const QByteArray &algorithm, const QByteArray &caKeyType)
{
    if (algorithm == "ssh-ed25519" && caKeyType == "ssh-ed25519")
        return nullptr;
    if (algorithm == caKeyType && algorithm == "ecdsa-sha2-nistp256")
        return EVP_sha256();
    if (algorithm == caKeyType && algorithm == "ecdsa-sha2-nistp384")
        return EVP_sha384();
    if (algorithm == caKeyType && algorithm == "ecdsa-sha2-nistp521")
        return EVP_sha512();
    // ssh-rsa (SHA-1) is left out as OpenSSH's default CASignatureAlgorithms leaves it out.
    if (caKeyType == "ssh-rsa" && algorithm == "rsa-sha2-256")
        return EVP_sha256();
    if (caKeyType == "ssh-rsa" && algorithm == "rsa-sha2-512")
        return EVP_sha512();
    return std::nullopt;
}

} // namespace

QByteArray certificateAlgorithmsFor(const QByteArray &plainKeyType)
{
    if (plainKeyType == "ssh-rsa")
        return "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com";
    if (plainKeyType == "ssh-ed25519" || plainKeyType.startsWith("ecdsa-sha2-nistp"))
        return plainKeyType + kCertSuffix.toByteArray();
    return {};
}

Result<Certificate> parse(const QByteArray &blob)
{
    if (blob.size() > kMaxCertificateBytes)
        return Result<Certificate>::failure(QStringLiteral("certificate too large"));
    SshWire::Reader in(blob);
    Certificate cert;
    cert.certType = in.string();
    if (!cert.certType.endsWith(kCertSuffix))
        return Result<Certificate>::failure(QStringLiteral("not a certificate"));
    cert.plainKeyType = cert.certType.chopped(kCertSuffix.size());
    in.string(); // nonce
    const qsizetype keyStart = in.position();
    if (cert.plainKeyType == "ssh-ed25519") {
        in.string();
    } else if (cert.plainKeyType.startsWith("ecdsa-sha2-nistp")) {
        in.string();
        in.string();
    } else if (cert.plainKeyType == "ssh-rsa") {
        in.mpint(); // e
        in.mpint(); // n, in the plain key's order
    } else {
        return Result<Certificate>::failure(QStringLiteral("unsupported certificate type %1")
                                                .arg(QString::fromLatin1(cert.certType)));
    }
    cert.plainKeyBlob =
        SshWire::string(cert.plainKeyType) + blob.mid(keyStart, in.position() - keyStart);
    cert.serial = in.u64();
    cert.type = in.u32();
    cert.keyId = in.string();
    SshWire::Reader principals(in.string());
    while (principals.ok() && !principals.atEnd())
        cert.principals << principals.string();
    cert.validAfter = in.u64();
    cert.validBefore = in.u64();
    cert.criticalOptions = in.string();
    in.string(); // extensions
    in.string(); // reserved
    cert.caKeyBlob = in.string();
    cert.signedBytes = blob.left(in.position());
    cert.signature = in.string();
    if (!in.ok() || !in.atEnd() || !principals.ok())
        return Result<Certificate>::failure(QStringLiteral("malformed certificate"));
    return cert;
}

Status verifySignature(const Certificate &cert)
{
    SshWire::Reader sig(cert.signature);
    const QByteArray algorithm = sig.string();
    QByteArray signature = sig.string();
    const QByteArray caKeyType = SshWire::Reader(cert.caKeyBlob).string();
    const std::optional<const EVP_MD *> digest = digestFor(algorithm, caKeyType);
    if (!sig.ok() || !sig.atEnd() || !digest)
        return Status::failure(QStringLiteral("certificate signature algorithm %1 is not allowed")
                                   .arg(QString::fromLatin1(algorithm)));
    if (caKeyType.startsWith("ecdsa-"))
        signature = ecdsaSignatureToDer(signature);
    const PKeyPtr caKey = importKey(cert.caKeyBlob);
    if (!caKey || signature.isEmpty())
        return Status::failure(QStringLiteral("certificate CA key or signature is malformed"));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const bool verified =
        ctx && EVP_DigestVerifyInit(ctx, nullptr, *digest, nullptr, caKey.get()) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(signature.constData()),
                         size_t(signature.size()),
                         reinterpret_cast<const unsigned char *>(cert.signedBytes.constData()),
                         size_t(cert.signedBytes.size())) == 1;
    EVP_MD_CTX_free(ctx);
    if (!verified)
        return Status::failure(QStringLiteral("certificate signature does not verify"));
    return success();
}

Status checkForHost(const Certificate &cert, const QByteArray &hostName, const QDateTime &now)
{
    if (cert.type != kHostCertificate)
        return Status::failure(QStringLiteral("certificate is not a host certificate"));
    if (const Status signature = verifySignature(cert); !signature)
        return signature;
    const quint64 seconds = quint64(now.toSecsSinceEpoch());
    if (seconds < cert.validAfter)
        return Status::failure(QStringLiteral("certificate is not yet valid"));
    if (seconds >= cert.validBefore)
        return Status::failure(QStringLiteral("certificate has expired"));
    if (!cert.criticalOptions.isEmpty())
        return Status::failure(QStringLiteral("certificate contains critical options"));
    if (!cert.principals.isEmpty() && !cert.principals.contains(hostName))
        return Status::failure(QStringLiteral("certificate is not valid for the name %1")
                                   .arg(QString::fromUtf8(hostName)));
    return success();
}

Vouch vouchFor(const QByteArray &certificateBlob, const QByteArray &sessionKey,
               const QByteArray &hostName, const QByteArray &address,
               const QList<KnownHosts::Entry> &entries, const QDateTime &now)
{
    const Result<Certificate> cert = parse(certificateBlob);
    if (!cert)
        return {Vouch::Status::Invalid, cert.errorString(), {}};
    if (cert->plainKeyBlob != sessionKey)
        return {Vouch::Status::Invalid,
                QStringLiteral("the certificate is for another key than the session's"),
                {}};
    if (const QString revoked = KnownHosts::revokedBy(entries, address, cert->caKeyBlob);
        !revoked.isEmpty())
        return {Vouch::Status::Revoked, QStringLiteral("its CA key is marked @revoked"), revoked};
    QString authority;
    for (const KnownHosts::Entry &e : KnownHosts::authoritiesFor(entries, address))
        if (e.key == cert->caKeyBlob) {
            authority = e.source;
            break;
        }
    if (authority.isEmpty())
        return {Vouch::Status::Invalid,
                QStringLiteral("no @cert-authority line for this host lists its CA"),
                {}};
    if (const Status checked = checkForHost(cert.value(), hostName, now); !checked)
        return {Vouch::Status::Invalid, checked.errorString(), {}};
    return {Vouch::Status::Vouched, {}, authority};
}

} // namespace Opsdeck::HostCert
