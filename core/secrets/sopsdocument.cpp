// SPDX-License-Identifier: GPL-3.0-or-later
#include "sopsdocument.h"

#include "agecrypto.h"
#include "flatstores.h"
#include "sopscipher.h"
#include "sopsyaml.h"

#include <QFileInfo>
#include <QSet>
#include <QUtf8StringView>

namespace Opsdeck::Sops {

Format formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("yaml") || suffix == QLatin1String("yml"))
        return Format::Yaml;
    if (suffix == QLatin1String("json"))
        return Format::Json;
    if (suffix == QLatin1String("env"))
        return Format::Dotenv;
    if (suffix == QLatin1String("ini"))
        return Format::Ini;
    return Format::Binary;
}

QString formatName(Format format)
{
    switch (format) {
    case Format::Yaml:
        return QStringLiteral("YAML");
    case Format::Json:
        return QStringLiteral("JSON");
    case Format::Dotenv:
        return QStringLiteral("dotenv");
    case Format::Ini:
        return QStringLiteral("INI");
    case Format::Binary:
        break;
    }
    return QStringLiteral("binary");
}

namespace {

/** Go reads these stores as UTF-8 text; a stray Latin-1 byte is named, not guessed at. */
Status checkUtf8(const QByteArray &text)
{
    for (qsizetype start = 0, line = 1; start < text.size(); ++line) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        if (!QUtf8StringView(text.constData() + start, end - start).isValidUtf8())
            return Status::failure(QStringLiteral("line %1: not valid UTF-8 (only a binary file "
                                                  "may hold arbitrary bytes)")
                                       .arg(line),
                                   QStringLiteral("format"));
        start = end + 1;
    }
    return success();
}

} // namespace

Result<Node> parseStore(Format format, const QByteArray &text)
{
    if (format != Format::Binary)
        if (const Status utf8 = checkUtf8(text); !utf8)
            return Result<Node>(utf8.error());
    switch (format) {
    case Format::Yaml:
        return Yaml::parse(text);
    case Format::Dotenv:
        return Dotenv::parse(text);
    case Format::Ini:
        return Ini::parse(text);
    case Format::Json:
    case Format::Binary:
        break;
    }
    return Json::parse(text);
}

QByteArray writeStore(Format format, const Node &root, const QByteArray &jsonIndent)
{
    switch (format) {
    case Format::Yaml:
        return Yaml::write(root);
    case Format::Dotenv:
        return Dotenv::write(root);
    case Format::Ini:
        return Ini::write(root);
    case Format::Json:
    case Format::Binary:
        break;
    }
    return Json::write(root, jsonIndent);
}

namespace {

const QStringList &masterKeyTypes()
{
    static const QStringList types = {QStringLiteral("age"),      QStringLiteral("pgp"),
                                      QStringLiteral("kms"),      QStringLiteral("gcp_kms"),
                                      QStringLiteral("azure_kv"), QStringLiteral("hc_vault")};
    return types;
}

QString keyId(const QString &type, const Node &entry)
{
    const auto text = [&entry](const char *key) {
        const Node *n = entry.child(QLatin1String(key));
        return n ? QString::fromUtf8(n->text) : QString();
    };
    if (type == QLatin1String("age"))
        return text("recipient");
    if (type == QLatin1String("pgp"))
        return text("fp");
    if (type == QLatin1String("kms"))
        return text("arn");
    if (type == QLatin1String("gcp_kms"))
        return text("resource_id");
    if (type == QLatin1String("azure_kv"))
        return text("vault_url") + QStringLiteral("/keys/") + text("name");
    return text("vault_address") + QLatin1Char('/') + text("engine_path") + QLatin1Char('/') +
           text("key_name");
}

void collectKeys(const Node &holder, int group, QList<MasterKey> &out)
{
    for (const QString &type : masterKeyTypes())
        if (const Node *entries = holder.child(type); entries && entries->kind == Node::Kind::List)
            for (const Node &entry : entries->list)
                out << MasterKey{type, keyId(type, entry), group};
}

Node str(const QByteArray &text)
{
    return Node::scalar(QStringLiteral("str"), text);
}

/** A new file's metadata, in sops 3.13's layout (alphabetical keys at every level). */
Node newMetadata(const QByteArray &dataKey, const QList<Age::Recipient> &recipients, bool binary,
                 const CreationRule &rule)
{
    Node age;
    age.kind = Node::Kind::List;
    for (const Age::Recipient &r : recipients) {
        Node entry;
        entry.kind = Node::Kind::Map;
        entry.map.append({QStringLiteral("enc"), str(wrapDataKey(dataKey, r))});
        entry.map.append({QStringLiteral("recipient"), str(r.toString().toUtf8())});
        age.list << entry;
    }
    Node sops;
    sops.kind = Node::Kind::Map;
    sops.map.append({QStringLiteral("age"), age});
    sops.map.append({QStringLiteral("lastmodified"), Node()});
    sops.map.append({QStringLiteral("mac"), Node()});
    if (rule.macOnlyEncrypted)
        sops.map.append(
            {QStringLiteral("mac_only_encrypted"), Node::scalar(QStringLiteral("bool"), "True")});
    // The one rule in use (sops writes only that one); binary files carry none and honour none.
    const QList<std::pair<QString, QString>> rules = {
        {QStringLiteral("encrypted_regex"), rule.encryptedRegex},
        {QStringLiteral("encrypted_suffix"), rule.encryptedSuffix},
        {QStringLiteral("unencrypted_regex"), rule.unencryptedRegex},
        {QStringLiteral("unencrypted_suffix"), rule.unencryptedSuffix}};
    bool ruleWritten = false;
    for (const auto &[key, value] : rules) {
        if (!binary && !value.isEmpty()) {
            sops.map.append({key, str(value.toUtf8())});
            ruleWritten = true;
        }
    }
    if (!binary && !ruleWritten)
        sops.map.append({QStringLiteral("unencrypted_suffix"), str("_unencrypted")});
    sops.map.append({QStringLiteral("version"), str("3.13.2")});
    return sops;
}

/** What a store cannot hold: dotenv is one level of strings, INI sections of strings. */
Status checkShape(Format format, const Node &data)
{
    const auto refuse = [](const QString &why) {
        return Status::failure(why, QStringLiteral("format"));
    };
    if (data.kind != Node::Kind::Map)
        return refuse(QStringLiteral("the top level must be a map"));
    for (const auto &[key, value] : data.map) {
        if (value.isComment())
            continue;
        if (format == Format::Dotenv) {
            if (key.isEmpty() || key.contains(QLatin1Char('=')) ||
                key.contains(QLatin1Char('\n')) || key.startsWith(QLatin1Char('#')) ||
                key.startsWith(QLatin1String("sops_")))
                return refuse(QStringLiteral("'%1' cannot be a dotenv key").arg(key));
            if (value.kind == Node::Kind::Map || value.kind == Node::Kind::List)
                return refuse(
                    QStringLiteral("%1: a dotenv value cannot be a map or a list").arg(key));
        }
        if (format == Format::Ini) {
            if (value.kind != Node::Kind::Map)
                return refuse(QStringLiteral("%1: INI holds sections of key = value").arg(key));
            for (const auto &[k, v] : value.map)
                if (v.kind == Node::Kind::Map || v.kind == Node::Kind::List)
                    return refuse(QStringLiteral("%1.%2: an INI value is a string").arg(key, k));
        }
        if (key == QLatin1String("sops"))
            return refuse(QStringLiteral("'sops' is where the metadata lives; it cannot be a key"));
    }
    return success();
}

} // namespace

namespace {

void findDuplicates(const Node &node, const QStringList &path, QStringList &out)
{
    if (node.kind == Node::Kind::List) {
        for (const Node &item : node.list)
            findDuplicates(item, path, out);
        return;
    }
    if (node.kind != Node::Kind::Map)
        return;
    QSet<QString> seen;
    for (const auto &[key, value] : node.map) {
        if (value.isComment())
            continue;
        const QStringList here = path + QStringList{key};
        if (seen.contains(key))
            out << QStringLiteral("'%1' appears more than once; edits go to the first, the others "
                                  "are kept as they are")
                       .arg(here.join(QLatin1Char('.')));
        seen.insert(key);
        findDuplicates(value, here, out);
    }
}

} // namespace

QStringList SopsDocument::warnings() const
{
    QStringList out;
    findDuplicates(m_data, {}, out);
    return out;
}

namespace {

/** Plaintext values are overwritten before their memory is given back (where not shared). */
void cleanseTree(Node &node)
{
    AgeCrypto::cleanse(node.text);
    for (auto &item : node.map)
        cleanseTree(item.second);
    for (Node &item : node.list)
        cleanseTree(item);
}

} // namespace

SopsDocument::~SopsDocument()
{
    AgeCrypto::cleanse(m_dataKey);
    cleanseTree(m_data);
}

Result<SopsDocument> SopsDocument::open(const QByteArray &text, Format format,
                                        const QList<Age::Identity> &identities, bool ignoreMac)
{
    using R = Result<SopsDocument>;
    Result<Node> root = parseStore(format, text);
    if (!root)
        return R::failure(root.errorString(), QStringLiteral("format"));
    const Node *metadata = root->child(QStringLiteral("sops"));
    if (root->kind != Node::Kind::Map || !metadata || metadata->kind != Node::Kind::Map)
        return R::failure(QStringLiteral("sops metadata not found: the file is not encrypted"),
                          QStringLiteral("format"));
    SopsDocument doc;
    doc.m_format = format;
    doc.m_metadata = *metadata;
    Node data = std::move(root).value();
    data.map.removeIf([](const auto &item) { return item.first == QLatin1String("sops"); });
    if (format == Format::Binary && !data.child(QStringLiteral("data")))
        return R::failure(QStringLiteral("a binary sops file holds its bytes under \"data\""),
                          QStringLiteral("format"));
    Result<DecryptedTree> decrypted =
        decryptTree(data, doc.m_metadata, identities, ignoreMac, true);
    if (!decrypted)
        return R(decrypted.error());
    DecryptedTree tree = std::move(decrypted).value();
    doc.m_data = std::move(tree.data);
    doc.m_dataKey = std::move(tree.dataKey);
    doc.m_envelopes = std::move(tree.envelopes);
    doc.m_macVerified = tree.macVerified;
    doc.m_macStatus = tree.macStatus;
    if (format == Format::Json || format == Format::Binary)
        doc.m_jsonIndent = Json::detectIndent(text);
    return doc;
}

Result<SopsDocument> SopsDocument::create(const QByteArray &plaintext, Format format,
                                          const QList<Age::Recipient> &recipients,
                                          const CreationRule &rule)
{
    using R = Result<SopsDocument>;
    if (recipients.isEmpty())
        return R::failure(QStringLiteral("no recipients"), QStringLiteral("no-recipients"));
    SopsDocument doc;
    doc.m_format = format;
    if (format == Format::Binary) {
        doc.m_data.kind = Node::Kind::Map;
        doc.m_data.map.append({QStringLiteral("data"), str(plaintext)});
    } else {
        Result<Node> parsed = parseStore(format, plaintext);
        if (!parsed)
            return R::failure(parsed.errorString(), QStringLiteral("format"));
        if (parsed->kind == Node::Kind::Map && parsed->child(QStringLiteral("sops")))
            return R::failure(QStringLiteral("the file is already encrypted"),
                              QStringLiteral("already-encrypted"));
        doc.m_data = std::move(parsed).value();
        if (doc.m_data.kind == Node::Kind::Null)
            doc.m_data.kind = Node::Kind::Map; // an empty file
        if (const Status shape = checkShape(format, doc.m_data); !shape)
            return R(shape.error());
    }
    doc.m_dataKey = AgeCrypto::randomBytes(32);
    doc.m_metadata = newMetadata(doc.m_dataKey, recipients, format == Format::Binary, rule);
    doc.m_macVerified = true;
    doc.m_macStatus = QStringLiteral("new file");
    return doc;
}

QString SopsDocument::metadataText(const QString &key) const
{
    const Node *n = m_metadata.child(key);
    return n && n->kind == Node::Kind::Scalar ? QString::fromUtf8(n->text) : QString();
}

QList<MasterKey> SopsDocument::masterKeys() const
{
    return masterKeysIn(m_metadata);
}

QList<MasterKey> SopsDocument::masterKeysIn(const Node &metadata)
{
    QList<MasterKey> keys;
    collectKeys(metadata, -1, keys);
    if (const Node *groups = metadata.child(QStringLiteral("key_groups")))
        for (qsizetype i = 0; i < groups->list.size(); ++i)
            collectKeys(groups->list[i], int(i), keys);
    return keys;
}

Result<QList<MasterKey>> SopsDocument::readMasterKeys(const QByteArray &text, Format format)
{
    const Result<Node> root = parseStore(format, text);
    if (!root)
        return root.error();
    const Node *metadata = root->child(QStringLiteral("sops"));
    if (!metadata)
        return Result<QList<MasterKey>>::failure(
            QStringLiteral("not a sops file: it has no sops metadata"), QStringLiteral("format"));
    return masterKeysIn(*metadata);
}

Node *SopsDocument::ageList(bool create)
{
    Node *holder = &m_metadata;
    if (Node *groups = m_metadata.child(QStringLiteral("key_groups"));
        groups && !groups->list.isEmpty())
        holder = &groups->list.first();
    Node *age = holder->child(QStringLiteral("age"));
    if (!age && create) {
        holder->map.append({QStringLiteral("age"), Node()});
        age = &holder->map.last().second;
        age->kind = Node::Kind::List;
    }
    return age;
}

Status SopsDocument::addRecipient(const Age::Recipient &recipient)
{
    const QString id = recipient.toString();
    for (const MasterKey &key : masterKeys())
        if (key.type == QLatin1String("age") && key.id == id)
            return Status::failure(QStringLiteral("%1 is already a recipient").arg(id));
    if (const Node *groups = m_metadata.child(QStringLiteral("key_groups"));
        groups && groups->list.size() > 1)
        return Status::failure(
            QStringLiteral("the file splits its key over %1 key groups (Shamir); "
                           "use sops to change them")
                .arg(groups->list.size()));
    Node entry;
    entry.kind = Node::Kind::Map;
    entry.map.append({QStringLiteral("enc"), str(wrapDataKey(m_dataKey, recipient))});
    entry.map.append({QStringLiteral("recipient"), str(id.toUtf8())});
    ageList(true)->list << entry;
    return success();
}

Status SopsDocument::removeRecipient(const QString &recipient)
{
    const QList<MasterKey> keys = masterKeys();
    const bool present = std::any_of(keys.begin(), keys.end(), [&](const MasterKey &k) {
        return k.type == QLatin1String("age") && k.id == recipient;
    });
    if (!present)
        return Status::failure(QStringLiteral("%1 is not a recipient of this file").arg(recipient));
    if (keys.size() == 1)
        return Status::failure(QStringLiteral("%1 is the only key: nobody could open the file "
                                              "without it")
                                   .arg(recipient));
    for (const MasterKey &k : keys)
        if (k.type != QLatin1String("age"))
            return Status::failure(
                QStringLiteral("the file also has %1 keys, which Opsdeck cannot "
                               "re-wrap after the rotation removing a key needs; "
                               "use sops rotate --rm-age")
                    .arg(k.type));
    Node *age = ageList(false);
    age->list.removeIf([&](const Node &entry) {
        const Node *r = entry.child(QStringLiteral("recipient"));
        return r && QString::fromUtf8(r->text) == recipient;
    });
    return rotate();
}

Status SopsDocument::rotate()
{
    for (const MasterKey &key : masterKeys())
        if (key.type != QLatin1String("age"))
            return Status::failure(QStringLiteral("the file also has %1 keys (%2), which Opsdeck "
                                                  "cannot wrap a new data key for; use sops rotate")
                                       .arg(key.type, key.id));
    if (const Node *groups = m_metadata.child(QStringLiteral("key_groups"));
        groups && groups->list.size() > 1)
        return Status::failure(QStringLiteral("the file splits its key over key groups (Shamir); "
                                              "use sops rotate"));
    QList<std::pair<Node *, Age::Recipient>> entries;
    for (Node &entry : ageList(true)->list) {
        const Node *r = entry.child(QStringLiteral("recipient"));
        const auto recipient = Age::Recipient::parse(r ? QString::fromUtf8(r->text) : QString());
        if (!recipient)
            return Status::failure(QStringLiteral("age entry without a usable recipient: %1")
                                       .arg(recipient.errorString()));
        entries.append({&entry, *recipient});
    }
    AgeCrypto::cleanse(m_dataKey);
    m_dataKey = AgeCrypto::randomBytes(32);
    m_envelopes.clear(); // every value gets a new ciphertext under the new key
    for (auto &[entry, recipient] : entries)
        *entry->child(QStringLiteral("enc")) = str(wrapDataKey(m_dataKey, recipient));
    return success();
}

Result<SopsDocument::Encrypted> SopsDocument::encrypt() const
{
    using R = Result<Encrypted>;
    const EncryptionRule encryptionRule = rule();
    if (!encryptionRule.unsupportedForWriting.isEmpty())
        return R::failure(QStringLiteral("the file uses %1, which Opsdeck reads but cannot apply "
                                         "when writing; edit it with sops")
                              .arg(encryptionRule.unsupportedForWriting));
    if (const Status shape = validate(); !shape)
        return R(shape.error());
    Encrypted encrypted;
    encrypted.metadata = m_metadata;
    Node out =
        encryptTree(m_data, encrypted.metadata, m_dataKey, m_envelopes, &encrypted.envelopes);
    out.map.append({QStringLiteral("sops"), encrypted.metadata});
    encrypted.bytes = writeStore(m_format, out, m_jsonIndent);
    return encrypted;
}

void SopsDocument::commit(Encrypted &&written)
{
    m_metadata = std::move(written.metadata);
    m_envelopes = std::move(written.envelopes);
}

Result<QByteArray> SopsDocument::serialize()
{
    Result<Encrypted> encrypted = encrypt();
    if (!encrypted)
        return Result<QByteArray>(encrypted.error());
    const QByteArray bytes = encrypted.value().bytes;
    commit(std::move(encrypted.value()));
    return bytes;
}

QByteArray SopsDocument::plaintext() const
{
    if (m_format == Format::Binary) {
        const Node *data = m_data.child(QStringLiteral("data"));
        return data ? data->text : QByteArray();
    }
    return writeStore(m_format, m_data); // plaintext JSON: a tab, as sops decrypt writes it
}

Status SopsDocument::validate() const
{
    return m_format == Format::Binary ? success() : checkShape(m_format, m_data);
}

} // namespace Opsdeck::Sops
