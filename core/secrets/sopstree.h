// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "age.h"
#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <utility>

namespace Opsdeck::Sops {

/**
 * A sops document in document order (the MAC depends on it): maps keep their key order and
 * duplicate keys, lists their items. Scalars keep the bytes sops encrypts and hashes for them
 * (`True`, `3.14`, `7`) and their sops type name.
 */
struct Node
{
    enum class Kind { Null, Scalar, Map, List };

    Kind kind = Kind::Null;
    QString type;    // for scalars: str, int, float, bool, time
    QByteArray text; // for scalars: the plaintext bytes, or the ENC[…] envelope while encrypted
    QList<std::pair<QString, Node>> map;
    QList<Node> list;

    static Node scalar(const QString &type, const QByteArray &text)
    {
        Node n;
        n.kind = Kind::Scalar;
        n.type = type;
        n.text = text;
        return n;
    }
    const Node *child(const QString &key) const;
};

struct EncryptionRule
{
    QString unencryptedSuffix = QStringLiteral("_unencrypted");
    QString encryptedSuffix;
    QString unencryptedRegex;
    QString encryptedRegex;
    bool macOnlyEncrypted = false;

    static EncryptionRule fromMetadata(const Node &sops);
    bool shouldEncrypt(const QStringList &path) const;
};

struct DecryptedTree
{
    Node data;
    QString macStatus;
    bool macVerified = false;
};

/**
 * Decrypts `data` with the data key of `sops` (the metadata node: age entries, lastmodified,
 * mac, the encryption rule) and verifies the MAC. Error codes: key, tree, mac-missing,
 * mac-undecryptable, mac-mismatch.
 */
Result<DecryptedTree> decryptTree(const Node &data, const Node &sops,
                                  const QList<Age::Identity> &identities, bool ignoreMac = false);

/** The `age[].enc` blocks of a metadata node, top level and key groups. */
QList<QByteArray> ageDataKeys(const Node &sops);

namespace Json {
/** Order-preserving JSON reader: numbers become int (integer literals in int64 range) or float. */
Result<Node> parse(const QByteArray &text);
/** Tab-indented like sops's JSON store, with a trailing newline. */
QByteArray write(const Node &node);
} // namespace Json

} // namespace Opsdeck::Sops
