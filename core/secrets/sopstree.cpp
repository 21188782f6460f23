// SPDX-License-Identifier: GPL-3.0-or-later
#include "sopstree.h"

#include "agecrypto.h"
#include "sopscipher.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRegularExpression>

namespace Opsdeck::Sops {

const Node *Node::child(const QString &key) const
{
    for (const auto &[k, v] : map)
        if (k == key && v.kind != Kind::Comment)
            return &v;
    return nullptr;
}

Node *Node::child(const QString &key)
{
    for (auto &[k, v] : map)
        if (k == key && v.kind != Kind::Comment)
            return &v;
    return nullptr;
}

EncryptionRule EncryptionRule::fromFlat(const QMap<QString, QString> &metadata)
{
    Node sops;
    sops.kind = Node::Kind::Map;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        sops.map.append({it.key(), Node::scalar(QStringLiteral("str"), it.value().toUtf8())});
    return fromMetadata(sops);
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
    for (const char *key : {"unencrypted_comment_regex", "encrypted_comment_regex"})
        if (!text(key).isEmpty())
            rule.unsupportedForWriting = QString::fromLatin1(key);
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
    QHash<QByteArray, QByteArray> envelopes;
    QString error;

    bool visit(Node &node, QStringList &path)
    {
        switch (node.kind) {
        case Node::Kind::Null:
            return true;
        case Node::Kind::Map:
            for (auto &[k, v] : node.map) {
                if (v.isComment()) { // a comment belongs to its map: the map's own path
                    visitComment(v, path);
                    continue;
                }
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
        case Node::Kind::Comment:
            visitComment(node, path);
            return true;
        case Node::Kind::Scalar:
            break;
        }
        const bool encrypted =
            node.type == QLatin1String("str") && Envelope::looksEncrypted(node.text);
        if (encrypted) {
            const Result<Envelope> envelope = Envelope::parse(node.text);
            const Result<QByteArray> plain =
                envelope ? decryptValue(key, *envelope, additionalData(path))
                         : Result<QByteArray>::failure(envelope.errorString());
            if (!plain) {
                error =
                    QStringLiteral("%1: %2").arg(path.join(QLatin1Char('.')), plain.errorString());
                return false;
            }
            envelopes.insert(envelopeKey(additionalData(path), envelope->type, *plain), node.text);
            node.text = *plain;
            node.type = envelope->type;
        }
        if (!rule.macOnlyEncrypted || rule.shouldEncrypt(path))
            macLeaves << node.text;
        return true;
    }

    /** Comments are not MAC'd; one that does not decrypt (an old file's comment in clear, say)
     * passes through as it is, as sops does. */
    void visitComment(Node &node, const QStringList &path)
    {
        if (!Envelope::looksEncrypted(node.text))
            return;
        const Result<Envelope> envelope = Envelope::parse(node.text);
        if (!envelope)
            return;
        const QByteArray aad = additionalData(path);
        const Result<QByteArray> plain = decryptValue(key, *envelope, aad);
        if (!plain)
            return;
        envelopes.insert(envelopeKey(aad, QStringLiteral("comment"), *plain), node.text);
        node.text = *plain;
    }
};

} // namespace

Result<DecryptedTree> decryptTree(const Node &data, const Node &sops,
                                  const QList<Age::Identity> &identities, bool ignoreMac,
                                  bool keepDataKey)
{
    using R = Result<DecryptedTree>;
    QByteArray dataKey;
    QStringList keyErrors; // distinct reasons, "not a recipient" last: a broken entry says more
    for (const QByteArray &wrapped : ageDataKeys(sops)) {
        const Result<QByteArray> key = unwrapDataKey(wrapped, identities);
        if (key) {
            dataKey = *key;
            break;
        }
        if (!keyErrors.contains(key.errorString()))
            keyErrors.prepend(key.errorString());
    }
    if (keyErrors.isEmpty())
        keyErrors << QStringLiteral("the file has no age recipients");
    std::stable_partition(keyErrors.begin(), keyErrors.end(), [](const QString &e) {
        return !e.startsWith(QLatin1String("none of your age identities"));
    });
    if (dataKey.isEmpty())
        return R::failure(QStringLiteral("could not get the data key: %1")
                              .arg(keyErrors.join(QStringLiteral("; "))),
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
    if (keepDataKey)
        out.dataKey = dataKey;
    const MacCheck mac = checkMac(dataKey, macNode ? QString::fromUtf8(macNode->text) : QString(),
                                  modified ? QString::fromUtf8(modified->text) : QString(),
                                  macOf(walk.macLeaves, rule.macOnlyEncrypted));
    AgeCrypto::cleanse(dataKey);
    out.envelopes = walk.envelopes;
    out.macVerified = mac.verified;
    out.macStatus = mac.status;
    if (!mac.verified && !ignoreMac)
        return R::failure(mac.status, mac.errorCode);
    return out;
}

} // namespace Opsdeck::Sops

namespace Opsdeck::Sops {

DecryptedTree::~DecryptedTree()
{
    AgeCrypto::cleanse(dataKey);
}

QByteArray envelopeKey(const QByteArray &aad, const QString &type, const QByteArray &plaintext)
{
    // A digest, not the bytes: the table lives as long as the document and must hold no plaintext.
    AgeCrypto::Digest hash(AgeCrypto::Digest::Sha256);
    hash.addData(aad);
    hash.addData(QByteArray(1, '\0'));
    hash.addData(type.toLatin1());
    hash.addData(QByteArray(1, '\0'));
    hash.addData(plaintext);
    return hash.result();
}

namespace {

struct EncryptWalk
{
    const QByteArray &key;
    const EncryptionRule &rule;
    const QHash<QByteArray, QByteArray> &envelopes;
    QHash<QByteArray, QByteArray> *written;
    QList<QByteArray> macLeaves;

    void visit(Node &node, QStringList &path)
    {
        switch (node.kind) {
        case Node::Kind::Null:
            return;
        case Node::Kind::Map:
            for (auto &[k, v] : node.map) {
                if (v.isComment()) {
                    visit(v, path);
                    continue;
                }
                path << k;
                visit(v, path);
                path.removeLast();
            }
            return;
        case Node::Kind::List:
            for (Node &item : node.list)
                visit(item, path);
            return;
        case Node::Kind::Comment:
            if (!node.text.isEmpty() && rule.shouldEncrypt(path))
                node.text = seal(node.text, QStringLiteral("comment"), path);
            return;
        case Node::Kind::Scalar:
            break;
        }
        const bool encrypt = rule.shouldEncrypt(path);
        if (!rule.macOnlyEncrypted || encrypt)
            macLeaves << node.text;
        if (!encrypt || node.text.isEmpty()) // sops never encrypts an empty value
            return;
        node.text = seal(node.text, node.type, path);
        node.type = QStringLiteral("str");
    }

    /** The envelope the value had when read if it is unchanged, else a fresh one. */
    QByteArray seal(const QByteArray &plaintext, const QString &type, const QStringList &path)
    {
        const QByteArray aad = additionalData(path);
        const QByteArray lookup = envelopeKey(aad, type, plaintext);
        QByteArray envelope = envelopes.value(lookup);
        if (envelope.isEmpty())
            envelope = encryptValue(key, plaintext, type, aad).toBytes();
        if (written)
            written->insert(lookup, envelope);
        return envelope;
    }
};

Node *metadataField(Node &sops, const QString &key)
{
    for (auto &[k, v] : sops.map)
        if (k == key)
            return &v;
    sops.map.append({key, Node()});
    return &sops.map.last().second;
}

} // namespace

Node encryptTree(const Node &plaintext, Node &sops, const QByteArray &dataKey,
                 const QHash<QByteArray, QByteArray> &envelopes,
                 QHash<QByteArray, QByteArray> *written)
{
    const EncryptionRule rule = EncryptionRule::fromMetadata(sops);
    Node out = plaintext;
    EncryptWalk walk{dataKey, rule, envelopes, written, {}};
    QStringList path;
    walk.visit(out, path);
    const QByteArray modified = QDateTime::currentDateTimeUtc()
                                    .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"))
                                    .toLatin1();
    *metadataField(sops, QStringLiteral("lastmodified")) =
        Node::scalar(QStringLiteral("str"), modified);
    *metadataField(sops, QStringLiteral("mac")) =
        Node::scalar(QStringLiteral("str"),
                     encryptValue(dataKey, macOf(walk.macLeaves, rule.macOnlyEncrypted).toLatin1(),
                                  QStringLiteral("str"), modified)
                         .toString()
                         .toUtf8());
    return out;
}

bool setValue(Node &root, const QStringList &path, const QByteArray &value)
{
    Node *node = &root;
    for (const QString &key : path) {
        if (node->kind == Node::Kind::Null)
            node->kind = Node::Kind::Map;
        if (node->kind != Node::Kind::Map)
            return false;
        Node *next = nullptr;
        for (auto &[k, v] : node->map)
            if (k == key && !v.isComment())
                next = &v;
        if (!next) {
            node->map.append({key, Node()});
            next = &node->map.last().second;
        }
        node = next;
    }
    if (node->kind == Node::Kind::Map || node->kind == Node::Kind::List)
        return false;
    *node = Node::scalar(QStringLiteral("str"), value);
    return true;
}

} // namespace Opsdeck::Sops
