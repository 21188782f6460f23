// SPDX-License-Identifier: GPL-3.0-or-later
#include "age.h"

#include "agecrypto.h"

#include <QtEndian>

#include <openssl/crypto.h>

#include <cstring>

namespace Opsdeck::Age {

namespace {

using namespace AgeCrypto;

const QByteArray kVersionLine = "age-encryption.org/v1\n";
const QByteArray kX25519Info = "age-encryption.org/v1/X25519";
constexpr qsizetype kChunkSize = 64 * 1024;
constexpr qsizetype kTagSize = 16;
constexpr qsizetype kColumns = 64;
constexpr int kFileKeySize = 16;

struct Fail
{
    Failure failure;
    QString message;
};

Result<Header> headerError(const QString &message)
{
    return Result<Header>::failure(message, QStringLiteral("header"));
}

bool isBase64Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

/** Standard alphabet, no padding, canonical (re-encoding gives the same text): age's header rule.
 */
std::optional<QByteArray> decodeRawBase64(const QByteArray &text)
{
    for (char c : text)
        if (!isBase64Char(c))
            return std::nullopt;
    if (text.size() % 4 == 1)
        return std::nullopt;
    const QByteArray decoded = QByteArray::fromBase64(text);
    if (decoded.toBase64(QByteArray::OmitTrailingEquals) != text)
        return std::nullopt;
    return decoded;
}

QByteArray encodeRawBase64(const QByteArray &data)
{
    return data.toBase64(QByteArray::OmitTrailingEquals);
}

/** Splits off one "\n"-terminated line at `pos`; nullopt at the end or on a CR. */
std::optional<QByteArray> takeLine(const QByteArray &file, qsizetype &pos)
{
    const qsizetype nl = file.indexOf('\n', pos);
    if (nl < 0)
        return std::nullopt;
    QByteArray line = file.mid(pos, nl - pos);
    if (line.contains('\r'))
        return std::nullopt;
    pos = nl + 1;
    return line;
}

bool validArgument(const QByteArray &arg)
{
    if (arg.isEmpty())
        return false;
    for (char c : arg)
        if (c < 33 || c > 126)
            return false;
    return true;
}

std::optional<QByteArray> unwrapX25519(const Stanza &stanza, const Identity &identity, Fail *fail)
{
    if (stanza.arguments.size() != 1) {
        *fail = {Failure::Header,
                 QStringLiteral("X25519 stanza with %1 arguments").arg(stanza.arguments.size())};
        return std::nullopt;
    }
    const std::optional<QByteArray> share = decodeRawBase64(stanza.arguments.first());
    if (!share || share->size() != 32 || stanza.body.size() != 32) {
        *fail = {Failure::Header, QStringLiteral("malformed X25519 stanza")};
        return std::nullopt;
    }
    QByteArray shared = x25519(identity.secret, *share).value_or(QByteArray());
    if (shared.isEmpty()) {
        *fail = {Failure::Header, QStringLiteral("X25519 stanza with a low-order point")};
        return std::nullopt;
    }
    QByteArray wrapKey =
        hkdfSha256(shared, *share + x25519Public(identity.secret), kX25519Info, 32);
    std::optional<QByteArray> fileKey = chachaOpen(wrapKey, QByteArray(12, '\0'), stanza.body);
    cleanse(shared);
    cleanse(wrapKey);
    if (fileKey && fileKey->size() != kFileKeySize) {
        *fail = {Failure::Header, QStringLiteral("the file key is not 16 bytes")};
        cleanse(*fileKey);
        return std::nullopt;
    }
    return fileKey;
}

const QByteArray kScryptLabel = "age-encryption.org/v1/scrypt";
constexpr int kMaxScryptWorkFactor = 22; // age's default ceiling: about a second, 1 GiB

/** An scrypt (passphrase) stanza: `-> scrypt <salt> <log2 N>`. */
std::optional<QByteArray> unwrapScrypt(const Stanza &stanza, const QByteArray &passphrase,
                                       Fail *fail)
{
    const auto malformed = [fail](const QString &why) {
        *fail = {Failure::Header, QStringLiteral("scrypt stanza: %1").arg(why)};
        return std::nullopt;
    };
    if (stanza.arguments.size() != 2)
        return malformed(QStringLiteral("%1 arguments").arg(stanza.arguments.size()));
    const std::optional<QByteArray> salt = decodeRawBase64(stanza.arguments[0]);
    if (!salt || salt->size() != 16)
        return malformed(QStringLiteral("the salt is not 16 bytes"));
    const QByteArray &factor = stanza.arguments[1];
    bool digits = !factor.isEmpty() && factor.size() <= 2 && factor[0] != '0';
    for (const char c : factor)
        digits = digits && c >= '0' && c <= '9';
    if (!digits || factor.toInt() > kMaxScryptWorkFactor)
        return malformed(QStringLiteral("work factor '%1'").arg(QString::fromLatin1(factor)));
    if (stanza.body.size() != kFileKeySize + 16)
        return malformed(QStringLiteral("the wrapped file key is not 32 bytes"));
    if (passphrase.isEmpty())
        return std::nullopt; // not ours to open: "no match", and the caller asks for one
    QByteArray key = scrypt(passphrase, kScryptLabel + *salt, factor.toInt());
    std::optional<QByteArray> fileKey = chachaOpen(key, QByteArray(12, '\0'), stanza.body);
    cleanse(key);
    return fileKey;
}

/** STREAM (age §payload) as the Go reference reads it, releasing plaintext chunk by chunk. */
void decryptPayload(const QByteArray &payloadKey, const QByteArray &data, qsizetype pos,
                    Decrypted &out)
{
    constexpr qsizetype kSealed = kChunkSize + kTagSize;
    QByteArray nonce(12, '\0');
    for (quint64 counter = 0;; ++counter) {
        qToBigEndian<quint64>(counter, reinterpret_cast<uchar *>(nonce.data()) + 3);
        nonce[11] = 0;
        const qsizetype available = data.size() - pos;
        if (available <= 0) {
            out.failure = Failure::Payload;
            out.error = QStringLiteral("the payload is truncated (no final chunk)");
            return;
        }
        bool last = available < kSealed;
        if (last && counter > 0 && available == kTagSize) {
            out.failure = Failure::Payload;
            out.error = QStringLiteral("the last chunk is empty");
            return;
        }
        const QByteArray sealed = data.mid(pos, qMin(available, kSealed));
        if (last)
            nonce[11] = 1;
        std::optional<QByteArray> chunk = chachaOpen(payloadKey, nonce, sealed);
        if (!chunk && !last) { // a full-size chunk may be the final one
            last = true;
            nonce[11] = 1;
            chunk = chachaOpen(payloadKey, nonce, sealed);
        }
        if (!chunk) {
            out.failure = Failure::Payload;
            out.error = QStringLiteral("payload chunk %1 does not authenticate").arg(counter);
            return;
        }
        out.plaintext += *chunk;
        pos += sealed.size();
        if (last) {
            if (pos != data.size()) {
                out.failure = Failure::Payload;
                out.error = QStringLiteral("data after the end of the encrypted payload");
            }
            return;
        }
    }
}

Decrypted failed(Failure failure, const QString &message)
{
    Decrypted d;
    d.failure = failure;
    d.error = message;
    return d;
}

} // namespace

QString failureName(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return QStringLiteral("success");
    case Failure::Armor:
        return QStringLiteral("armor failure");
    case Failure::Header:
        return QStringLiteral("header failure");
    case Failure::NoMatch:
        return QStringLiteral("no match");
    case Failure::HeaderMac:
        return QStringLiteral("HMAC failure");
    case Failure::Payload:
        return QStringLiteral("payload failure");
    }
    return {};
}

// ---- keys ------------------------------------------------------------------------------------

Identity::~Identity()
{
    cleanse(secret);
}

Result<Identity> Identity::parse(const QString &text)
{
    const auto decoded = Bech32::decode(text.trimmed());
    if (!decoded)
        return Result<Identity>::failure(
            QStringLiteral("malformed age identity: %1").arg(decoded.errorString()));
    if (decoded->first != QLatin1String("age-secret-key-") || decoded->second.size() != 32)
        return Result<Identity>::failure(
            QStringLiteral("not an age X25519 identity (AGE-SECRET-KEY-1…)"));
    Identity identity;
    identity.secret = decoded->second;
    return identity;
}

Identity Identity::generate()
{
    Identity identity;
    identity.secret = randomBytes(32);
    return identity;
}

QString Identity::toString() const
{
    return Bech32::encode(QStringLiteral("age-secret-key-"), secret).toUpper();
}

QString Identity::recipient() const
{
    return Bech32::encode(QStringLiteral("age"), x25519Public(secret));
}

Result<Recipient> Recipient::parse(const QString &text)
{
    const auto decoded = Bech32::decode(text.trimmed());
    if (!decoded)
        return Result<Recipient>::failure(
            QStringLiteral("malformed age recipient: %1").arg(decoded.errorString()));
    if (decoded->first != QLatin1String("age") || decoded->second.size() != 32)
        return Result<Recipient>::failure(QStringLiteral("not an age X25519 recipient (age1…)"));
    // X25519 clamps every scalar to a multiple of the cofactor, so a point of small order gives
    // the all-zero shared secret whatever the sender's key: one test with any scalar finds it.
    QByteArray probe = randomBytes(32);
    std::optional<QByteArray> shared = x25519(probe, decoded->second);
    cleanse(probe);
    if (!shared)
        return Result<Recipient>::failure(
            QStringLiteral("refused: %1 is a low-order X25519 point; anything encrypted to it "
                           "could be opened by anyone")
                .arg(text.trimmed()));
    cleanse(*shared);
    return Recipient(decoded->second);
}

QString Recipient::toString() const
{
    return Bech32::encode(QStringLiteral("age"), m_publicKey);
}

// ---- header ----------------------------------------------------------------------------------

Result<Header> parseHeader(const QByteArray &file)
{
    if (!file.startsWith(kVersionLine))
        return headerError(QStringLiteral("not an age v1 file (the first line is not %1)")
                               .arg(QString::fromLatin1(kVersionLine.trimmed())));
    Header header;
    qsizetype pos = kVersionLine.size();
    while (true) {
        const qsizetype lineStart = pos;
        const std::optional<QByteArray> line = takeLine(file, pos);
        if (!line)
            return headerError(QStringLiteral("the header ends without a MAC line"));
        if (line->startsWith("--- ")) {
            const std::optional<QByteArray> mac = decodeRawBase64(line->mid(4));
            if (!mac || mac->size() != 32)
                return headerError(QStringLiteral("malformed header MAC"));
            header.mac = *mac;
            header.macInput = file.left(lineStart + 3);
            header.payloadOffset = pos;
            return header;
        }
        if (!line->startsWith("-> "))
            return headerError(QStringLiteral("malformed stanza line"));
        const QList<QByteArray> words = line->mid(3).split(' ');
        for (const QByteArray &w : words)
            if (!validArgument(w))
                return headerError(QStringLiteral("malformed stanza arguments"));
        Stanza stanza;
        stanza.type = QString::fromLatin1(words.first());
        stanza.arguments = words.mid(1);
        QByteArray body;
        while (true) { // 64-column lines, ended by the first shorter one (possibly empty)
            const std::optional<QByteArray> bodyLine = takeLine(file, pos);
            if (!bodyLine || bodyLine->size() > kColumns)
                return headerError(QStringLiteral("malformed stanza body"));
            body += *bodyLine;
            if (bodyLine->size() < kColumns)
                break;
        }
        const std::optional<QByteArray> decoded = decodeRawBase64(body);
        if (!decoded)
            return headerError(QStringLiteral("stanza body is not canonical base64"));
        stanza.body = *decoded;
        header.stanzas << stanza;
    }
}

QByteArray marshal(const QList<Stanza> &stanzas)
{
    QByteArray out = kVersionLine;
    for (const Stanza &s : stanzas) {
        out += "-> " + s.type.toLatin1();
        for (const QByteArray &a : s.arguments)
            out += ' ' + a;
        out += '\n';
        const QByteArray body = encodeRawBase64(s.body);
        for (qsizetype i = 0; i <= body.size();
             i += kColumns) // an empty last line when it fills up
            out += body.mid(i, kColumns) + '\n';
    }
    return out;
}

// ---- decrypt / encrypt -----------------------------------------------------------------------

Decrypted decrypt(const QByteArray &input, const QList<Identity> &identities,
                  const QByteArray &passphrase)
{
    QByteArray file = input;
    if (isArmored(input) || input.trimmed().startsWith("-----BEGIN")) {
        const Result<QByteArray> binary = dearmor(input);
        if (!binary)
            return failed(Failure::Armor, binary.errorString());
        file = *binary;
    }
    const Result<Header> header = parseHeader(file);
    if (!header)
        return failed(Failure::Header, header.errorString());
    for (const Stanza &s : header->stanzas) // scrypt must stand alone
        if (s.type == QLatin1String("scrypt") && header->stanzas.size() > 1)
            return failed(Failure::Header, QStringLiteral("an scrypt stanza must be the only one"));

    QByteArray fileKey;
    for (const Stanza &s : header->stanzas) {
        if (s.type == QLatin1String("scrypt")) {
            Fail fail{Failure::None, {}};
            std::optional<QByteArray> key = unwrapScrypt(s, passphrase, &fail);
            if (fail.failure != Failure::None)
                return failed(fail.failure, fail.message);
            if (key && key->size() == kFileKeySize)
                fileKey = *key;
            if (key)
                cleanse(*key);
            break;
        }
        if (s.type != QLatin1String("X25519"))
            continue;
        for (const Identity &identity : identities) {
            Fail fail{Failure::None, {}};
            std::optional<QByteArray> key = unwrapX25519(s, identity, &fail);
            if (fail.failure != Failure::None)
                return failed(fail.failure, fail.message);
            if (key) {
                fileKey = *key;
                cleanse(*key);
                break;
            }
        }
        if (!fileKey.isEmpty())
            break;
    }
    if (fileKey.isEmpty()) {
        const bool scrypt =
            header->stanzas.size() == 1 && header->stanzas.first().type == QLatin1String("scrypt");
        return failed(Failure::NoMatch,
                      scrypt ? (passphrase.isEmpty()
                                    ? QStringLiteral("the file is protected with a passphrase")
                                    : QStringLiteral("wrong passphrase"))
                             : QStringLiteral("no identity matched any of the recipients"));
    }

    QByteArray macKey = hkdfSha256(fileKey, {}, "header", 32);
    const bool macOk = CRYPTO_memcmp(hmacSha256(macKey, header->macInput).constData(),
                                     header->mac.constData(), 32) == 0;
    cleanse(macKey);
    if (!macOk) {
        cleanse(fileKey);
        return failed(Failure::HeaderMac,
                      QStringLiteral("the header MAC does not match (the file was modified)"));
    }
    if (file.size() - header->payloadOffset < 16) {
        cleanse(fileKey);
        return failed(Failure::Header, QStringLiteral("the payload nonce is missing"));
    }
    Decrypted out;
    QByteArray payloadKey = hkdfSha256(fileKey, file.mid(header->payloadOffset, 16), "payload", 32);
    cleanse(fileKey);
    decryptPayload(payloadKey, file, header->payloadOffset + 16, out);
    cleanse(payloadKey);
    return out;
}

QByteArray encrypt(const QByteArray &plaintext, const QList<Recipient> &recipients, bool armored)
{
    QByteArray fileKey = randomBytes(kFileKeySize);
    QList<Stanza> stanzas;
    for (const Recipient &r : recipients) {
        QByteArray ephemeral = randomBytes(32);
        const QByteArray share = x25519Public(ephemeral);
        std::optional<QByteArray> shared = x25519(ephemeral, r.publicKey());
        if (!shared) { // never with a parsed recipient; never wrap with a guessable key
            cleanse(ephemeral);
            cleanse(fileKey);
            return {};
        }
        QByteArray wrapKey = hkdfSha256(*shared, share + r.publicKey(), kX25519Info, 32);
        stanzas << Stanza{QStringLiteral("X25519"),
                          {encodeRawBase64(share)},
                          chachaSeal(wrapKey, QByteArray(12, '\0'), fileKey)};
        cleanse(ephemeral);
        cleanse(*shared);
        cleanse(wrapKey);
    }
    QByteArray out = marshal(stanzas) + "---";
    QByteArray macKey = hkdfSha256(fileKey, {}, "header", 32);
    out += ' ' + encodeRawBase64(hmacSha256(macKey, out)) + '\n';
    cleanse(macKey);

    const QByteArray nonce = randomBytes(16);
    QByteArray payloadKey = hkdfSha256(fileKey, nonce, "payload", 32);
    cleanse(fileKey);
    out += nonce;
    QByteArray chunkNonce(12, '\0');
    quint64 counter = 0;
    qsizetype pos = 0;
    do {
        const QByteArray chunk = plaintext.mid(pos, kChunkSize);
        pos += chunk.size();
        qToBigEndian<quint64>(counter++, reinterpret_cast<uchar *>(chunkNonce.data()) + 3);
        chunkNonce[11] = pos >= plaintext.size() ? 1 : 0;
        out += chachaSeal(payloadKey, chunkNonce, chunk);
    } while (pos < plaintext.size());
    cleanse(payloadKey);
    return armored ? armor(out) : out;
}

// ---- Bech32 (BIP-173, without its 90-character limit) -----------------------------------------

namespace Bech32 {

namespace {

const char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

quint32 polymod(const QList<quint8> &values)
{
    static constexpr quint32 kGenerator[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                             0x2a1462b3};
    quint32 chk = 1;
    for (quint8 v : values) {
        const quint32 top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (int i = 0; i < 5; ++i)
            if ((top >> i) & 1)
                chk ^= kGenerator[i];
    }
    return chk;
}

QList<quint8> expandHrp(const QByteArray &hrp)
{
    QList<quint8> out;
    for (char c : hrp)
        out << quint8(uchar(c) >> 5);
    out << 0;
    for (char c : hrp)
        out << quint8(uchar(c) & 31);
    return out;
}

/** Regroups bits; decoding refuses leftover padding that is non-zero or a whole group long. */
std::optional<QList<quint8>> convertBits(const QList<quint8> &in, int from, int to, bool pad)
{
    quint32 acc = 0;
    int bits = 0;
    QList<quint8> out;
    const quint32 maxv = (1u << to) - 1;
    for (quint8 value : in) {
        if (value >> from)
            return std::nullopt;
        acc = (acc << from) | value;
        bits += from;
        while (bits >= to) {
            bits -= to;
            out << quint8((acc >> bits) & maxv);
        }
    }
    if (pad) {
        if (bits)
            out << quint8((acc << (to - bits)) & maxv);
    } else if (bits >= from || ((acc << (to - bits)) & maxv)) {
        return std::nullopt;
    }
    return out;
}

} // namespace

QString encode(const QString &hrp, const QByteArray &data)
{
    const QByteArray h = hrp.toLower().toLatin1();
    QList<quint8> bytes;
    for (char c : data)
        bytes << quint8(c);
    QList<quint8> values = *convertBits(bytes, 8, 5, true);
    QList<quint8> check = expandHrp(h) + values;
    check << 0 << 0 << 0 << 0 << 0 << 0;
    const quint32 mod = polymod(check) ^ 1;
    for (int i = 0; i < 6; ++i)
        values << quint8((mod >> (5 * (5 - i))) & 31);
    QString out = QString::fromLatin1(h) + QLatin1Char('1');
    for (quint8 v : values)
        out += QLatin1Char(kCharset[v]);
    return out;
}

Result<std::pair<QString, QByteArray>> decode(const QString &text)
{
    using R = Result<std::pair<QString, QByteArray>>;
    if (text != text.toLower() && text != text.toUpper())
        return R::failure(QStringLiteral("mixed case"));
    const QByteArray s = text.toLower().toLatin1();
    const qsizetype sep = s.lastIndexOf('1');
    if (sep < 1 || sep + 7 > s.size())
        return R::failure(QStringLiteral("no separator or too short"));
    const QByteArray hrp = s.left(sep);
    for (char c : hrp)
        if (c < 33 || c > 126)
            return R::failure(QStringLiteral("invalid character"));
    QList<quint8> values;
    for (char c : s.mid(sep + 1)) {
        const char *at = std::strchr(kCharset, c);
        if (!at || !c)
            return R::failure(QStringLiteral("invalid character"));
        values << quint8(at - kCharset);
    }
    if (polymod(expandHrp(hrp) + values) != 1)
        return R::failure(QStringLiteral("bad checksum"));
    values.resize(values.size() - 6);
    const std::optional<QList<quint8>> bytes = convertBits(values, 5, 8, false);
    if (!bytes)
        return R::failure(QStringLiteral("bad padding"));
    QByteArray data;
    for (quint8 b : *bytes)
        data += char(b);
    return std::pair{QString::fromLatin1(hrp), data};
}

} // namespace Bech32

} // namespace Opsdeck::Age
