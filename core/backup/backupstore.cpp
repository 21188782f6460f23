// SPDX-License-Identifier: GPL-3.0-or-later
#include "backupstore.h"

#include "dumpoperation.h"
#include "remotebackups.h"
#include "restoreoperation.h"

#include <QFileInfo>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

namespace Opsdeck {

BackupStore::BackupStore(const Workspace &workspace, SshPool *pool, QObject *parent)
    : QObject(parent)
    , m_localDirectory(backupsDirectory(workspace))
    , m_host(workspace.backups.host)
    , m_hostPath(workspace.backups.hostPath)
{
    if (workspace.backups.isRemote())
        m_remote = std::make_unique<RemoteBackups>(pool, m_host, m_hostPath);
}

BackupStore::~BackupStore() = default;

QString BackupStore::location() const
{
    return m_remote ? m_remote->location() : m_localDirectory;
}

QFuture<Result<QList<BackupManifest>>> BackupStore::list(const QString &environment)
{
    if (m_remote)
        return m_remote->list(environment);
    // A local location may still be a slow network mount: read it in the pool.
    return QtConcurrent::run([directory = m_localDirectory, environment] {
        return Result<QList<BackupManifest>>(listBackups(directory, environment));
    });
}

void BackupStore::prepare(DumpRequest &request) const
{
    request.directory = m_localDirectory;
    if (m_remote) {
        request.uploadHost = m_host;
        request.uploadDirectory = m_hostPath;
    }
}

void BackupStore::prepare(RestoreRequest &request, const BackupManifest &backup) const
{
    if (backup.host.isEmpty()) {
        request.dumpPath = backup.dumpPath();
        return;
    }
    request.remoteDump = backup;
    request.fetchDirectory = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                             QStringLiteral("/incoming-backups");
}

QFuture<Result<BackupManifest>> BackupStore::find(const QString &name)
{
    using R = Result<BackupManifest>;
    // A file here always means that file, whatever the location.
    if (QFileInfo::exists(name) || !m_remote) {
        return QtConcurrent::run([name] {
            const QString manifest = manifestPathFor(QFileInfo(name).absoluteFilePath());
            if (!QFileInfo::exists(name))
                return R::failure(QStringLiteral("%1: no such dump").arg(name));
            if (!QFileInfo::exists(manifest)) { // a dump made elsewhere: no counts to compare
                BackupManifest bare;
                bare.file = QFileInfo(name).fileName();
                bare.manifestPath = manifest;
                return R(bare);
            }
            return readManifest(manifest);
        });
    }
    return m_remote->find(name);
}

} // namespace Opsdeck
