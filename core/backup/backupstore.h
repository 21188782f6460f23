// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "backupmanifest.h"

#include <QFuture>
#include <QObject>

#include <memory>

namespace Opsdeck {

class RemoteBackups;
class SshPool;
struct DumpRequest;
struct RestoreRequest;
struct Workspace;

/**
 * The workspace's backups wherever `backups.location` keeps them: a folder here, or a folder
 * on one of its hosts (over SFTP, on a session of its own). The pane and the CLI list, back up
 * and restore through it and never ask which.
 */
class BackupStore final : public QObject
{
    Q_OBJECT

public:
    BackupStore(const Workspace &workspace, SshPool *pool, QObject *parent = nullptr);
    ~BackupStore() override;

    bool isRemote() const { return m_remote != nullptr; }
    /** As shown: "/home/me/backups" or "bastion:/var/backups/opsdeck". */
    QString location() const;
    /** The folder dumps are written in here (the location itself, or where they wait). */
    QString localDirectory() const { return m_localDirectory; }

    /** One environment's backups, newest first. */
    QFuture<Result<QList<BackupManifest>>> list(const QString &environment);
    /** Makes a dump request write here and, for a location on a host, copy it there. */
    void prepare(DumpRequest &request) const;
    /** Makes a restore request read `backup`, fetching it first when it is on a host. */
    void prepare(RestoreRequest &request, const BackupManifest &backup) const;
    /**
     * The backup a user named: a dump's path here, or (for a location on a host) a dump's file
     * name or HOST:/path there.
     */
    QFuture<Result<BackupManifest>> find(const QString &name);

private:
    QString m_localDirectory;
    QString m_host;
    QString m_hostPath;
    std::unique_ptr<RemoteBackups> m_remote;
};

} // namespace Opsdeck
