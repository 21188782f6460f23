// SPDX-License-Identifier: GPL-3.0-or-later
#include "sopstree.h"

#include "agecrypto.h"
#include "dotenvstore.h"
#include "sopscipher.h"

#include <QRegularExpression>

namespace Opsdeck::Sops {

const Node *Node::child(const QString &key) const
{
    for (const auto &[k, v] : map)
        if (k == key)
            return &v;
    return nullptr;
}

EncryptionRule EncryptionRule::fromMetadata(const Node &sops)
{
    EncryptionRule rule;
    auto text = [&](const char *key) {
        const Node *n = sops.child(QLatin1String(key));
        return n && n->kind == Node::Kind::Scalar ? QString::fromUtf8(n->text) : QString();
    };
    if (sops.child(QStringLiteral("unencrypted_suffix")))
        rule.unencryptedSuffix = text("unencrypted_suffix");
    rule.encryptedSuffix = text("encrypted_suffix");
    rule.unencryptedRegex = text("unencrypted_regex");
    rule.encryptedRegex = text("encrypted_regex");
    const QString only = text("mac_only_encrypted");
    rule.macOnlyEncrypted = only == QLatin1String("true") || only == QLatin1String("True");
    return rule;
}

bool EncryptionRule::shouldEncrypt(const QStringList &path) const
{
    auto any = [&](auto predicate) {
        return std::any_of(path.begin(), path.end(), predicate);
    };
    if (!encryptedSuffix.isEmpty())
        return any([&](const QString &k) { return k.endsWith(encryptedSuffix); });
    if (!unencryptedRegex.isEmpty()) {
        const QRegularExpression re(unencryptedRegex);
        return !any([&](const QString &k) { return re.match(k).hasMatch(); });
    }
    if (!encryptedRegex.isEmpty()) {
        const QRegularExpression re(encryptedRegex);
        return any([&](const QString &k) { return re.match(k).hasMatch(); });
    }
    return unencryptedSuffix.isEmpty() ||
           !any([&](const QString &k) { return k.endsWith(unencryptedSuffix); });
}

QList<QByteArray> ageDataKeys(const Node &sops)
{
    QList<QByteArray> out;
    auto collect = [&out](const Node *age) {
        if (age && age->kind == Node::Kind::List)
            for (const Node &entry : age->list)
                if (const Node *enc = entry.child(QStringLiteral("enc")))
                    out << enc->text;
    };
    collect(sops.child(QStringLiteral("age")));
    if (const Node *groups = sops.child(QStringLiteral("key_groups")))
        for (const Node &group : groups->list)
            collect(group.child(QStringLiteral("age")));
    return out;
}

namespace {

struct Walk
{
    const QByteArray &key;
    const EncryptionRule &rule;
    QList<QByteArray> macLeaves;
    QString error;

    bool visit(Node &node, QStringList &path)
    {
        switch (node.kind) {
        case Node::Kind::Null:
            return true;
        case Node::Kind::Map:
            for (auto &[k, v] : node.map) {
                path << k;
                const bool ok = visit(v, path);
                path.removeLast();
                if (!ok)
                    return false;
            }
            return true;
        case Node::Kind::List:
            for (Node &item : node.list) // list items share their parent's path
                if (!visit(item, path))
                    return false;
            return true;
        case Node::Kind::Scalar:
            break;
        }
        const bool encrypted = node.type == QLatin1String("str") &&
                               Envelope::looksEncrypted(QString::fromUtf8(node.text));
        if (encrypted) {
            const Result<Envelope> envelope = Envelope::parse(QString::fromUtf8(node.text));
            const Result<QByteArray> plain =
                envelope ? decryptValue(key, *envelope, additionalData(path))
                         : Result<QByteArray>::failure(envelope.errorString());
            if (!plain) {
                error =
                    QStringLiteral("%1: %2").arg(path.join(QLatin1Char('.')), plain.errorString());
                return false;
            }
            node.text = *plain;
            node.type = envelope->type;
        }
        if (!rule.macOnlyEncrypted || rule.shouldEncrypt(path))
            macLeaves << node.text;
        return true;
    }
};

} // namespace

Result<DecryptedTree> decryptTree(const Node &data, const Node &sops,
                                  const QList<Age::Identity> &identities, bool ignoreMac)
{
    using R = Result<DecryptedTree>;
    QByteArray dataKey;
    QString keyError = QStringLiteral("the file has no age recipients");
    for (const QByteArray &wrapped : ageDataKeys(sops)) {
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

    const EncryptionRule rule = EncryptionRule::fromMetadata(sops);
    DecryptedTree out;
    out.data = data;
    Walk walk{dataKey, rule, {}, {}};
    QStringList path;
    if (!walk.visit(out.data, path)) {
        AgeCrypto::cleanse(dataKey);
        return R::failure(walk.error, QStringLiteral("tree"));
    }
    const Node *macNode = sops.child(QStringLiteral("mac"));
    const Node *modified = sops.child(QStringLiteral("lastmodified"));
    const Result<Envelope> macEnvelope =
        macNode && !macNode->text.isEmpty()
            ? Envelope::parse(QString::fromUtf8(macNode->text))
            : Result<Envelope>::failure(QStringLiteral("File has no MAC"));
    const Result<QByteArray> stored =
        macEnvelope ? decryptValue(dataKey, *macEnvelope,
                                   canonicalLastModified(
                                       modified ? QString::fromUtf8(modified->text) : QString()))
                    : Result<QByteArray>::failure(macEnvelope.errorString());
    AgeCrypto::cleanse(dataKey);
    const QString computed = macOf(walk.macLeaves, rule.macOnlyEncrypted);
    if (!stored)
        out.macStatus = QStringLiteral("could not decrypt the MAC: %1").arg(stored.errorString());
    else if (QString::fromLatin1(*stored) != computed)
        out.macStatus = QStringLiteral("MAC mismatch. File has %1, computed %2")
                            .arg(QString::fromLatin1(*stored), computed);
    else
        out.macVerified = true;
    if (out.macVerified)
        out.macStatus = QStringLiteral("verified");
    else if (!ignoreMac)
        return R::failure(out.macStatus, !macEnvelope ? QStringLiteral("mac-missing")
                                         : stored     ? QStringLiteral("mac-mismatch")
                                                      : QStringLiteral("mac-undecryptable"));
    return out;
}

} // namespace Opsdeck::Sops
