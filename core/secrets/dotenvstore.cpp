// SPDX-License-Identifier: GPL-3.0-or-later
#include "dotenvstore.h"

#include "agecrypto.h"
#include "sopscipher.h"
#include "sopstree.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace Opsdeck::Sops {

namespace {

QByteArray unescapeNewlines(const QByteArray &value)
{
    QByteArray out = value;
    return out.replace("\\n", "\n");
}

} // namespace

Result<DotenvFile> DotenvFile::parse(const QByteArray &text)
{
    DotenvFile file;
    int lineNumber = 0;
    for (QByteArray line : text.split('\n')) {
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            file.items << DotenvItem{true, {}, unescapeNewlines(line.mid(1))};
            continue;
        }
        const qsizetype eq = line.indexOf('=');
        if (eq <= 0)
            return Result<DotenvFile>::failure(
                QStringLiteral("line %1: not KEY=VALUE and not a # comment").arg(lineNumber));
        const QString key = QString::fromUtf8(line.left(eq));
        const QByteArray value = unescapeNewlines(line.mid(eq + 1));
        if (key.startsWith(QLatin1String("sops_")))
            file.metadata.insert(key.mid(5), QString::fromUtf8(value));
        else
            file.items << DotenvItem{false, key, value};
    }
    if (!file.metadata.contains(QStringLiteral("mac")) &&
        !file.metadata.contains(QStringLiteral("version")))
        return Result<DotenvFile>::failure(
            QStringLiteral("sops metadata not found (no sops_version, no sops_mac)"));
    return file;
}

QList<QByteArray> DotenvFile::ageDataKeys() const
{
    static const QRegularExpression re(
        QStringLiteral("^(key_groups__list_\\d+__map_)?age__list_\\d+__map_enc$"));
    QList<QByteArray> out;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        if (re.match(it.key()).hasMatch())
            out << it.value().toUtf8();
    return out;
}

QString DecryptedDotenv::serialize() const
{
    QByteArray out;
    for (const DotenvItem &item : items) {
        QByteArray value = item.value;
        value.replace("\n", "\\n");
        if (item.isComment)
            out += '#' + value;
        else
            out += item.key.toUtf8() + '=' + value;
        out += '\n';
    }
    return QString::fromUtf8(out);
}

Result<DecryptedDotenv> decryptDotenv(const QByteArray &text,
                                      const QList<Age::Identity> &identities, bool ignoreMac)
{
    using R = Result<DecryptedDotenv>;
    const Result<DotenvFile> file = DotenvFile::parse(text);
    if (!file)
        return R::failure(file.errorString(), QStringLiteral("format"));
    QByteArray dataKey;
    QString keyError = QStringLiteral("the file has no age recipients");
    for (const QByteArray &wrapped : file->ageDataKeys()) {
        const Result<QByteArray> key = unwrapDataKey(wrapped, identities);
        if (key) {
            dataKey = *key;
            break;
        }
        keyError = key.errorString();
    }
    if (dataKey.isEmpty())
        return R::failure(QStringLiteral("could not get the data key: %1").arg(keyError),
                          QStringLiteral("key"));

    DecryptedDotenv out;
    QList<QByteArray> macLeaves;
    const EncryptionRule rule = EncryptionRule::fromFlat(file->metadata);
    for (const DotenvItem &item : file->items) {
        DotenvItem plain = item;
        const bool encrypted = Envelope::looksEncrypted(QString::fromUtf8(item.value));
        if (encrypted) {
            const Result<Envelope> envelope = Envelope::parse(QString::fromUtf8(item.value));
            const Result<QByteArray> value =
                envelope ? decryptValue(dataKey, *envelope,
                                        additionalData(item.isComment ? QStringList()
                                                                      : QStringList{item.key}))
                         : Result<QByteArray>::failure(envelope.errorString());
            if (!value && !item.isComment) {
                AgeCrypto::cleanse(dataKey);
                return R::failure(QStringLiteral("%1: %2").arg(item.key, value.errorString()),
                                  QStringLiteral("tree"));
            }
            if (value) // an old file's comment in clear passes through, as sops does
                plain.value = *value;
        }
        if (!item.isComment && (!rule.macOnlyEncrypted || rule.shouldEncrypt({item.key})))
            macLeaves << plain.value;
        out.items << plain;
    }

    const MacCheck mac = checkMac(dataKey, file->metadata.value(QStringLiteral("mac")),
                                  file->metadata.value(QStringLiteral("lastmodified")),
                                  macOf(macLeaves, rule.macOnlyEncrypted));
    AgeCrypto::cleanse(dataKey);
    out.macVerified = mac.verified;
    out.macStatus = mac.status;
    if (!mac.verified && !ignoreMac)
        return R::failure(mac.status, mac.errorCode);
    return out;
}

namespace {

QByteArray escapeNewlines(QByteArray value)
{
    return value.replace("\n", "\\n");
}

} // namespace

Result<QByteArray> setDotenvValue(const QByteArray &text, const QList<Age::Identity> &identities,
                                  const QString &key, const QByteArray &value, bool ignoreMac)
{
    using R = Result<QByteArray>;
    if (key.isEmpty() || key.contains(QLatin1Char('=')) || key.startsWith(QLatin1String("sops_")) ||
        key.startsWith(QLatin1Char('#')))
        return R::failure(QStringLiteral("'%1' cannot be a dotenv key").arg(key),
                          QStringLiteral("usage"));
    const Result<DecryptedDotenv> plain = decryptDotenv(text, identities, ignoreMac);
    if (!plain)
        return R::failure(plain.errorString(), plain.error().code);
    DotenvFile file = *DotenvFile::parse(text);
    QByteArray dataKey;
    for (const QByteArray &wrapped : file.ageDataKeys())
        if (const Result<QByteArray> k = unwrapDataKey(wrapped, identities)) {
            dataKey = *k;
            break;
        }

    // The changed (or new) line; every other line stays as it was.
    QList<DotenvItem> values = plain->items;
    const EncryptionRule rule = EncryptionRule::fromFlat(file.metadata);
    const bool encrypt = rule.shouldEncrypt({key});
    const QByteArray stored =
        encrypt && !value.isEmpty()
            ? encryptValue(dataKey, value, QStringLiteral("str"), additionalData({key}))
                  .toString()
                  .toUtf8()
            : value;
    bool found = false;
    for (qsizetype i = 0; i < file.items.size(); ++i) {
        if (!file.items[i].isComment && file.items[i].key == key && !found) {
            found = true;
            if (values[i].value != value) {
                file.items[i].value = stored;
                values[i].value = value;
            }
        }
    }
    if (!found) {
        file.items << DotenvItem{false, key, stored};
        values << DotenvItem{false, key, value};
    }

    QList<QByteArray> leaves;
    for (const DotenvItem &item : values)
        if (!item.isComment && (!rule.macOnlyEncrypted || rule.shouldEncrypt({item.key})))
            leaves << item.value;
    const QByteArray modified = QDateTime::currentDateTimeUtc()
                                    .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"))
                                    .toLatin1();
    file.metadata.insert(QStringLiteral("lastmodified"), QString::fromLatin1(modified));
    file.metadata.insert(QStringLiteral("mac"),
                         encryptValue(dataKey, macOf(leaves, rule.macOnlyEncrypted).toLatin1(),
                                      QStringLiteral("str"), modified)
                             .toString());
    AgeCrypto::cleanse(dataKey);

    QByteArray out;
    for (const DotenvItem &item : file.items) {
        if (item.isComment)
            out += '#' + escapeNewlines(item.value) + '\n';
        else
            out += item.key.toUtf8() + '=' + escapeNewlines(item.value) + '\n';
    }
    for (auto it = file.metadata.begin(); it != file.metadata.end(); ++it)
        out += "sops_" + it.key().toUtf8() + '=' + escapeNewlines(it.value().toUtf8()) + '\n';
    return out;
}

} // namespace Opsdeck::Sops
