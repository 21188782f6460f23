// SPDX-License-Identifier: GPL-3.0-or-later
#include "configreading.h"

#include "dotenvfile.h"

#include <QFile>
#include <QFuture>

namespace Opsdeck {

namespace {

/** Sops files are small; a bigger one is not a secrets file we should hold. */
constexpr qint64 kMaxSecretsFileBytes = 16 * 1024 * 1024;

using Reads = QList<QFuture<Result<ConfigSnapshot>>>;

void addSecretsKeys(EnvironmentConfig &config, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        config.secretsProblems << QStringLiteral("%1: %2").arg(path, file.errorString());
        return;
    }
    if (file.size() > kMaxSecretsFileBytes) {
        config.secretsProblems << QStringLiteral("%1: larger than 16 MiB, not read").arg(path);
        return;
    }
    if (const Status added = config.input.addSecretsKeys(path, file.readAll()); !added)
        config.secretsProblems << added.errorString();
}

} // namespace

const EnvironmentConfig::File *EnvironmentConfig::fileFor(const QString &key) const
{
    for (const File &f : files)
        if (DotenvFile::parse(f.snapshot.bytes).value(key))
            return &f;
    return files.isEmpty() ? nullptr : &files.first();
}

QFuture<EnvironmentConfig> readEnvironmentConfig(const EnvironmentSpec &environment, SshPool *pool,
                                                 bool withSecretsKeys)
{
    QList<ConfigFileSpec> specs;
    Reads reads;
    for (const ConfigFileSpec &spec : environment.config) {
        if (spec.isYaml())
            continue; // YAML files are edited, not compared key by key
        specs << spec;
        reads << ConfigFileAccess(spec, pool).read(); // the read does not need the access object
    }
    QFuture<Reads> all = reads.isEmpty() ? QtFuture::makeReadyFuture(Reads())
                                         : QtFuture::whenAll(reads.begin(), reads.end());
    const QStringList secrets = withSecretsKeys ? environment.secrets : QStringList();
    // On a pool thread: the secrets files are read from disk there, not on the caller's.
    return all.then(QtFuture::Launch::Async, [name = environment.name, specs,
                                              secrets](const Reads &done) {
        EnvironmentConfig config;
        config.environment = name;
        config.input.environment = name;
        for (qsizetype i = 0; i < done.size(); ++i) {
            const Result<ConfigSnapshot> read =
                done[i].resultCount() ? done[i].result()
                                      : Result<ConfigSnapshot>::failure(
                                            QStringLiteral("%1: no answer").arg(specs[i].location));
            if (!read) {
                config.fileProblems << read.errorString();
                continue;
            }
            config.files << EnvironmentConfig::File{specs[i], *read};
            config.input.addDotenv(specs[i].location, DotenvFile::parse(read->bytes));
        }
        for (const QString &path : secrets)
            addSecretsKeys(config, path);
        return config;
    });
}

} // namespace Opsdeck
