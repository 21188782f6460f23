// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretscommand.h"

#include "actions/actionpipeline.h"
#include "cliconfirmer.h"

#include "audit/auditlog.h"
#include "secrets/agecrypto.h"
#include "secrets/identities.h"
#include "secrets/secretsfiles.h"
#include "secrets/sopscipher.h"
#include "secrets/sopsconfig.h"
#include "secrets/sopsdocument.h"
#include "secrets/sopstree.h"
#include "secrets/sopsyaml.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QFile>

#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <cstdio>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace Opsdeck {

namespace {

// sops's own exit codes (cmd/sops/codes), so scripts written for sops keep working.
namespace SopsExit {
constexpr int Generic = 1;
constexpr int CouldNotReadInputFile = 2;
constexpr int CouldNotWriteOutputFile = 3;
constexpr int ErrorDecryptingMac = 24;
constexpr int ErrorDecryptingTree = 25;
constexpr int MacMismatch = 51;
constexpr int MacNotFound = 52;
constexpr int NoFileSpecified = 100;
constexpr int NoEncryptionKeyFound = 111;
constexpr int CouldNotRetrieveKey = 128;
constexpr int FileAlreadyEncrypted = 203;
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

Sops::LoadedIdentities identitiesWithWarnings(CliContext &ctx)
{
    Sops::LoadedIdentities keys = Sops::loadIdentities();
    for (const QString &problem : keys.problems)
        ctx.err << "opsdeck secrets: warning: " << problem << "\n";
    return keys;
}

std::optional<QByteArray> readInput(CliContext &ctx, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ctx.err << "opsdeck secrets: " << path << ": " << file.errorString() << "\n";
        return std::nullopt;
    }
    return file.readAll();
}

/** A passphrase typed on the terminal without echo (as age -d and sops ask); empty without one. */
QByteArray readPassphrase(const QString &prompt)
{
    const int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY);
    if (tty < 0)
        return {};
    const QByteArray question = prompt.toLocal8Bit();
    (void)::write(tty, question.constData(), size_t(question.size()));
    termios saved{};
    const bool terminal = tcgetattr(tty, &saved) == 0;
    if (terminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    QByteArray passphrase;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n')
        passphrase += c;
    if (terminal)
        tcsetattr(tty, TCSAFLUSH, &saved);
    (void)::write(tty, "\n", 1);
    ::close(tty);
    return passphrase;
}

/** Opens an encrypted file; on failure says why (and where keys are looked for) and sets `exit`.
 * A keys file protected by a passphrase is asked for on the terminal when the key is not found
 * elsewhere. */
std::optional<Sops::SopsDocument> openDocument(CliContext &ctx, const QString &path, bool ignoreMac,
                                               int &exit)
{
    const std::optional<QByteArray> text = readInput(ctx, path);
    if (!text) {
        exit = SopsExit::CouldNotReadInputFile;
        return std::nullopt;
    }
    Sops::LoadedIdentities keys = identitiesWithWarnings(ctx);
    const Sops::Format format = Sops::formatForPath(path);
    Result<Sops::SopsDocument> doc =
        Sops::SopsDocument::open(*text, format, keys.identities, ignoreMac);
    if (!doc && doc.error().code == QLatin1String("key") && !keys.lockedFiles.isEmpty()) {
        QHash<QString, QByteArray> passphrases;
        for (const QString &locked : keys.lockedFiles)
            passphrases.insert(locked,
                               readPassphrase(QStringLiteral("Passphrase for %1: ").arg(locked)));
        keys = Sops::loadIdentities(passphrases);
        for (QByteArray &p : passphrases)
            AgeCrypto::cleanse(p);
        doc = Sops::SopsDocument::open(*text, format, keys.identities, ignoreMac);
    }
    if (!doc) {
        ctx.err << "opsdeck secrets: " << path << ": " << doc.errorString() << "\n";
        for (const QString &problem : keys.problems)
            ctx.err << "  " << problem << "\n";
        if (doc.error().code == QLatin1String("key") && keys.identities.isEmpty())
            ctx.err << "  (no age identity found: set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE, or create "
                       "~/.config/sops/age/keys.txt)\n";
        exit = exitFor(doc.error().code);
        return std::nullopt;
    }
    if (!doc->macVerified())
        ctx.err << "opsdeck secrets: warning: " << doc->macStatus() << " (--ignore-mac)\n";
    for (const QString &warning : doc->warnings())
        ctx.err << "opsdeck secrets: " << path << ": warning: " << warning << "\n";
    return std::move(doc).value();
}

int runDecrypt(CliContext &ctx, QStringList args)
{
    const bool ignoreMac = args.removeAll(QStringLiteral("--ignore-mac")) > 0;
    if (args.size() != 1) {
        ctx.err << "usage: opsdeck secrets decrypt [--ignore-mac] FILE\n";
        return SopsExit::NoFileSpecified;
    }
    int exit = ExitCode::Ok;
    const std::optional<Sops::SopsDocument> doc = openDocument(ctx, args.first(), ignoreMac, exit);
    if (!doc)
        return exit;
    // Plaintext to stdout only, as `sops decrypt` does — as bytes: a binary file is not text.
    const QByteArray plaintext = doc->plaintext();
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
        return SopsExit::CouldNotWriteOutputFile;
    }
    return ExitCode::Ok;
}

int saveDocument(CliContext &ctx, const QString &path, Sops::SopsDocument &doc)
{
    const Result<QByteArray> encrypted = doc.serialize();
    if (!encrypted) {
        ctx.err << "opsdeck secrets: " << path << ": " << encrypted.errorString() << "\n";
        return SopsExit::Generic;
    }
    return saveAtomically(ctx, path, *encrypted);
}

QStringList takeOption(QStringList &args, const QString &name);

/** Where a write goes: whose file it is (by the workspace found as git finds its repository),
 * and the --yes / -m COMMENT it was given. No workspace: no environment, as with sops. */
struct WriteTarget
{
    QString workspace;
    FileOwner owner;
    QString comment;
    bool yes = false;
};

WriteTarget takeWriteOptions(QStringList &args)
{
    WriteTarget t;
    t.yes = args.removeAll(QStringLiteral("--yes")) > 0;
    for (const QString &flag : {QStringLiteral("-m"), QStringLiteral("--comment")}) {
        const QStringList values = takeOption(args, flag);
        if (!values.isEmpty())
            t.comment = values.join(QLatin1Char(','));
    }
    return t;
}

/**
 * A write to a secrets file through the action pipeline: protected as the file's environment
 * (--yes and -m there, as everywhere), the audit row (key names only) written before `write`
 * runs. The exit code: `write`'s, or Usage when it was not confirmed.
 */
int submitWrite(CliContext &ctx, WriteTarget &t, const QString &path, ActionKind kind,
                const QString &keys, const std::function<int()> &write)
{
    const QString file = QFileInfo(QDir(ctx.currentDirectory), path).absoluteFilePath();
    const QString workspacePath = ctx.workspacePath();
    if (!workspacePath.isEmpty())
        if (const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(workspacePath);
            loaded.ok()) {
            t.workspace = loaded.workspace->name;
            t.owner = ownerOfFile(*loaded.workspace, file);
        }
    ActionRequest request;
    request.kind = kind;
    request.workspace = t.workspace;
    // A file no environment claims, where some environment is protected, is confirmed by name.
    request.environment = t.owner.environment.isEmpty() && t.owner.isProtected
                              ? QFileInfo(path).fileName()
                              : t.owner.environment;
    request.isProtected = t.owner.isProtected;
    request.target = path;
    request.after = keys;
    request.comment = t.comment;
    request.description =
        QStringLiteral("%1 %2 (%3)")
            .arg(ruleFor(kind).label, path,
                 t.owner.reason.isEmpty() ? QStringLiteral("no environment") : t.owner.reason);
    ActionPipeline pipeline(AuditLog::shared(), std::make_shared<CliConfirmer>(ctx.err, t.yes));
    int exit = ExitCode::Usage;
    pipeline.submit(
        request,
        [&](const ActionRequest &, ActionPipeline::Finish finish) {
            exit = write();
            finish(exit == ExitCode::Ok
                       ? Result<QString>(QString())
                       : Result<QString>::failure(QStringLiteral("exit %1").arg(exit)));
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::Refused)
                ctx.err << "opsdeck secrets: " << outcome.message << "\n";
        });
    return exit;
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
    WriteTarget target = takeWriteOptions(args);
    const bool yes = target.yes;
    if (args.size() != 3) {
        ctx.err << "usage: opsdeck secrets set [--ignore-mac] [--yes] [-m COMMENT] FILE PATH "
                   "VALUE   (PATH: a.b or '[\"a\"][\"b\"]')\n";
        return args.isEmpty() ? SopsExit::NoFileSpecified : ExitCode::Usage;
    }
    const QString path = args.at(0);
    const QStringList keyPath = parsePath(args.at(1));
    const Sops::Format format = Sops::formatForPath(path);
    const qsizetype depth = format == Sops::Format::Dotenv ? 1
                            : format == Sops::Format::Ini  ? 2
                                                           : 0;
    if (keyPath.isEmpty() || keyPath.first() == QLatin1String("sops") ||
        (depth && keyPath.size() != depth)) {
        ctx.err << "opsdeck secrets: '" << args.at(1) << "' is not a path to a value"
                << (depth == 1   ? " (a dotenv file has one level of keys)"
                    : depth == 2 ? " (an INI file has section.key)"
                                 : "")
                << "\n";
        return ExitCode::Usage;
    }
    int exit = ExitCode::Ok;
    std::optional<Sops::SopsDocument> doc = openDocument(ctx, path, ignoreMac, exit);
    if (!doc)
        return exit;
    if (!Sops::setValue(doc->data(), keyPath, args.at(2).toUtf8())) {
        ctx.err << "opsdeck secrets: " << args.at(1) << ": a list or a value is in the way\n";
        return ExitCode::Usage;
    }
    if (const Status shape = doc->validate(); !shape) {
        ctx.err << "opsdeck secrets: " << shape.errorString() << "\n";
        return ExitCode::Usage;
    }
    // Writing computes a new MAC over whatever was read: a tampered file would come out signed.
    if (!doc->macVerified()) {
        ctx.err << "opsdeck secrets: " << path
                << ": THE MAC WAS NOT CHECKED (--ignore-mac). Writing signs the file anew, "
                   "tampered values included, and nobody could tell afterwards.\n";
        if (!yes) {
            ctx.err << "opsdeck secrets: not written; add --yes once you have checked every "
                       "value (opsdeck secrets decrypt --ignore-mac)\n";
            return SopsExit::MacMismatch;
        }
    }
    return submitWrite(ctx, target, path, ActionKind::SecretsSave, keyPath.join(QLatin1Char('.')),
                       [&] { return saveDocument(ctx, path, *doc); });
}

/** `--age A,B` or `--add-age A` style options: their values, removed from `args`. */
QStringList takeOption(QStringList &args, const QString &name)
{
    QStringList values;
    for (qsizetype at = args.indexOf(name); at >= 0; at = args.indexOf(name)) {
        values += args.value(at + 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
        args.remove(at, qMin<qsizetype>(2, args.size() - at));
    }
    return values;
}

std::optional<QList<Age::Recipient>> parseRecipients(CliContext &ctx, const QStringList &texts)
{
    QList<Age::Recipient> recipients;
    for (const QString &text : texts) {
        const auto r = Age::Recipient::parse(text.trimmed());
        if (!r) {
            ctx.err << "opsdeck secrets: " << text.trimmed() << ": " << r.errorString() << "\n";
            return std::nullopt;
        }
        recipients << *r;
    }
    return recipients;
}

int runEncrypt(CliContext &ctx, QStringList args)
{
    QStringList recipientTexts =
        qEnvironmentVariable("SOPS_AGE_RECIPIENTS").split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (args.contains(QStringLiteral("--age")))
        recipientTexts = takeOption(args, QStringLiteral("--age"));
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
                       "SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml ("
                    << matched.errorString() << ")\n";
            return SopsExit::NoEncryptionKeyFound;
        }
        rule = *matched;
        recipientTexts = rule.age;
    }
    const std::optional<QList<Age::Recipient>> recipients = parseRecipients(ctx, recipientTexts);
    if (!recipients)
        return SopsExit::Generic; // what sops exits with for a recipient it cannot use
    const QString path = args.first();
    const std::optional<QByteArray> text = readInput(ctx, path);
    if (!text)
        return SopsExit::CouldNotReadInputFile;
    Result<Sops::SopsDocument> doc =
        Sops::SopsDocument::create(*text, Sops::formatForPath(path), *recipients, rule);
    if (!doc) {
        ctx.err << "opsdeck secrets: " << path << ": " << doc.errorString() << "\n";
        const QString code = doc.error().code;
        return code == QLatin1String("no-recipients")       ? SopsExit::NoEncryptionKeyFound
               : code == QLatin1String("already-encrypted") ? SopsExit::FileAlreadyEncrypted
                                                            : SopsExit::Generic;
    }
    const Result<QByteArray> encrypted = doc.value().serialize();
    if (!encrypted) {
        ctx.err << "opsdeck secrets: " << path << ": " << encrypted.errorString() << "\n";
        return SopsExit::Generic;
    }
    ctx.out.flush(); // to stdout, as `sops encrypt` does
    std::fwrite(encrypted->constData(), 1, size_t(encrypted->size()), stdout);
    std::fflush(stdout);
    return ExitCode::Ok;
}

/** Adds then removes recipients; what changed as audited ("+age1…", "-age1…"), or nothing when a
 * step failed (said on stderr). */
std::optional<QStringList> changeRecipients(CliContext &ctx, const QString &file,
                                            Sops::SopsDocument &doc,
                                            const QList<Age::Recipient> &added,
                                            const QStringList &removed)
{
    QStringList change;
    const auto failed = [&](const Status &step) {
        ctx.err << "opsdeck secrets: " << file << ": " << step.errorString() << "\n";
        return std::nullopt;
    };
    for (const Age::Recipient &r : added) {
        if (const Status step = doc.addRecipient(r); !step)
            return failed(step);
        change << QStringLiteral("+") + r.toString();
    }
    for (const QString &r : removed) {
        if (const Status step = doc.removeRecipient(r.trimmed()); !step)
            return failed(step);
        change << QStringLiteral("-") + r.trimmed();
    }
    return change;
}

/** A file opened with recipients added and removed, and what changed as audited. */
struct RecipientEdit
{
    Sops::SopsDocument document;
    QStringList change;
};

/** Opens `file` and changes its recipients; nothing when a step failed (`exit` says how). */
std::optional<RecipientEdit> openWithRecipients(CliContext &ctx, const QString &file,
                                                const QStringList &added,
                                                const QStringList &removed, int &exit)
{
    exit = SopsExit::Generic;
    const std::optional<QList<Age::Recipient>> recipients = parseRecipients(ctx, added);
    if (!recipients)
        return std::nullopt;
    std::optional<Sops::SopsDocument> doc = openDocument(ctx, file, false, exit);
    if (!doc)
        return std::nullopt;
    std::optional<QStringList> change = changeRecipients(ctx, file, *doc, *recipients, removed);
    if (!change) {
        exit = SopsExit::Generic;
        return std::nullopt;
    }
    return RecipientEdit{std::move(*doc), std::move(*change)};
}

/** In place: a new data key for every recipient, with recipients added or removed first. */
int runRotate(CliContext &ctx, QStringList args)
{
    args.removeAll(QStringLiteral("-i")); // sops's --in-place; rotating always is here
    args.removeAll(QStringLiteral("--in-place"));
    WriteTarget target = takeWriteOptions(args);
    const QStringList added = takeOption(args, QStringLiteral("--add-age"));
    const QStringList removed = takeOption(args, QStringLiteral("--rm-age"));
    if (args.size() != 1) {
        ctx.err << "usage: opsdeck secrets rotate [--add-age R,...] [--rm-age R,...] [--yes] [-m "
                   "COMMENT] FILE\n";
        return args.isEmpty() ? SopsExit::NoFileSpecified : ExitCode::Usage;
    }
    int exit = ExitCode::Ok;
    std::optional<RecipientEdit> edit = openWithRecipients(ctx, args.first(), added, removed, exit);
    if (!edit)
        return exit;
    if (const Status rotated = edit->document.rotate(); !rotated) {
        ctx.err << "opsdeck secrets: " << args.first() << ": " << rotated.errorString() << "\n";
        return SopsExit::Generic;
    }
    const QStringList change = QStringList{QStringLiteral("new data key")} + edit->change;
    // Recipients changed as well as the key: one audited action of the kind that says so.
    const ActionKind kind = added.isEmpty() && removed.isEmpty() ? ActionKind::SecretsRotate
                                                                 : ActionKind::SecretsRecipients;
    return submitWrite(ctx, target, args.first(), kind, change.join(QStringLiteral(", ")),
                       [&] { return saveDocument(ctx, args.first(), edit->document); });
}

/** Lists a file's recipients (no identity needed); with --add-age/--rm-age, changes them. */
int runRecipients(CliContext &ctx, QStringList args)
{
    WriteTarget target = takeWriteOptions(args);
    const QStringList added = takeOption(args, QStringLiteral("--add-age"));
    const QStringList removed = takeOption(args, QStringLiteral("--rm-age"));
    if (args.size() != 1) {
        ctx.err << "usage: opsdeck secrets recipients [--add-age R,...] [--rm-age R,...] [--yes] "
                   "[-m COMMENT] FILE\n";
        return args.isEmpty() ? SopsExit::NoFileSpecified : ExitCode::Usage;
    }
    if (added.isEmpty() && removed.isEmpty()) {
        const std::optional<QByteArray> text = readInput(ctx, args.first());
        if (!text)
            return SopsExit::CouldNotReadInputFile;
        const Result<QList<Sops::MasterKey>> keys =
            Sops::SopsDocument::readMasterKeys(*text, Sops::formatForPath(args.first()));
        if (!keys) {
            ctx.err << "opsdeck secrets: " << args.first() << ": " << keys.errorString() << "\n";
            return SopsExit::Generic;
        }
        for (const Sops::MasterKey &key : *keys)
            ctx.out << key.type << "  " << key.id
                    << (key.group >= 0 ? QStringLiteral("  (key group %1)").arg(key.group + 1)
                                       : QString())
                    << "\n";
        return ExitCode::Ok;
    }
    int exit = ExitCode::Ok;
    std::optional<RecipientEdit> edit = openWithRecipients(ctx, args.first(), added, removed, exit);
    if (!edit)
        return exit;
    return submitWrite(ctx, target, args.first(), ActionKind::SecretsRecipients,
                       edit->change.join(QStringLiteral(", ")),
                       [&] { return saveDocument(ctx, args.first(), edit->document); });
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
    if (sub == QLatin1String("rotate"))
        return runRotate(ctx, ctx.args.mid(1));
    if (sub == QLatin1String("recipients"))
        return runRecipients(ctx, ctx.args.mid(1));
    ctx.err << "usage: " << secretsCommand().usage << "\n";
    return ExitCode::Usage;
}

} // namespace

CliCommand secretsCommand()
{
    return {QStringLiteral("secrets"),
            {QStringLiteral("sops")},
            QStringLiteral("Secrets"),
            QStringLiteral("sops-compatible files with age (YAML, JSON, dotenv, INI, binary; "
                           "sops's exit codes)"),
            QStringLiteral(
                "opsdeck secrets decrypt [--ignore-mac] FILE         plaintext to stdout\n"
                "opsdeck secrets set [--ignore-mac] FILE PATH VALUE   in place; PATH a.b or "
                "'[\"a\"][\"b\"]'\n"
                "opsdeck secrets encrypt [--age RECIPIENT,...] FILE   to stdout; else "
                "$SOPS_AGE_RECIPIENTS, else .sops.yaml\n"
                "opsdeck secrets rotate [--add-age R,...] [--rm-age R,...] FILE   new data key, "
                "in place\n"
                "opsdeck secrets recipients [--add-age R,...] [--rm-age R,...] FILE   who can "
                "open it; adds or removes (removing rotates the data key)\n"
                "  identities as sops finds them: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, "
                "~/.config/sops/age/keys.txt"),
            runSecrets};
}

} // namespace Opsdeck
