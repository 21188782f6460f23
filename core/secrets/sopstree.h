// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "age.h"
#include "common/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
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
    /** A Comment is an item of a map (with an empty key) or of a list, where the file has it. */
    enum class Kind { Null, Scalar, Map, List, Comment };

    Kind kind = Kind::Null;
    QString type;    // for scalars: str, int, float, bool, time
    QByteArray text; // scalars and comments: the plaintext, or the ENC[…] envelope while encrypted
    bool inlineComment = false; // a YAML comment written after the value on the item's line
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
    static Node comment(const QByteArray &text, bool inlineComment = false)
    {
        Node n;
        n.kind = Kind::Comment;
        n.text = text;
        n.inlineComment = inlineComment;
        return n;
    }
    const Node *child(const QString &key) const;
    Node *child(const QString &key);
    bool isComment() const { return kind == Kind::Comment; }
};

struct EncryptionRule
{
    QString unencryptedSuffix = QStringLiteral("_unencrypted");
    QString encryptedSuffix;
    QString unencryptedRegex;
    QString encryptedRegex;
    bool macOnlyEncrypted = false;
    /** A rule Opsdeck reads files under but cannot apply when writing (comment regexes). */
    QString unsupportedForWriting;

    static EncryptionRule fromMetadata(const Node &sops);
    /** The same from flattened metadata (dotenv's `sops_…` keys, prefix removed). */
    static EncryptionRule fromFlat(const QMap<QString, QString> &metadata);
    bool shouldEncrypt(const QStringList &path) const;
};

struct DecryptedTree
{
    Node data;
    QString macStatus;
    bool macVerified = false;
    /** Each encrypted leaf's envelope by (AAD, type, plaintext): re-encrypting an unchanged value
     *  reuses it, so a saved file differs from the original only where values changed. */
    QHash<QByteArray, QByteArray> envelopes;
    QByteArray dataKey; // only with keepDataKey; the caller cleanses it
    ~DecryptedTree();
};

/** The lookup key of DecryptedTree::envelopes. */
QByteArray envelopeKey(const QByteArray &aad, const QString &type, const QByteArray &plaintext);

/**
 * Encrypts a plaintext tree for writing: unchanged values keep their envelopes, changed ones get
 * a fresh IV; `sops` gets a new lastmodified and MAC. `written` receives the envelopes of the
 * output, for the next save.
 */
Node encryptTree(const Node &plaintext, Node &sops, const QByteArray &dataKey,
                 const QHash<QByteArray, QByteArray> &envelopes,
                 QHash<QByteArray, QByteArray> *written = nullptr);

/** Sets the string at `path` (map keys; created when missing). False when a list or scalar is in
 * the way. */
bool setValue(Node &root, const QStringList &path, const QByteArray &value);

/**
 * Decrypts `data` with the data key of `sops` (the metadata node: age entries, lastmodified,
 * mac, the encryption rule) and verifies the MAC. Error codes: key, tree, mac-missing,
 * mac-undecryptable, mac-mismatch.
 */
Result<DecryptedTree> decryptTree(const Node &data, const Node &sops,
                                  const QList<Age::Identity> &identities, bool ignoreMac = false,
                                  bool keepDataKey = false);

/** The `age[].enc` blocks of a metadata node, top level and key groups. */
QList<QByteArray> ageDataKeys(const Node &sops);

namespace Json {
/** Order-preserving JSON reader: numbers become int (integer literals in int64 range) or float. */
Result<Node> parse(const QByteArray &text);
/** Indented like sops's JSON store (a tab by default; pass the file's own to keep diffs small). */
QByteArray write(const Node &node, const QByteArray &indent = "\t");
/** The indentation a JSON file uses (its first indented line), a tab when there is none. */
QByteArray detectIndent(const QByteArray &text);
} // namespace Json

} // namespace Opsdeck::Sops
