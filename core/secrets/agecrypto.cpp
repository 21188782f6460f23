// SPDX-License-Identifier: GPL-3.0-or-later
#include "agecrypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>

namespace Opsdeck::AgeCrypto {

namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char *bytes(const QByteArray &b)
{
    return reinterpret_cast<const unsigned char *>(b.constData());
}

unsigned char *bytes(QByteArray &b)
{
    return reinterpret_cast<unsigned char *>(b.data());
}

constexpr int kTagSize = 16;

} // namespace

std::optional<QByteArray> x25519(const QByteArray &scalar, const QByteArray &point)
{
    if (scalar.size() != 32 || point.size() != 32)
        return std::nullopt;
    PKey priv(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, bytes(scalar), 32),
              EVP_PKEY_free);
    PKey pub(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, bytes(point), 32),
             EVP_PKEY_free);
    if (!priv || !pub)
        return std::nullopt;
    PKeyCtx ctx(EVP_PKEY_CTX_new(priv.get(), nullptr), EVP_PKEY_CTX_free);
    size_t length = 32;
    QByteArray shared(32, '\0');
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), pub.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), bytes(shared), &length) != 1 || length != 32)
        return std::nullopt;
    // A low-order point gives all zeros: age requires refusing it (OpenSSL may already have).
    if (shared.count('\0') == 32)
        return std::nullopt;
    return shared;
}

QByteArray x25519Public(const QByteArray &scalar)
{
    PKey priv(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, bytes(scalar),
                                           size_t(scalar.size())),
              EVP_PKEY_free);
    QByteArray out(32, '\0');
    size_t length = 32;
    if (!priv || EVP_PKEY_get_raw_public_key(priv.get(), bytes(out), &length) != 1)
        return {};
    return out;
}

QByteArray hkdfSha256(const QByteArray &ikm, const QByteArray &salt, const QByteArray &info,
                      int length)
{
    std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr),
                                                          EVP_KDF_free);
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(
        kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr, EVP_KDF_CTX_free);
    if (!ctx)
        return {};
    char digest[] = "SHA256";
    QByteArray ikmCopy = ikm, saltCopy = salt, infoCopy = info;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikmCopy.data(),
                                          size_t(ikmCopy.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, saltCopy.data(),
                                          size_t(saltCopy.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, infoCopy.data(),
                                          size_t(infoCopy.size())),
        OSSL_PARAM_construct_end(),
    };
    QByteArray out(length, '\0');
    const bool ok = EVP_KDF_derive(ctx.get(), bytes(out), size_t(length), params) == 1;
    cleanse(ikmCopy);
    return ok ? out : QByteArray();
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &data)
{
    QByteArray out(32, '\0');
    unsigned int length = 32;
    if (!HMAC(EVP_sha256(), key.constData(), int(key.size()), bytes(data), size_t(data.size()),
              bytes(out), &length))
        return {};
    return out;
}

QByteArray chachaSeal(const QByteArray &key, const QByteArray &nonce, const QByteArray &plaintext)
{
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    QByteArray out(plaintext.size() + kTagSize, '\0');
    int length = 0;
    if (!ctx ||
        EVP_EncryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, bytes(key), bytes(nonce)) !=
            1 ||
        (!plaintext.isEmpty() && EVP_EncryptUpdate(ctx.get(), bytes(out), &length, bytes(plaintext),
                                                   int(plaintext.size())) != 1) ||
        EVP_EncryptFinal_ex(ctx.get(), bytes(out) + length, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize,
                            bytes(out) + plaintext.size()) != 1)
        return {};
    return out;
}

std::optional<QByteArray> chachaOpen(const QByteArray &key, const QByteArray &nonce,
                                     const QByteArray &sealed)
{
    if (sealed.size() < kTagSize)
        return std::nullopt;
    const qsizetype textSize = sealed.size() - kTagSize;
    QByteArray tag = sealed.right(kTagSize);
    QByteArray out(textSize, '\0');
    int length = 0;
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    if (!ctx ||
        EVP_DecryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, bytes(key), bytes(nonce)) !=
            1 ||
        (textSize > 0 &&
         EVP_DecryptUpdate(ctx.get(), bytes(out), &length, bytes(sealed), int(textSize)) != 1) ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), bytes(out) + length, &length) != 1) {
        cleanse(out);
        return std::nullopt;
    }
    return out;
}

QByteArray randomBytes(int count)
{
    QByteArray out(count, '\0');
    if (RAND_bytes(bytes(out), count) != 1)
        qFatal("opsdeck: the system's random number generator failed"); // never encrypt with less
    return out;
}

QByteArray scrypt(const QByteArray &passphrase, const QByteArray &salt, int logN)
{
    QByteArray out(32, '\0');
    const uint64_t n = uint64_t(1) << logN;
    // N·r·128 bytes of work memory: 2^22 (age's ceiling) needs 4 GiB over OpenSSL's 32 MiB default.
    const uint64_t maxMemory = n * 8 * 128 + (1 << 20);
    if (!EVP_PBE_scrypt(passphrase.constData(), size_t(passphrase.size()), bytes(salt),
                        size_t(salt.size()), n, 8, 1, maxMemory, bytes(out), 32))
        return {};
    return out;
}

Digest::Digest(Algorithm algorithm)
    : m_context(EVP_MD_CTX_new())
{
    EVP_DigestInit_ex(static_cast<EVP_MD_CTX *>(m_context),
                      algorithm == Sha256 ? EVP_sha256() : EVP_sha512(), nullptr);
}

Digest::~Digest()
{
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX *>(m_context));
}

void Digest::addData(const QByteArray &data)
{
    EVP_DigestUpdate(static_cast<EVP_MD_CTX *>(m_context), data.constData(), size_t(data.size()));
}

QByteArray Digest::result()
{
    QByteArray out(EVP_MAX_MD_SIZE, '\0');
    unsigned int length = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX *>(m_context),
                       reinterpret_cast<unsigned char *>(out.data()), &length);
    out.truncate(int(length));
    return out;
}

void cleanse(QByteArray &b)
{
    // Only our own copy can be overwritten; a shared buffer is cleansed by its last owner.
    if (!b.isEmpty() && b.isDetached())
        OPENSSL_cleanse(b.data(), size_t(b.size()));
    b.clear();
}

} // namespace Opsdeck::AgeCrypto
