// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sopsdocument.h"

#include <QMap>
#include <QStringList>

#include <memory>

namespace Opsdeck {

struct EnvironmentSpec;
struct Workspace;

/** A sops file read and decrypted in memory (for a background thread: it reads the disk). */
struct OpenedSecretsFile
{
    QString path;
    std::shared_ptr<Sops::SopsDocument> document;
    QByteArray digest;        // of the bytes read, to notice a change on disk before saving
    QStringList myRecipients; // the recipients of the identities found (to mark "you")
    QStringList notes;        // identity problems, duplicate keys...
};

/** Reads `path` and opens it with the identities sops would find (`passphrases`: for keys files
 * protected with one, by path). Error codes as SopsDocument::open's, plus "read", and
 * "passphrase" when a locked keys file might hold the key (Error::file names it). */
Result<OpenedSecretsFile> openSecretsFile(const QString &path,
                                          const QHash<QString, QByteArray> &passphrases = {});

/**
 * Writes an encrypted file atomically (QSaveFile), refusing when the file on disk no longer
 * matches `expectedDigest` (someone changed it since it was opened; code "conflict"; an empty
 * digest means a new file, refused when one exists by then). Returns
 * the digest of what was written.
 */
Result<QByteArray> saveSecretsFile(const QString &path, const QByteArray &content,
                                   const QByteArray &expectedDigest);

/** The environment's `secrets:` files, then other sops files in the workspace's folder that a
 * `.sops.yaml` creation rule matches (so a file the workspace forgot is still found): those another
 * environment lists are that environment's, the rest belong to none. */
struct SecretsFileList
{
    QStringList environmentFiles;
    QMap<QString, QStringList> otherEnvironmentFiles; // by the environment that lists them
    QStringList ruleMatchedFiles;                     // listed by no environment
};
SecretsFileList listSecretsFiles(const Workspace &workspace, const EnvironmentSpec &environment);

/**
 * The environment a local file belongs to, for confirmation and audit: an action on a file takes
 * its protection from the file, never from the pane it was started in (staging's pane listing
 * production.enc.yaml under "other files" must still ask for "production").
 */
struct FileOwner
{
    QString environment; // empty when no environment claims the file
    bool isProtected = false;
    QString reason; // how it was found, for the dialog ("listed in production's secrets:")
};

/**
 * In order: the environments whose `secrets:` or local `config:` list the file; else those whose
 * listed secrets files fall under the same .sops.yaml creation rule; else those whose name is a
 * word of the file name (production.enc.yaml). Several claimants: the strictest (a protected one)
 * wins. None: protected when any environment of the workspace is.
 */
FileOwner ownerOfFile(const Workspace &workspace, const QString &path);

} // namespace Opsdeck
