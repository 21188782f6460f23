// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretsfiles.h"

#include "identities.h"
#include "sopsconfig.h"
#include "workspace/workspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

namespace Opsdeck {

namespace {

QByteArray digestOf(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

} // namespace

Result<OpenedSecretsFile> openSecretsFile(const QString &path,
                                          const QHash<QString, QByteArray> &passphrases)
{
    using R = Result<OpenedSecretsFile>;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("%1: %2").arg(path, file.errorString()),
                          QStringLiteral("read"));
    const QByteArray text = file.readAll();
    const Sops::LoadedIdentities keys = Sops::loadIdentities(passphrases);
    Result<Sops::SopsDocument> doc =
        Sops::SopsDocument::open(text, Sops::formatForPath(path), keys.identities);
    if (!doc) {
        Error error = doc.error();
        if (error.code == QLatin1String("key") && !keys.lockedFiles.isEmpty())
            return R(Error{QStringLiteral("protected by a passphrase (the key for %1 may be in it)")
                               .arg(QFileInfo(path).fileName()),
                           keys.lockedFiles.first(), 0, 0, QStringLiteral("passphrase")});
        if (error.code == QLatin1String("key"))
            error.message += keys.identities.isEmpty()
                                 ? QStringLiteral(" (no age identity found: set SOPS_AGE_KEY or "
                                                  "SOPS_AGE_KEY_FILE, or create "
                                                  "~/.config/sops/age/keys.txt)")
                                 : QStringLiteral(" (identities from %1)")
                                       .arg(keys.sources.join(QStringLiteral(", ")));
        return R(error);
    }
    OpenedSecretsFile opened;
    opened.path = path;
    opened.digest = digestOf(text);
    opened.notes = keys.problems + doc->warnings();
    for (const Age::Identity &identity : keys.identities)
        opened.myRecipients << identity.recipient();
    opened.document = std::make_shared<Sops::SopsDocument>(std::move(doc).value());
    return opened;
}

Result<QByteArray> saveSecretsFile(const QString &path, const QByteArray &content,
                                   const QByteArray &expectedDigest)
{
    using R = Result<QByteArray>;
    {
        QFile current(path); // empty digest: a new file, which must not have appeared meanwhile
        const bool exists = current.open(QIODevice::ReadOnly);
        if (exists != !expectedDigest.isEmpty() ||
            (exists && digestOf(current.readAll()) != expectedDigest))
            return R::failure(QStringLiteral("%1 changed on disk since it was opened (a git pull, "
                                             "another editor?): reload it and make the change "
                                             "again")
                                  .arg(path),
                              QStringLiteral("conflict"));
    }
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly) || save.write(content) != content.size() || !save.commit())
        return R::failure(QStringLiteral("%1: %2").arg(path, save.errorString()),
                          QStringLiteral("write"));
    return digestOf(content);
}

SecretsFileList listSecretsFiles(const Workspace &workspace, const EnvironmentSpec &environment)
{
    SecretsFileList list;
    list.environmentFiles = environment.secrets;
    const auto config = Sops::SopsConfig::find(workspace.directory);
    if (!config || workspace.directory.isEmpty())
        return list;
    const QDir configDir = QFileInfo(config->path).absoluteDir();
    QDirIterator it(workspace.directory, QDir::Files, QDirIterator::Subdirectories);
    int scanned = 0;
    while (it.hasNext() && scanned++ < 5000) {
        const QString path = it.next();
        if (path.contains(QLatin1String("/.git/")) ||
            path.contains(QLatin1String("/node_modules/")) ||
            list.environmentFiles.contains(path) || it.fileInfo().size() > 16 * 1024 * 1024)
            continue;
        // As sops matches them: against the path relative to the .sops.yaml's folder. Catch-all
        // rules (no path_regex) would list every file, so they do not count here.
        const QString relative = configDir.relativeFilePath(path);
        bool matched = false;
        for (const Sops::CreationRule &rule : config->rules)
            if (!rule.pathRegex.isEmpty() &&
                QRegularExpression(rule.pathRegex).match(relative).hasMatch())
                matched = true;
        if (!matched)
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly) || !file.read(1 << 20).contains("sops"))
            continue;
        QString owner;
        for (const EnvironmentSpec &other : workspace.environments)
            if (other.name != environment.name && other.secrets.contains(path))
                owner = other.name;
        if (owner.isEmpty())
            list.ruleMatchedFiles << path;
        else
            list.otherEnvironmentFiles[owner] << path;
    }
    return list;
}

namespace {

FileOwner strictest(const QList<const EnvironmentSpec *> &claimants, const QString &reason)
{
    const EnvironmentSpec *chosen = claimants.first();
    for (const EnvironmentSpec *env : claimants)
        if (env->isProtected && !chosen->isProtected)
            chosen = env;
    return {chosen->name, chosen->isProtected, reason.arg(chosen->name)};
}

/** Index of the first creation rule sops would use for `path`, or -1. */
int ruleIndexFor(const Sops::SopsConfig &config, const QString &path)
{
    const QString relative = QFileInfo(config.path).absoluteDir().relativeFilePath(path);
    for (qsizetype i = 0; i < config.rules.size(); ++i) {
        const QString &regex = config.rules.at(i).pathRegex;
        if (regex.isEmpty() || QRegularExpression(regex).match(relative).hasMatch())
            return int(i);
    }
    return -1;
}

} // namespace

FileOwner ownerOfFile(const Workspace &workspace, const QString &path)
{
    const QString file = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    QList<const EnvironmentSpec *> listing;
    for (const EnvironmentSpec &env : workspace.environments) {
        bool listed = env.secrets.contains(file);
        for (const ConfigFileSpec &config : env.config)
            listed = listed || (!config.isRemote() && config.path == file);
        if (listed)
            listing << &env;
    }
    if (!listing.isEmpty())
        return strictest(listing, QStringLiteral("listed in %1's workspace entry"));

    if (const auto config = Sops::SopsConfig::find(QFileInfo(file).absolutePath())) {
        const int rule = ruleIndexFor(*config, file);
        QList<const EnvironmentSpec *> sameRule;
        for (const EnvironmentSpec &env : workspace.environments)
            for (const QString &listed : env.secrets)
                if (rule >= 0 && !config->rules.at(rule).pathRegex.isEmpty() &&
                    ruleIndexFor(*config, listed) == rule && !sameRule.contains(&env))
                    sameRule << &env;
        if (!sameRule.isEmpty())
            return strictest(sameRule, QStringLiteral("the same .sops.yaml rule as %1's files"));
    }

    static const QRegularExpression separators(QStringLiteral("[._\\-]+"));
    const QStringList words =
        QFileInfo(file).fileName().toLower().split(separators, Qt::SkipEmptyParts);
    QList<const EnvironmentSpec *> named;
    for (const EnvironmentSpec &env : workspace.environments)
        if (words.contains(env.name.toLower()))
            named << &env;
    if (!named.isEmpty())
        return strictest(named, QStringLiteral("%1 is in its name"));

    FileOwner none;
    for (const EnvironmentSpec &env : workspace.environments)
        none.isProtected = none.isProtected || env.isProtected;
    none.reason = QStringLiteral("no environment lists it");
    return none;
}

} // namespace Opsdeck
