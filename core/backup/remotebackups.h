// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "backupmanifest.h"

#include <QFuture>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace Opsdeck {

class SshClient;
class SshPool;

/**
 * Backups kept on a host (`backups.location: HOST:/path`), reached over SFTP on an SSH session
 * of their own: a gigabyte copied over the host's shared session would hold up its tunnels
 * (the database's among them) for as long. Dumps are made here, then copied there under a
 * .partial name and renamed once whole, manifest last; a dump is fetched back before a restore
 * and checked against its manifest's SHA-256. Each call's work runs on that session's thread.
 */
class RemoteBackups final : public QObject
{
    Q_OBJECT

public:
    /** Told the bytes copied so far, on the session's thread; false cancels the copy. */
    using Progress = std::function<bool(qint64 bytes)>;

    RemoteBackups(SshPool *pool, QString host, QString directory, QObject *parent = nullptr);
    ~RemoteBackups() override;

    QString location() const { return m_host + QLatin1Char(':') + m_directory; }

    /** One environment's backups there, newest first (manifests only: a few KiB each). */
    QFuture<Result<QList<BackupManifest>>> list(const QString &environment);
    /**
     * Copies a dump made here (a single file: the custom format) and its manifest there, then
     * removes the local copies. The manifest it returns describes the copy there.
     */
    QFuture<Result<BackupManifest>> upload(const BackupManifest &local, Progress progress);
    /** Copies a dump from there into `localDirectory` (with its manifest) and checks its hash. */
    QFuture<Result<BackupManifest>> download(const BackupManifest &remote,
                                             const QString &localDirectory, Progress progress);
    /** The backup there named `name` (a dump's file name, or its path there), or why not. */
    QFuture<Result<BackupManifest>> find(const QString &name);

private:
    SshClient *client();

    SshPool *m_pool;
    QString m_host;
    QString m_directory;
    std::unique_ptr<SshClient> m_client; // its own session, opened on first use
};

} // namespace Opsdeck
