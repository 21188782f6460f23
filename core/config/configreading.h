// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "configdrift.h"
#include "configstorage.h"

#include <QFuture>

namespace Opsdeck {

class SshPool;

/**
 * What was read of one environment's config, for drift and for copying a value across: its
 * .env files (local or over SFTP, read at once) and the key names of its sops files. Read the
 * same way by the Config pane's drift view and `opsdeck config diff`.
 */
struct EnvironmentConfig
{
    struct File
    {
        ConfigFileSpec spec;
        ConfigSnapshot snapshot; // `exists` false for a file not created yet
    };
    QString environment;
    QList<File> files; // the .env files read, in workspace order (YAML files are not compared)
    DriftInput input;  // their keys (the first file that sets a key wins), then secrets' names
    QStringList fileProblems;    // a .env file that could not be read: "path: why"
    QStringList secretsProblems; // a sops file that could not be read or parsed

    /** Where a value of `key` copied into this environment goes: the first file that sets it,
     * else the first file; null without files. */
    const File *fileFor(const QString &key) const;
};

/** Reads `environment`'s config; `withSecretsKeys` adds the key names of its sops files. */
QFuture<EnvironmentConfig> readEnvironmentConfig(const EnvironmentSpec &environment, SshPool *pool,
                                                 bool withSecretsKeys);

} // namespace Opsdeck
