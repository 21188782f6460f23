// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "age.h"
#include "common/result.h"
#include "sopsconfig.h"
#include "sopstree.h"

namespace Opsdeck::Sops {

/** The five sops stores; chosen by extension as sops does (anything unknown is binary). */
enum class Format { Yaml, Json, Dotenv, Ini, Binary };
Format formatForPath(const QString &path);
QString formatName(Format format);

/** A whole file of a store (data and the `sops` metadata entry), and back. */
Result<Node> parseStore(Format format, const QByteArray &text);
QByteArray writeStore(Format format, const Node &root, const QByteArray &jsonIndent = "\t");

/** One master key of a file: its type (age, pgp, kms, gcp_kms, azure_kv, hc_vault) and id. */
struct MasterKey
{
    QString type;
    QString id;     // the age recipient, PGP fingerprint, KMS ARN...
    int group = -1; // key group index, -1 at the top level
};

/**
 * One open sops file: its plaintext tree in memory, the data key, and the envelopes of the values
 * as read, so saving rewrites only what changed (sops's IV reuse). Keys of types Opsdeck cannot
 * use (pgp, kms…) stay in the metadata untouched. Move-only: the data key is cleansed once, here.
 */
class SopsDocument
{
public:
    SopsDocument() = default;
    SopsDocument(SopsDocument &&) = default;
    SopsDocument &operator=(SopsDocument &&) = default;
    SopsDocument(const SopsDocument &) = delete;
    SopsDocument &operator=(const SopsDocument &) = delete;
    ~SopsDocument();

    /** Error codes: format, key, tree, mac-missing, mac-undecryptable, mac-mismatch. */
    static Result<SopsDocument> open(const QByteArray &text, Format format,
                                     const QList<Age::Identity> &identities,
                                     bool ignoreMac = false);
    /** A new file from plaintext, for `recipients`, under a creation rule's encryption rule.
     * Error codes: format, already-encrypted, no-recipients. */
    static Result<SopsDocument> create(const QByteArray &plaintext, Format format,
                                       const QList<Age::Recipient> &recipients,
                                       const CreationRule &rule = {});

    Format format() const { return m_format; }
    Node &data() { return m_data; }
    const Node &data() const { return m_data; }
    const Node &metadata() const { return m_metadata; }
    EncryptionRule rule() const { return EncryptionRule::fromMetadata(m_metadata); }
    bool macVerified() const { return m_macVerified; }
    QString macStatus() const { return m_macStatus; }
    QString metadataText(const QString &key) const;
    QList<MasterKey> masterKeys() const;
    /** The master keys of a file without opening it (no identity needed). */
    static Result<QList<MasterKey>> readMasterKeys(const QByteArray &text, Format format);
    /** Things a user should know that do not stop opening or saving (duplicate keys). */
    QStringList warnings() const;

    /** Wraps the data key for one more age recipient. */
    Status addRecipient(const Age::Recipient &recipient);
    /** Removes an age recipient and rotates the data key (the removed key could open the old
     * one). */
    Status removeRecipient(const QString &recipient);
    /** A new data key, wrapped for every age recipient; every value gets a new ciphertext.
     * Refused when the file has keys of other types (their copies of the key would go stale). */
    Status rotate();

    /** What the format cannot hold (a dotenv key with `=`, a map in INI…), said plainly. */
    Status validate() const;
    /** An encrypted file ready to write, and what the document keeps once it is written. */
    struct Encrypted
    {
        QByteArray bytes;
        Node metadata;
        QHash<QByteArray, QByteArray> envelopes;
    };
    /** The encrypted file; lastmodified and the MAC are renewed. Const, so a worker may encrypt
     * while the UI thread still reads the tree; commit() the answer on the owning thread. */
    Result<Encrypted> encrypt() const;
    /** Takes the metadata and envelopes of a written file, so the next save reuses them. */
    void commit(Encrypted &&written);
    /** encrypt() and commit() in one, for callers on one thread. */
    Result<QByteArray> serialize();
    /** The decrypted file in its own format (binary: the original bytes). */
    QByteArray plaintext() const;

private:
    static QList<MasterKey> masterKeysIn(const Node &metadata);
    Format m_format = Format::Json;
    Node m_data;
    Node m_metadata;
    QByteArray m_dataKey;
    QHash<QByteArray, QByteArray> m_envelopes;
    QByteArray m_jsonIndent = "\t";
    bool m_macVerified = false;
    QString m_macStatus;

    Node *ageList(bool create);
    void wrapForAll();
};

} // namespace Opsdeck::Sops
