// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "workspace/workspace.h"

#include <QByteArray>
#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

namespace Opsdeck {

class SftpSession;
class SshClient;
class SshPool;

/** A config file's content as read, with what identifies that version. */
struct ConfigSnapshot
{
    QByteArray bytes;
    bool exists = false;
    qint64 size = 0;
    QDateTime modified;

    QByteArray sha256() const;
    /** Same content and existence: what "unchanged since it was read" means for a save. */
    bool sameVersionAs(const ConfigSnapshot &other) const;
};

/** A previous version kept beside the file. */
struct ConfigBackup
{
    QString path;
    QDateTime taken; // UTC
    qint64 size = 0;
};

struct ConfigSaveOutcome
{
    /** The file changed since it was read: nothing was written; `current` is what is there. */
    bool conflict = false;
    ConfigSnapshot current; // after a save: what was written
    QString backupPath;     // where the previous version went ("" for a new file)
};

/**
 * Reading and saving config files safely. Locally: QSaveFile, previous version as `<file>.bak`.
 * On a host over SFTP: upload to a temp file beside the target, fsync, keep the previous version
 * as `<name>.opsdeck-<UTC>.bak` (the newest `kKeepBackups`), then rename over the target, so an
 * interrupted save leaves the original as it was. Both refuse to overwrite a file that changed
 * since it was read and hand back what is there instead.
 */
namespace ConfigStorage {

constexpr int kKeepBackups = 10;

Result<ConfigSnapshot> readLocal(const QString &path);
Result<ConfigSaveOutcome> saveLocal(const QString &path, const QByteArray &bytes,
                                    const ConfigSnapshot &base);
Result<QList<ConfigBackup>> localBackups(const QString &path);

// These run on the SSH session's thread (SshClient::withSftp).
Result<ConfigSnapshot> readRemote(SftpSession &sftp, const QString &path);
/**
 * The new file gets the old one's mode exactly and, where the SSH user may give it, its owner
 * and group (so does the backup). When the owner or group cannot be kept, nothing is replaced
 * and the error's code is "owner" (its message says who owns the file and who would), unless
 * `allowOwnerChange`.
 */
Result<ConfigSaveOutcome> saveRemote(SftpSession &sftp, const QString &path,
                                     const QByteArray &bytes, const ConfigSnapshot &base,
                                     const QDateTime &nowUtc, int keep = kKeepBackups,
                                     bool allowOwnerChange = false);
Result<QList<ConfigBackup>> remoteBackups(SftpSession &sftp, const QString &path);

/** "<name>.opsdeck-20261123T081500Z.bak" for a save at that time. */
QString backupName(const QString &fileName, const QDateTime &nowUtc);

} // namespace ConfigStorage

/**
 * One workspace config file, local or remote, behind the same asynchronous calls: nothing here
 * waits on the disk or the network on the caller's thread.
 */
class ConfigFileAccess final : public QObject
{
    Q_OBJECT

public:
    ConfigFileAccess(ConfigFileSpec spec, SshPool *pool, QObject *parent = nullptr);

    const ConfigFileSpec &spec() const { return m_spec; }

    QFuture<Result<ConfigSnapshot>> read();
    /** `allowOwnerChange`: save even when a remote file's owner or group cannot be kept. */
    QFuture<Result<ConfigSaveOutcome>> save(const QByteArray &bytes, const ConfigSnapshot &base,
                                            bool allowOwnerChange = false);
    QFuture<Result<QList<ConfigBackup>>> backups();
    QFuture<Result<ConfigSnapshot>> readBackup(const QString &backupPath);

private:
    SshClient *remoteClient() const;
    QString noClientMessage() const;

    ConfigFileSpec m_spec;
    QPointer<SshPool> m_pool;
};

} // namespace Opsdeck
