// SPDX-License-Identifier: GPL-3.0-or-later
#include "remotebackups.h"

#include "runtime/sshpool.h"
#include "ssh/sftpsession.h"
#include "ssh/sshclient.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace Opsdeck {

namespace {

constexpr quint32 kOwnerOnlyFile = 0600;
constexpr quint32 kOwnerOnlyDirectory = 0700;
const QString kManifestSuffix = QStringLiteral(".manifest.json");
const QString kPartialSuffix = QStringLiteral(".partial");

Result<QList<BackupManifest>> readAllThere(SftpSession &sftp, const QString &directory,
                                           const QString &host, const QString &environment)
{
    using R = Result<QList<BackupManifest>>;
    const Result<RemoteFileInfo> there = sftp.stat(directory);
    if (!there)
        return R::failure(there.errorString());
    if (!there->exists)
        return QList<BackupManifest>(); // nothing backed up there yet
    const Result<QList<RemoteFileInfo>> entries = sftp.list(directory);
    if (!entries)
        return R::failure(entries.errorString());
    QList<BackupManifest> backups;
    for (const RemoteFileInfo &entry : *entries) {
        if (!entry.path.endsWith(kManifestSuffix) || entry.size > kMaxManifestBytes)
            continue;
        const Result<QByteArray> bytes = sftp.readAll(entry.path, kMaxManifestBytes);
        Result<BackupManifest> manifest =
            bytes ? parseManifest(*bytes, entry.path) : Result<BackupManifest>(bytes.error());
        // A manifest names its dump's file; one that points elsewhere is not trusted.
        if (!manifest || manifest->file.contains(QLatin1Char('/')))
            continue;
        manifest.value().host = host;
        if (environment.isEmpty() || manifest->environment == environment)
            backups << manifest.value();
    }
    sortNewestFirst(backups);
    return backups;
}

Result<BackupManifest> copyThere(SftpSession &sftp, const BackupManifest &local,
                                 const QString &directory, const QString &host,
                                 const RemoteBackups::Progress &progress)
{
    using R = Result<BackupManifest>;
    if (QFileInfo(local.dumpPath()).isDir())
        return R::failure(QStringLiteral("a directory-format dump cannot be copied to %1: use "
                                         "the custom format (the default)")
                              .arg(host));
    if (const Status made = sftp.makePath(directory, kOwnerOnlyDirectory); !made)
        return R::failure(made.errorString());
    const QString dump = directory + QLatin1Char('/') + local.file;
    const QString partial = dump + kPartialSuffix;
    (void)sftp.remove(partial); // a copy an earlier run left half done
    if (const Status copied = sftp.upload(local.dumpPath(), partial, kOwnerOnlyFile, progress);
        !copied) {
        (void)sftp.remove(partial);
        return R::failure(copied.errorString());
    }
    if (const Status renamed = sftp.replace(partial, dump); !renamed)
        return R::failure(renamed.errorString());
    // The manifest last: a manifest there always describes a whole dump there.
    BackupManifest copy = local;
    copy.manifestPath = dump + kManifestSuffix;
    copy.host = host;
    const QByteArray json = QJsonDocument(copy.toJson()).toJson(QJsonDocument::Indented);
    const QString manifestPartial = copy.manifestPath + kPartialSuffix;
    (void)sftp.remove(manifestPartial);
    if (const Status written = sftp.writeNew(manifestPartial, json, kOwnerOnlyFile); !written)
        return R::failure(written.errorString());
    if (const Status renamed = sftp.replace(manifestPartial, copy.manifestPath); !renamed)
        return R::failure(renamed.errorString());
    return copy;
}

Result<BackupManifest> copyHere(SftpSession &sftp, const BackupManifest &remote,
                                const QString &localDirectory,
                                const RemoteBackups::Progress &progress)
{
    using R = Result<BackupManifest>;
    if (!QDir().mkpath(localDirectory))
        return R::failure(QStringLiteral("cannot create %1").arg(localDirectory));
    QFile::setPermissions(localDirectory,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    BackupManifest local = remote;
    local.host.clear();
    local.manifestPath = QDir(localDirectory).filePath(remote.file + kManifestSuffix);
    QFile::remove(local.dumpPath()); // an earlier fetch's leftover
    // The manifest's size bounds the copy: a dump that grew there is not the one described.
    if (const Status fetched =
            sftp.download(remote.dumpPath(), local.dumpPath(), remote.sizeBytes, progress);
        !fetched) {
        QFile::remove(local.dumpPath());
        return R::failure(fetched.errorString());
    }
    const Result<QByteArray> hash = sha256OfDump(local.dumpPath());
    if (!hash || QString::fromLatin1(*hash) != remote.sha256) {
        QFile::remove(local.dumpPath());
        return R::failure(QStringLiteral("%1: the copy's SHA-256 is not the manifest's: the dump "
                                         "changed or was damaged there")
                              .arg(remote.location()));
    }
    if (const Status written = writeManifest(local, local.manifestPath); !written)
        return R::failure(written.errorString());
    return local;
}

} // namespace

RemoteBackups::RemoteBackups(SshPool *pool, QString host, QString directory, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_host(std::move(host))
    , m_directory(std::move(directory))
{}

RemoteBackups::~RemoteBackups() = default;

SshClient *RemoteBackups::client()
{
    if (!m_client && m_pool)
        m_client = m_pool->separateClient(m_host);
    return m_client.get();
}

QFuture<Result<QList<BackupManifest>>> RemoteBackups::list(const QString &environment)
{
    using R = Result<QList<BackupManifest>>;
    SshClient *ssh = client();
    if (!ssh)
        return QtFuture::makeReadyFuture(R::failure(QStringLiteral("unknown host %1").arg(m_host)));
    return ssh->withSftp<QList<BackupManifest>>(
        [directory = m_directory, host = m_host, environment](SftpSession &sftp) {
            return readAllThere(sftp, directory, host, environment);
        });
}

QFuture<Result<BackupManifest>> RemoteBackups::upload(const BackupManifest &local,
                                                      Progress progress)
{
    using R = Result<BackupManifest>;
    SshClient *ssh = client();
    if (!ssh)
        return QtFuture::makeReadyFuture(R::failure(QStringLiteral("unknown host %1").arg(m_host)));
    return ssh->withSftp<BackupManifest>([local, directory = m_directory, host = m_host,
                                          progress = std::move(progress)](SftpSession &sftp) {
        R copied = copyThere(sftp, local, directory, host, progress);
        if (copied) { // there now: the copy here was only on its way
            QFile::remove(local.dumpPath());
            QFile::remove(local.manifestPath);
        }
        return copied;
    });
}

QFuture<Result<BackupManifest>> RemoteBackups::download(const BackupManifest &remote,
                                                        const QString &localDirectory,
                                                        Progress progress)
{
    using R = Result<BackupManifest>;
    SshClient *ssh = client();
    if (!ssh)
        return QtFuture::makeReadyFuture(R::failure(QStringLiteral("unknown host %1").arg(m_host)));
    return ssh->withSftp<BackupManifest>(
        [remote, localDirectory, progress = std::move(progress)](SftpSession &sftp) {
            return copyHere(sftp, remote, localDirectory, progress);
        });
}

QFuture<Result<BackupManifest>> RemoteBackups::find(const QString &name)
{
    using R = Result<BackupManifest>;
    const QString file = name.section(QLatin1Char('/'), -1).section(QLatin1Char(':'), -1);
    return list(QString()).then(
        [file, location = location()](const Result<QList<BackupManifest>> &all) {
            if (!all)
                return R::failure(all.errorString());
            for (const BackupManifest &m : *all)
                if (m.file == file)
                    return R(m);
            return R::failure(QStringLiteral("no backup named %1 in %2").arg(file, location));
        });
}

} // namespace Opsdeck
