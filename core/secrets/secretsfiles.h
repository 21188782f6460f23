// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sopsdocument.h"

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
 * `.sops.yaml` creation rule matches (so a file the workspace forgot is still found). */
struct SecretsFileList
{
    QStringList environmentFiles;
    QStringList ruleMatchedFiles;
};
SecretsFileList listSecretsFiles(const Workspace &workspace, const EnvironmentSpec &environment);

} // namespace Opsdeck
