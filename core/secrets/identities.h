// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "age.h"

#include <QHash>
#include <QStringList>

namespace Opsdeck::Sops {

/** The age identities sops would use, with where each came from and what could not be read. */
struct LoadedIdentities
{
    QList<Age::Identity> identities;
    QStringList sources;  // "SOPS_AGE_KEY", "/home/me/.config/sops/age/keys.txt", ...
    QStringList problems; // unreadable files, malformed lines (never the key material itself)
    QStringList
        lockedFiles; // passphrase-protected keys files not opened (no or a wrong passphrase)
};

/**
 * Reads identities the way sops does: `SOPS_AGE_KEY` (whitespace-separated), the file in
 * `SOPS_AGE_KEY_FILE`, and the default `$XDG_CONFIG_HOME/sops/age/keys.txt` (else
 * `~/.config/sops/age/keys.txt`), which is read even when the variables are set. A keys file
 * protected with a passphrase opens with the one in `passphrases` (by path), else is listed in
 * lockedFiles.
 */
LoadedIdentities loadIdentities(const QHash<QString, QByteArray> &passphrases = {});

/** No core file, no ptrace by others: called once an identity is in memory (RLIMIT_CORE 0,
 * PR_SET_DUMPABLE 0). */
void keepSecretsOutOfCoreDumps();

/** One keys file (age-keygen format, or one encrypted with `age -p`, opened with the passphrase
 * given for `source`); `source` names it in problems. */
void parseKeysFile(const QByteArray &text, const QString &source, LoadedIdentities &into,
                   const QHash<QString, QByteArray> &passphrases = {});

} // namespace Opsdeck::Sops
