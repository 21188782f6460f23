// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <optional>

namespace Opsdeck::AgeCrypto {

/** The primitives age is built from, each a thin wrapper over OpenSSL 3's EVP interfaces. */

/** X25519(scalar, point); nullopt when OpenSSL refuses or the result is all zeros. */
std::optional<QByteArray> x25519(const QByteArray &scalar, const QByteArray &point);
/** X25519(scalar, basepoint): the public key of a secret scalar. */
QByteArray x25519Public(const QByteArray &scalar);
QByteArray hkdfSha256(const QByteArray &ikm, const QByteArray &salt, const QByteArray &info,
                      int length);
QByteArray hmacSha256(const QByteArray &key, const QByteArray &data);
/** ChaCha20-Poly1305 with a 12-byte nonce, no AAD: ciphertext ‖ 16-byte tag. */
QByteArray chachaSeal(const QByteArray &key, const QByteArray &nonce, const QByteArray &plaintext);
/** nullopt when the tag does not verify. */
std::optional<QByteArray> chachaOpen(const QByteArray &key, const QByteArray &nonce,
                                     const QByteArray &sealed);
/** scrypt(passphrase, salt, N = 2^logN, r = 8, p = 1) → 32 bytes (age's passphrase KDF). */
QByteArray scrypt(const QByteArray &passphrase, const QByteArray &salt, int logN);
QByteArray randomBytes(int count);
/** SHA-256 or SHA-512 through OpenSSL (hardware-accelerated where the CPU has it; Qt's own
 * QCryptographicHash is several times slower on megabyte values). */
class Digest
{
public:
    enum Algorithm { Sha256, Sha512 };
    explicit Digest(Algorithm algorithm);
    ~Digest();
    Digest(const Digest &) = delete;
    Digest &operator=(const Digest &) = delete;
    void addData(const QByteArray &data);
    QByteArray result();

private:
    void *m_context;
};

/** Overwrites `bytes` (keys, file keys) before the memory is given back. */
void cleanse(QByteArray &bytes);

} // namespace Opsdeck::AgeCrypto
