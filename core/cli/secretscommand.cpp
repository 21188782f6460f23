// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretscommand.h"

#include "secrets/agecrypto.h"
#include "secrets/dotenvstore.h"
#include "secrets/identities.h"
#include "secrets/sopscipher.h"
#include "secrets/sopsconfig.h"
#include "secrets/sopstree.h"
#include "secrets/sopsyaml.h"

#include <QFile>

#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <cstdio>

namespace Opsdeck {

namespace {

// sops's own exit codes (cmd/sops/codes), so scripts written for sops keep working.
namespace SopsExit {
constexpr int Generic = 1;
constexpr int CouldNotReadInputFile = 2;
constexpr int ErrorDecryptingMac = 24;
constexpr int ErrorDecryptingTree = 25;
constexpr int MacMismatch = 51;
constexpr int MacNotFound = 52;
constexpr int NoFileSpecified = 100;
constexpr int CouldNotRetrieveKey = 128;
} // namespace SopsExit

int exitFor(const QString &code)
{
    if (code == QLatin1String("key"))
        return SopsExit::CouldNotRetrieveKey;
    if (code == QLatin1String("mac-mismatch"))
        return SopsExit::MacMismatch;
    if (code == QLatin1String("mac-missing"))
        return SopsExit::MacNotFound;
    if (code == QLatin1String("mac-undecryptable"))
        return SopsExit::ErrorDecryptingMac;
    if (code == QLatin1String("tree"))
        return SopsExit::ErrorDecryptingTree;
    return SopsExit::Generic;
}

/** JSON, YAML and binary files share one tree: the data, and the metadata under `sops`. */
Result<Sops::DecryptedTree> decryptTreeFile(const QByteArray &text, bool yaml,
                                            const QList<Age::Identity> &identities, bool ignoreMac)
{
    using R = Result<Sops::DecryptedTree>;
    const Result<Sops::Node> root = yaml ? Sops::Yaml::parse(text) : Sops::Json::parse(text);
    if (!root)
        return R::failure(root.errorString(), QStringLiteral("format"));
    const Sops::Node *metadata = root->child(QStringLiteral("sops"));
    if (root->kind != Sops::Node::Kind::Map || !metadata)
        return R::failure(QStringLiteral("sops metadata not found (no top-level \"sops\" key)"),
                          QStringLiteral("format"));
    Sops::Node data = *root;
    data.map.removeIf([](const auto &item) { return item.first == QLatin1String("sops"); });
    return Sops::decryptTree(data, *metadata, identities, ignoreMac);
}

int runDecrypt(CliContext &ctx, QStringList args)
{
    const bool ignoreMac = args.removeAll(QStringLiteral("--ignore-mac")) > 0;
    if (args.size() != 1) {
        ctx.err << "usage: opsdeck secrets decrypt [--ignore-mac] FILE\n";
        return SopsExit::NoFileSpecified;
    }
    const QString path = args.first();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ctx.err << "opsdeck secrets: " << path << ": " << file.errorString() << "\n";
        return SopsExit::CouldNotReadInputFile;
    }
    // sops chooses the store by extension; anything it does not know is a binary file.
    QString format = QFileInfo(path).suffix().toLower();
    if (format == QLatin1String("yml"))
        format = QStringLiteral("yaml");
    if (format == QLatin1String("ini")) {
        ctx.err << "opsdeck secrets: " << path << ": the " << format.toUpper()
                << " store is not implemented yet (dotenv, JSON, YAML and binary are)\n";
        return SopsExit::Generic;
    }
    const Sops::LoadedIdentities keys = Sops::loadIdentities();
    for (const QString &problem : keys.problems)
        ctx.err << "opsdeck secrets: warning: " << problem << "\n";
    const QByteArray text = file.readAll();
    QString error, errorCode, macStatus;
    bool macVerified = false;
    QByteArray plaintext;
    if (format == QLatin1String("env")) {
        const auto decrypted = Sops::decryptDotenv(text, keys.identities, ignoreMac);
        if (decrypted) {
            plaintext = decrypted->serialize().toUtf8();
            macVerified = decrypted->macVerified;
            macStatus = decrypted->macStatus;
        } else {
            error = decrypted.errorString();
            errorCode = decrypted.error().code;
        }
    } else {
        const bool yaml = format == QLatin1String("yaml");
        const auto decrypted = decryptTreeFile(text, yaml, keys.identities, ignoreMac);
        if (decrypted) {
            const Sops::Node *data = decrypted->data.child(QStringLiteral("data"));
            plaintext = yaml                              ? Sops::Yaml::write(decrypted->data)
                        : format == QLatin1String("json") ? Sops::Json::write(decrypted->data)
                        : data                            ? data->text // binary: the file as it was
                                                          : QByteArray();
            macVerified = decrypted->macVerified;
            macStatus = decrypted->macStatus;
        } else {
            error = decrypted.errorString();
            errorCode = decrypted.error().code;
        }
    }
    if (!error.isEmpty()) {
        ctx.err << "opsdeck secrets: " << path << ": " << error << "\n";
        if (errorCode == QLatin1String("key") && keys.identities.isEmpty())
            ctx.err << "  (no age identity found: set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE, or create "
                       "~/.config/sops/age/keys.txt)\n";
        return exitFor(errorCode);
    }
    static const QRegularExpression commentLine(QStringLiteral("(^|\\n)[ \\t]*#"));
    if (format == QLatin1String("yaml") && QString::fromUtf8(text).contains(commentLine))
        ctx.err << "opsdeck secrets: note: the file's comments are not shown (not read from YAML "
                   "yet)\n";
    if (!macVerified)
        ctx.err << "opsdeck secrets: warning: " << macStatus << " (--ignore-mac)\n";
    // Plaintext to stdout only, as `sops decrypt` does — as bytes: a binary file is not text.
    ctx.out.flush();
    std::fwrite(plaintext.constData(), 1, size_t(plaintext.size()), stdout);
    std::fflush(stdout);
    return ExitCode::Ok;
}

/** The old file stays whole until the new one is complete (QSaveFile: temp file + rename). */
int saveAtomically(CliContext &ctx, const QString &path, const QByteArray &content)
{
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly) || save.write(content) < 0 || !save.commit()) {
        ctx.err << "opsdeck secrets: " << path << ": " << save.errorString() << "\n";
        return 3; // sops: CouldNotWriteOutputFile
    }
    return ExitCode::Ok;
}

/** `a.b.c` or sops's `["a"]["b"]["c"]`. */
QStringList parsePath(const QString &text)
{
    if (!text.startsWith(QLatin1Char('[')))
        return text.split(QLatin1Char('.'), Qt::SkipEmptyParts);
    QStringList path;
    static const QRegularExpression step(QStringLiteral("\\[\"((?:[^\"\\\\]|\\\\.)*)\"\\]"));
    for (auto it = step.globalMatch(text); it.hasNext();)
        path << it.next().captured(1);
    return path;
}

int runSet(CliContext &ctx, QStringList args)
{
    const bool ignoreMac = args.removeAll(QStringLiteral("--ignore-mac")) > 0;
    if (args.size() != 3) {
        ctx.err << "usage: opsdeck secrets set [--ignore-mac] FILE PATH VALUE   (PATH: a.b or "
                   "'[\"a\"][\"b\"]')\n";
        return args.isEmpty() ? SopsExit::NoFileSpecified : ExitCode::Usage;
    }
    const QString path = args.at(0);
    const QStringList keyPath = parsePath(args.at(1));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ctx.err << "opsdeck secrets: " << path << ": " << file.errorString() << "\n";
        return SopsExit::CouldNotReadInputFile;
    }
    const QString format = QFileInfo(path).suffix().toLower();
    if (format == QLatin1String("yaml") || format == QLatin1String("yml") ||
        format == QLatin1String("ini")) {
        ctx.err << "opsdeck secrets: " << path
                << ": saving is implemented for JSON, dotenv and binary files so far\n";
        return SopsExit::Generic;
    }
    if (keyPath.isEmpty() || keyPath.first() == QLatin1String("sops")) {
        ctx.err << "opsdeck secrets: '" << args.at(1) << "' is not a path to a value\n";
        return ExitCode::Usage;
    }
    const Sops::LoadedIdentities keys = Sops::loadIdentities();
    const QByteArray original = file.readAll();
    file.close();
    QByteArray written;
    if (format == QLatin1String("env")) {
        if (keyPath.size() != 1) {
            ctx.err << "opsdeck secrets: a dotenv file has one level of keys: '" << args.at(1)
                    << "'\n";
            return ExitCode::Usage;
        }
        const Result<QByteArray> edited = Sops::setDotenvValue(
            original, keys.identities, keyPath.first(), args.at(2).toUtf8(), ignoreMac);
        if (!edited) {
            ctx.err << "opsdeck secrets: " << path << ": " << edited.errorString() << "\n";
            return edited.error().code == QLatin1String("usage") ? int(ExitCode::Usage)
                                                                 : exitFor(edited.error().code);
        }
        return saveAtomically(ctx, path, *edited);
    }
    const Result<Sops::Node> root = Sops::Json::parse(original);
    const Sops::Node *found = root ? root->child(QStringLiteral("sops")) : nullptr;
    if (!found) {
        ctx.err << "opsdeck secrets: " << path << ": "
                << (root ? QStringLiteral("sops metadata not found") : root.errorString()) << "\n";
        return SopsExit::Generic;
    }
    Sops::Node metadata = *found;
    Sops::Node data = *root;
    data.map.removeIf([](const auto &item) { return item.first == QLatin1String("sops"); });
    auto decrypted = Sops::decryptTree(data, metadata, keys.identities, ignoreMac, true);
    if (!decrypted) {
        ctx.err << "opsdeck secrets: " << path << ": " << decrypted.errorString() << "\n";
        return exitFor(decrypted.error().code);
    }
    Sops::Node plain = decrypted->data;
    if (!Sops::setValue(plain, keyPath, args.at(2).toUtf8())) {
        ctx.err << "opsdeck secrets: " << args.at(1) << ": a list or a value is in the way\n";
        return ExitCode::Usage;
    }
    Sops::Node out = Sops::encryptTree(plain, metadata, decrypted->dataKey, decrypted->envelopes);
    out.map.append({QStringLiteral("sops"), metadata});
    return saveAtomically(ctx, path, Sops::Json::write(out, Sops::Json::detectIndent(original)));
}

/** A new file's metadata, in sops 3.13's layout (alphabetical keys at every level). */
Sops::Node newMetadata(const QByteArray &dataKey, const QList<Age::Recipient> &recipients,
                       bool binary, const Sops::CreationRule &rule)
{
    Sops::Node age;
    age.kind = Sops::Node::Kind::List;
    for (const Age::Recipient &r : recipients) {
        Sops::Node entry;
        entry.kind = Sops::Node::Kind::Map;
        entry.map.append(
            {QStringLiteral("enc"),
             Sops::Node::scalar(QStringLiteral("str"), Sops::wrapDataKey(dataKey, r))});
        entry.map.append({QStringLiteral("recipient"),
                          Sops::Node::scalar(QStringLiteral("str"), r.toString().toUtf8())});
        age.list << entry;
    }
    Sops::Node sops;
    sops.kind = Sops::Node::Kind::Map;
    sops.map.append({QStringLiteral("age"), age});
    sops.map.append({QStringLiteral("lastmodified"), Sops::Node()});
    sops.map.append({QStringLiteral("mac"), Sops::Node()});
    if (rule.macOnlyEncrypted)
        sops.map.append({QStringLiteral("mac_only_encrypted"),
                         Sops::Node::scalar(QStringLiteral("bool"), "True")});
    // The one rule in use (sops writes only that one); binary files carry none and honour none.
    const QList<std::pair<QString, QString>> rules = {
        {QStringLiteral("encrypted_regex"), rule.encryptedRegex},
        {QStringLiteral("encrypted_suffix"), rule.encryptedSuffix},
        {QStringLiteral("unencrypted_regex"), rule.unencryptedRegex},
        {QStringLiteral("unencrypted_suffix"), rule.unencryptedSuffix}};
    bool ruleWritten = false;
    for (const auto &[key, value] : rules) {
        if (!binary && !value.isEmpty()) {
            sops.map.append({key, Sops::Node::scalar(QStringLiteral("str"), value.toUtf8())});
            ruleWritten = true;
        }
    }
    if (!binary && !ruleWritten)
        sops.map.append({QStringLiteral("unencrypted_suffix"),
                         Sops::Node::scalar(QStringLiteral("str"), "_unencrypted")});
    sops.map.append(
        {QStringLiteral("version"), Sops::Node::scalar(QStringLiteral("str"), "3.13.2")});
    return sops;
}

int runEncrypt(CliContext &ctx, QStringList args)
{
    QStringList recipientTexts =
        qEnvironmentVariable("SOPS_AGE_RECIPIENTS").split(QLatin1Char(','), Qt::SkipEmptyParts);
    const qsizetype ageAt = args.indexOf(QStringLiteral("--age"));
    if (ageAt >= 0) {
        recipientTexts = args.value(ageAt + 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
        args.remove(ageAt, qMin<qsizetype>(2, args.size() - ageAt));
    }
    if (args.size() != 1) {
        ctx.err << "usage: opsdeck secrets encrypt [--age RECIPIENT,...] FILE   (or "
                   "$SOPS_AGE_RECIPIENTS)\n";
        return args.isEmpty() ? SopsExit::NoFileSpecified : ExitCode::Usage;
    }
    // No keys on the command line or in the environment: the .sops.yaml creation rule decides.
    Sops::CreationRule rule;
    if (recipientTexts.isEmpty()) {
        const auto config = Sops::SopsConfig::find(ctx.currentDirectory);
        const auto matched = config ? config->ruleFor(args.first())
                                    : Result<Sops::CreationRule>::failure(config.errorString());
        if (!matched) {
            ctx.err << "opsdeck secrets: no recipients: give --age age1..., set "
                       "SOPS_AGE_RECIPIENTS, or add a "
                       "creation rule to .sops.yaml ("
                    << matched.errorString() << ")\n";
            return 111; // sops: NoEncryptionKeyFound
        }
        rule = *matched;
        recipientTexts = rule.age;
    }
    QList<Age::Recipient> recipients;
    for (const QString &text : recipientTexts) {
        const auto r = Age::Recipient::parse(text);
        if (!r) {
            ctx.err << "opsdeck secrets: " << text.trimmed() << ": " << r.errorString() << "\n";
            return ExitCode::Usage;
        }
        recipients << *r;
    }
    if (recipients.isEmpty()) {
        ctx.err
            << "opsdeck secrets: no recipients: give --age age1... or set SOPS_AGE_RECIPIENTS\n";
        return 111; // sops: NoEncryptionKeyFound
    }
    const QString path = args.first();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ctx.err << "opsdeck secrets: " << path << ": " << file.errorString() << "\n";
        return SopsExit::CouldNotReadInputFile;
    }
    const QByteArray text = file.readAll();
    const QString format = QFileInfo(path).suffix().toLower();
    const bool json = format == QLatin1String("json");
    if (!json && (format == QLatin1String("yaml") || format == QLatin1String("yml") ||
                  format == QLatin1String("env") || format == QLatin1String("ini"))) {
        ctx.err << "opsdeck secrets: " << path
                << ": encrypting is implemented for JSON and binary files so far\n";
        return SopsExit::Generic;
    }
    Sops::Node data;
    if (json) {
        const Result<Sops::Node> parsed = Sops::Json::parse(text);
        if (!parsed || parsed->kind != Sops::Node::Kind::Map) {
            ctx.err << "opsdeck secrets: " << path << ": "
                    << (parsed ? QStringLiteral("the top level must be an object")
                               : parsed.errorString())
                    << "\n";
            return SopsExit::Generic;
        }
        if (parsed->child(QStringLiteral("sops"))) {
            ctx.err << "opsdeck secrets: " << path << ": the file is already encrypted\n";
            return 203; // sops: FileAlreadyEncrypted
        }
        data = *parsed;
    } else {
        data.kind = Sops::Node::Kind::Map;
        data.map.append({QStringLiteral("data"), Sops::Node::scalar(QStringLiteral("str"), text)});
    }
    QByteArray dataKey = AgeCrypto::randomBytes(32);
    Sops::Node metadata = newMetadata(dataKey, recipients, !json, rule);
    Sops::Node out = Sops::encryptTree(data, metadata, dataKey, {});
    AgeCrypto::cleanse(dataKey);
    out.map.append({QStringLiteral("sops"), metadata});
    ctx.out << QString::fromUtf8(Sops::Json::write(out)); // to stdout, as `sops encrypt` does
    return ExitCode::Ok;
}

int runSecrets(CliContext &ctx)
{
    const QString sub = ctx.args.value(0);
    if (sub == QLatin1String("decrypt"))
        return runDecrypt(ctx, ctx.args.mid(1));
    if (sub == QLatin1String("set"))
        return runSet(ctx, ctx.args.mid(1));
    if (sub == QLatin1String("encrypt"))
        return runEncrypt(ctx, ctx.args.mid(1));
    ctx.err << "usage: opsdeck secrets decrypt [--ignore-mac] FILE\n"
               "       opsdeck secrets set [--ignore-mac] FILE PATH VALUE\n";
    return ExitCode::Usage;
}

} // namespace

CliCommand secretsCommand()
{
    return {QStringLiteral("secrets"),
            {QStringLiteral("sops")},
            QStringLiteral("Secrets"),
            QStringLiteral("sops-compatible files with age: decrypt (dotenv, JSON, binary so far; "
                           "sops's exit codes)"),
            QStringLiteral(
                "opsdeck secrets decrypt [--ignore-mac] FILE\n"
                "opsdeck secrets set [--ignore-mac] FILE PATH VALUE   (JSON so far)\n"
                "opsdeck secrets encrypt [--age RECIPIENT,...] FILE    (JSON and binary so far)\n"
                "  identities as sops finds them: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, "
                "~/.config/sops/age/keys.txt"),
            runSecrets};
}

} // namespace Opsdeck
