// SPDX-License-Identifier: GPL-3.0-or-later
#include "configstorage.h"

#include "runtime/sshpool.h"
#include "ssh/sftpsession.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QtConcurrent>

#include <algorithm>

namespace Opsdeck {

QByteArray ConfigSnapshot::sha256() const
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

bool ConfigSnapshot::sameVersionAs(const ConfigSnapshot &other) const
{
    return exists == other.exists && (!exists || bytes == other.bytes);
}

namespace ConfigStorage {

namespace {

QString directoryOf(const QString &remotePath)
{
    const qsizetype slash = remotePath.lastIndexOf(QLatin1Char('/'));
    return slash <= 0 ? QStringLiteral("/") : remotePath.left(slash);
}

QString fileNameOf(const QString &remotePath)
{
    return remotePath.mid(remotePath.lastIndexOf(QLatin1Char('/')) + 1);
}

QString joined(const QString &directory, const QString &name)
{
    return directory.endsWith(QLatin1Char('/')) ? QString(directory + name)
                                                : QString(directory + QLatin1Char('/') + name);
}

QString tempPrefix(const QString &fileName)
{
    return QLatin1Char('.') + fileName + QStringLiteral(".opsdeck-tmp-");
}

bool isBackupOf(const QString &candidate, const QString &fileName)
{
    return candidate.startsWith(fileName + QStringLiteral(".opsdeck-")) &&
           candidate.endsWith(QStringLiteral(".bak"));
}

QDateTime takenFrom(const QString &backupFileName, const QString &fileName)
{
    constexpr qsizetype kStampLength = 16; // yyyyMMddTHHmmssZ
    const QString stamp =
        backupFileName.mid(fileName.size() + QLatin1String(".opsdeck-").size(), kStampLength);
    QDateTime taken = QDateTime::fromString(stamp, QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    taken.setTimeSpec(Qt::UTC);
    return taken;
}

/** Removes temp files an earlier, interrupted save of this file left behind. */
void removeStaleTemps(SftpSession &sftp, const QList<RemoteFileInfo> &entries,
                      const QString &fileName)
{
    for (const RemoteFileInfo &e : entries)
        if (fileNameOf(e.path).startsWith(tempPrefix(fileName)))
            (void)sftp.remove(e.path);
}

void pruneBackups(SftpSession &sftp, const QString &path, int keep)
{
    const Result<QList<ConfigBackup>> all = remoteBackups(sftp, path);
    if (!all)
        return;
    for (qsizetype i = keep; i < all->size(); ++i) // newest first
        (void)sftp.remove(all->at(i).path);
}

} // namespace

QString backupName(const QString &fileName, const QDateTime &nowUtc)
{
    return fileName + QStringLiteral(".opsdeck-") +
           nowUtc.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")) + QStringLiteral(".bak");
}

Result<ConfigSnapshot> readLocal(const QString &path)
{
    ConfigSnapshot s;
    QFile file(path);
    if (!file.exists())
        return s;
    if (!file.open(QIODevice::ReadOnly))
        return Result<ConfigSnapshot>::failure(
            QStringLiteral("%1: %2").arg(path, file.errorString()));
    s.bytes = file.readAll();
    s.exists = true;
    s.size = s.bytes.size();
    s.modified = QFileInfo(path).lastModified().toUTC();
    return s;
}

Result<ConfigSaveOutcome> saveLocal(const QString &path, const QByteArray &bytes,
                                    const ConfigSnapshot &base)
{
    using R = Result<ConfigSaveOutcome>;
    const Result<ConfigSnapshot> current = readLocal(path);
    if (!current)
        return current.error();
    ConfigSaveOutcome outcome;
    if (!current->sameVersionAs(base)) {
        outcome.conflict = true;
        outcome.current = *current;
        return outcome;
    }
    if (current->exists) {
        // The backup holds the same secrets as the file: give it the file's permissions.
        outcome.backupPath = path + QStringLiteral(".bak");
        QSaveFile backup(outcome.backupPath);
        if (!backup.open(QIODevice::WriteOnly) || backup.write(current->bytes) != current->size ||
            !backup.commit())
            return R::failure(QStringLiteral("%1: could not keep a backup: %2")
                                  .arg(outcome.backupPath, backup.errorString()));
        QFile::setPermissions(outcome.backupPath, QFile::permissions(path));
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return R::failure(QStringLiteral("%1: %2").arg(path, out.errorString()));
    const Result<ConfigSnapshot> written = readLocal(path);
    if (!written)
        return written.error();
    outcome.current = *written;
    return outcome;
}

Result<QList<ConfigBackup>> localBackups(const QString &path)
{
    QList<ConfigBackup> backups;
    const QFileInfo bak(path + QStringLiteral(".bak"));
    if (bak.exists())
        backups << ConfigBackup{bak.absoluteFilePath(), bak.lastModified().toUTC(), bak.size()};
    return backups;
}

Result<ConfigSnapshot> readRemote(SftpSession &sftp, const QString &path)
{
    const Result<RemoteFileInfo> info = sftp.stat(path);
    if (!info)
        return info.error();
    ConfigSnapshot s;
    if (!info->exists)
        return s;
    const Result<QByteArray> bytes = sftp.readAll(path);
    if (!bytes)
        return bytes.error();
    s.bytes = *bytes;
    s.exists = true;
    s.size = info->size;
    s.modified = info->modified;
    return s;
}

namespace {

/** Mode exactly, then owner and group as before; a file we could not give them is refused. */
Status matchAttributes(SftpSession &sftp, const QString &path, const RemoteFileInfo &like,
                       bool allowOwnerChange)
{
    if (Status moded = sftp.chmod(path, like.permissions); !moded)
        return moded;
    const Result<RemoteFileInfo> made = sftp.stat(path);
    if (!made)
        return made.error();
    if (made->uid == like.uid && made->gid == like.gid)
        return success();
    if (sftp.chown(path, like.uid, like.gid) || allowOwnerChange)
        return success();
    return Status(Error{QStringLiteral("%1 belongs to uid %2, gid %3; the SSH user cannot give a "
                                       "new file that owner and group (it would be uid %4, gid "
                                       "%5, and an app reading it through its group may break). "
                                       "Nothing was changed.")
                            .arg(like.path)
                            .arg(like.uid)
                            .arg(like.gid)
                            .arg(made->uid)
                            .arg(made->gid),
                        {},
                        0,
                        0,
                        QStringLiteral("owner")});
}

} // namespace

Result<ConfigSaveOutcome> saveRemote(SftpSession &sftp, const QString &listedPath,
                                     const QByteArray &bytes, const ConfigSnapshot &base,
                                     const QDateTime &nowUtc, int keep, bool allowOwnerChange)
{
    using R = Result<ConfigSaveOutcome>;
    // A listed symlink (releases/x/.env -> shared/.env) is saved through: the rename replaces
    // its target, never the link itself.
    const QString path = sftp.resolved(listedPath);
    const Result<ConfigSnapshot> current = readRemote(sftp, path);
    if (!current)
        return current.error();
    ConfigSaveOutcome outcome;
    outcome.current = *current;
    if (!current->sameVersionAs(base)) {
        outcome.conflict = true;
        return outcome;
    }
    const QString directory = directoryOf(path), name = fileNameOf(path);
    const Result<QList<RemoteFileInfo>> entries = sftp.list(directory);
    if (!entries)
        return entries.error();
    removeStaleTemps(sftp, *entries, name);

    const Result<RemoteFileInfo> info = sftp.stat(path);
    if (!info)
        return info.error();
    const quint32 mode = info->exists ? info->permissions : 0600;
    const QString temp = joined(
        directory, tempPrefix(name) + QString::number(QRandomGenerator::global()->generate(), 16));
    if (Status written = sftp.writeNew(temp, bytes, mode); !written) {
        (void)sftp.remove(temp);
        return written.error();
    }
    if (info->exists)
        if (Status kept = matchAttributes(sftp, temp, *info, allowOwnerChange); !kept) {
            (void)sftp.remove(temp);
            return kept.error();
        }
    if (current->exists) {
        QString backup = joined(directory, backupName(name, nowUtc));
        for (int n = 2; std::any_of(entries->cbegin(), entries->cend(),
                                    [&](const RemoteFileInfo &e) { return e.path == backup; });
             ++n)
            backup = joined(directory,
                            backupName(name, nowUtc).chopped(4) + QStringLiteral("-%1.bak").arg(n));
        Status kept = sftp.writeNew(backup, current->bytes, mode);
        if (kept) // the backup holds the same secrets: the same owner, group and mode
            kept = matchAttributes(sftp, backup, *info, true);
        if (!kept) {
            (void)sftp.remove(temp);
            (void)sftp.remove(backup);
            return R::failure(QStringLiteral("could not keep the previous version: ") +
                              kept.errorString());
        }
        outcome.backupPath = backup;
    }
    // Last look before the rename: a writer that came in while we uploaded wins the race
    // only if we notice it.
    const Result<RemoteFileInfo> now = sftp.stat(path);
    if (!now || now->exists != current->exists ||
        (now->exists && (now->size != current->size || now->modified != current->modified))) {
        (void)sftp.remove(temp);
        const Result<ConfigSnapshot> changed = readRemote(sftp, path);
        if (!changed)
            return changed.error();
        outcome.conflict = true;
        outcome.current = *changed;
        return outcome;
    }
    if (Status replaced = sftp.replace(temp, path); !replaced) {
        (void)sftp.remove(temp);
        return replaced.error();
    }
    pruneBackups(sftp, path, keep);
    const Result<ConfigSnapshot> written = readRemote(sftp, path);
    if (!written)
        return written.error();
    outcome.current = *written;
    return outcome;
}

Result<QList<ConfigBackup>> remoteBackups(SftpSession &sftp, const QString &listedPath)
{
    const QString path = sftp.resolved(listedPath);
    const QString name = fileNameOf(path);
    const Result<QList<RemoteFileInfo>> entries = sftp.list(directoryOf(path));
    if (!entries)
        return entries.error();
    QList<ConfigBackup> backups;
    for (const RemoteFileInfo &e : *entries)
        if (const QString entryName = fileNameOf(e.path); isBackupOf(entryName, name))
            backups << ConfigBackup{e.path, takenFrom(entryName, name), e.size};
    // Newest first; the name's timestamp (and -N suffix) orders them, not the mtime a copy
    // may have lost.
    std::sort(backups.begin(), backups.end(), [](const ConfigBackup &a, const ConfigBackup &b) {
        return a.taken != b.taken               ? a.taken > b.taken
               : a.path.size() != b.path.size() ? a.path.size() > b.path.size()
                                                : a.path > b.path;
    });
    return backups;
}

} // namespace ConfigStorage

ConfigFileAccess::ConfigFileAccess(ConfigFileSpec spec, SshPool *pool, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_pool(pool)
{}

namespace {

template<typename T>
QFuture<Result<T>> failed(const QString &message)
{
    return QtFuture::makeReadyFuture(Result<T>::failure(message));
}

} // namespace

SshClient *ConfigFileAccess::remoteClient() const
{
    return m_pool ? m_pool->client(m_spec.host) : nullptr;
}

QString ConfigFileAccess::noClientMessage() const
{
    return QStringLiteral("%1: unknown host %2").arg(m_spec.location, m_spec.host);
}

QFuture<Result<ConfigSnapshot>> ConfigFileAccess::read()
{
    if (!m_spec.isRemote())
        return QtConcurrent::run(&ConfigStorage::readLocal, m_spec.path);
    SshClient *client = remoteClient();
    if (!client)
        return failed<ConfigSnapshot>(noClientMessage());
    return client->withSftp<ConfigSnapshot>(
        [path = m_spec.path](SftpSession &s) { return ConfigStorage::readRemote(s, path); });
}

QFuture<Result<ConfigSaveOutcome>>
ConfigFileAccess::save(const QByteArray &bytes, const ConfigSnapshot &base, bool allowOwnerChange)
{
    if (!m_spec.isRemote())
        return QtConcurrent::run(&ConfigStorage::saveLocal, m_spec.path, bytes, base);
    SshClient *client = remoteClient();
    if (!client)
        return failed<ConfigSaveOutcome>(noClientMessage());
    return client->withSftp<ConfigSaveOutcome>(
        [path = m_spec.path, bytes, base, allowOwnerChange,
         now = QDateTime::currentDateTimeUtc()](SftpSession &s) {
            return ConfigStorage::saveRemote(s, path, bytes, base, now, ConfigStorage::kKeepBackups,
                                             allowOwnerChange);
        });
}

QFuture<Result<QList<ConfigBackup>>> ConfigFileAccess::backups()
{
    if (!m_spec.isRemote())
        return QtConcurrent::run(&ConfigStorage::localBackups, m_spec.path);
    SshClient *client = remoteClient();
    if (!client)
        return failed<QList<ConfigBackup>>(noClientMessage());
    return client->withSftp<QList<ConfigBackup>>(
        [path = m_spec.path](SftpSession &s) { return ConfigStorage::remoteBackups(s, path); });
}

QFuture<Result<ConfigSnapshot>> ConfigFileAccess::readBackup(const QString &backupPath)
{
    if (!m_spec.isRemote())
        return QtConcurrent::run(&ConfigStorage::readLocal, backupPath);
    SshClient *client = remoteClient();
    if (!client)
        return failed<ConfigSnapshot>(noClientMessage());
    return client->withSftp<ConfigSnapshot>(
        [backupPath](SftpSession &s) { return ConfigStorage::readRemote(s, backupPath); });
}

} // namespace Opsdeck
