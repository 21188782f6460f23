// SPDX-License-Identifier: GPL-3.0-or-later
// age's ASCII armor (the PEM-like form sops stores its wrapped data keys in), strict as the Go
// reference reads it: canonical base64, 64 columns, nothing after the END line.
#include "age.h"

namespace Opsdeck::Age {

namespace {

const QByteArray kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
const QByteArray kArmorEnd = "-----END AGE ENCRYPTED FILE-----";
constexpr qsizetype kColumns = 64;

bool isBase64Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

} // namespace

bool isArmored(const QByteArray &file)
{
    return file.trimmed().startsWith(kArmorBegin);
}

QByteArray armor(const QByteArray &binary)
{
    const QByteArray b64 = binary.toBase64();
    QByteArray out = kArmorBegin + '\n';
    for (qsizetype i = 0; i < b64.size(); i += kColumns)
        out += b64.mid(i, kColumns) + '\n';
    return out + kArmorEnd + '\n';
}

Result<QByteArray> dearmor(const QByteArray &armored)
{
    using R = Result<QByteArray>;
    QByteArray text = armored;
    text.replace("\r\n", "\n");
    text = text.trimmed(); // whitespace around the block is allowed, nothing else
    QList<QByteArray> lines = text.split('\n');
    if (lines.size() < 2 || lines.first() != kArmorBegin)
        return R::failure(QStringLiteral("armor: no BEGIN AGE ENCRYPTED FILE line"));
    if (lines.last() != kArmorEnd)
        return R::failure(
            QStringLiteral("armor: no END AGE ENCRYPTED FILE line, or data after it"));
    QByteArray b64;
    for (qsizetype i = 1; i + 1 < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const bool lastLine = i + 2 == lines.size();
        if (line.isEmpty() || line.size() > kColumns || (!lastLine && line.size() != kColumns))
            return R::failure(QStringLiteral("armor: line %1 has the wrong length").arg(i + 1));
        b64 += line;
    }
    if (b64.size() % 4 != 0)
        return R::failure(QStringLiteral("armor: truncated base64"));
    for (qsizetype i = 0; i < b64.size(); ++i) {
        const char c = b64.at(i);
        if (!isBase64Char(c) && !(c == '=' && i >= b64.size() - 2))
            return R::failure(QStringLiteral("armor: invalid character"));
    }
    const QByteArray decoded = QByteArray::fromBase64(b64);
    if (decoded.toBase64() != b64)
        return R::failure(QStringLiteral("armor: non-canonical base64"));
    return decoded;
}

} // namespace Opsdeck::Age
