// SPDX-License-Identifier: GPL-3.0-or-later
#include "sftpsession.h"

#include "common/shellquote.h"

#include <QFile>

#include <fcntl.h>

#include <memory>

namespace Opsdeck {

namespace {

constexpr int kChunk = 32 * 1024; // under the 34000-byte packets every server accepts

struct AttributesDeleter
{
    void operator()(sftp_attributes a) const { libssh::sftp_attributes_free(a); }
};
using Attributes = std::unique_ptr<sftp_attributes_struct, AttributesDeleter>;

struct FileCloser
{
    void operator()(sftp_file f) const { libssh::sftp_close(f); }
};
using File = std::unique_ptr<sftp_file_struct, FileCloser>;

RemoteFileInfo infoFrom(const QString &path, sftp_attributes a)
{
    RemoteFileInfo info;
    info.path = path;
    info.exists = true;
    info.size = qint64(a->size);
    info.modified = QDateTime::fromSecsSinceEpoch(qint64(a->mtime), Qt::UTC);
    info.permissions = a->permissions & 07777;
    info.uid = a->uid;
    info.gid = a->gid;
    return info;
}

} // namespace

SftpSession::SftpSession(ssh_session session, sftp_session sftp, QString hostName)
    : m_session(session)
    , m_sftp(sftp)
    , m_hostName(std::move(hostName))
{}

QString SftpSession::lastError(const QString &what, const QString &path) const
{
    const int code = libssh::sftp_get_error(m_sftp);
    QString reason;
    switch (code) {
    case SSH_FX_NO_SUCH_FILE:
        reason = QStringLiteral("no such file");
        break;
    case SSH_FX_PERMISSION_DENIED:
        reason = QStringLiteral("permission denied");
        break;
    case SSH_FX_FILE_ALREADY_EXISTS:
        reason = QStringLiteral("already exists");
        break;
    default:
        reason = QString::fromUtf8(libssh::ssh_get_error(m_session));
        if (reason.isEmpty())
            reason = QStringLiteral("SFTP error %1").arg(code);
    }
    return QStringLiteral("%1: cannot %2 %3: %4").arg(m_hostName, what, path, reason);
}

QString SftpSession::resolved(const QString &path)
{
    char *real = libssh::sftp_canonicalize_path(m_sftp, path.toUtf8().constData());
    if (!real)
        return path;
    const QString result = QString::fromUtf8(real);
    libssh::ssh_string_free_char(real);
    return result;
}

Result<RemoteFileInfo> SftpSession::stat(const QString &path)
{
    const Attributes a(libssh::sftp_stat(m_sftp, path.toUtf8().constData()));
    if (!a) {
        if (libssh::sftp_get_error(m_sftp) == SSH_FX_NO_SUCH_FILE) {
            RemoteFileInfo missing;
            missing.path = path;
            return missing;
        }
        return Result<RemoteFileInfo>::failure(lastError(QStringLiteral("stat"), path));
    }
    return infoFrom(path, a.get());
}

Result<QByteArray> SftpSession::readAll(const QString &path, qint64 maxBytes)
{
    using R = Result<QByteArray>;
    const File file(libssh::sftp_open(m_sftp, path.toUtf8().constData(), O_RDONLY, 0));
    if (!file)
        return R::failure(lastError(QStringLiteral("open"), path));
    QByteArray bytes;
    QByteArray buffer(kChunk, Qt::Uninitialized);
    for (;;) {
        const ssize_t n = libssh::sftp_read(file.get(), buffer.data(), size_t(buffer.size()));
        if (n < 0)
            return R::failure(lastError(QStringLiteral("read"), path));
        if (n == 0)
            break;
        bytes.append(buffer.constData(), n);
        if (bytes.size() > maxBytes)
            return R::failure(QStringLiteral("%1: %2 is larger than %3 MiB; not a config file")
                                  .arg(m_hostName, path)
                                  .arg(maxBytes / (1024 * 1024)));
    }
    return bytes;
}

Status SftpSession::writeNew(const QString &path, const QByteArray &bytes, quint32 mode)
{
    const File file(libssh::sftp_open(m_sftp, path.toUtf8().constData(),
                                      O_WRONLY | O_CREAT | O_EXCL, mode_t(mode)));
    if (!file)
        return Status::failure(lastError(QStringLiteral("create"), path));
    for (qsizetype done = 0; done < bytes.size();) {
        const size_t chunk = size_t(qMin<qsizetype>(kChunk, bytes.size() - done));
        const ssize_t n = libssh::sftp_write(file.get(), bytes.constData() + done, chunk);
        if (n <= 0)
            return Status::failure(lastError(QStringLiteral("write"), path));
        done += n;
    }
    if (libssh::sftp_extension_supported(m_sftp, "fsync@openssh.com", "1") &&
        libssh::sftp_fsync(file.get()) != 0)
        return Status::failure(lastError(QStringLiteral("fsync"), path));
    return success();
}

Status SftpSession::chmod(const QString &path, quint32 mode)
{
    if (libssh::sftp_chmod(m_sftp, path.toUtf8().constData(), mode_t(mode)) != 0)
        return Status::failure(lastError(QStringLiteral("chmod"), path));
    return success();
}

Status SftpSession::chown(const QString &path, quint32 uid, quint32 gid)
{
    if (libssh::sftp_chown(m_sftp, path.toUtf8().constData(), uid_t(uid), gid_t(gid)) != 0)
        return Status::failure(lastError(QStringLiteral("chown"), path));
    return success();
}

Result<QList<RemoteFileInfo>> SftpSession::list(const QString &directory)
{
    using R = Result<QList<RemoteFileInfo>>;
    sftp_dir dir = libssh::sftp_opendir(m_sftp, directory.toUtf8().constData());
    if (!dir)
        return R::failure(lastError(QStringLiteral("list"), directory));
    QList<RemoteFileInfo> entries;
    while (sftp_attributes a = libssh::sftp_readdir(m_sftp, dir)) {
        const Attributes owned(a);
        const QString name = QString::fromUtf8(a->name);
        if (name != QLatin1String(".") && name != QLatin1String(".."))
            entries << infoFrom(directory + QLatin1Char('/') + name, a);
    }
    const bool complete = libssh::sftp_dir_eof(dir);
    libssh::sftp_closedir(dir);
    if (!complete)
        return R::failure(lastError(QStringLiteral("list"), directory));
    return entries;
}

Status SftpSession::makePath(const QString &directory, quint32 mode)
{
    QString path;
    for (const QString &part : directory.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        path += QLatin1Char('/') + part;
        if (libssh::sftp_mkdir(m_sftp, path.toUtf8().constData(), mode_t(mode)) == 0)
            continue;
        // An existing directory is fine; anything else at that name is not.
        const Attributes a(libssh::sftp_stat(m_sftp, path.toUtf8().constData()));
        if (!a || a->type != SSH_FILEXFER_TYPE_DIRECTORY)
            return Status::failure(lastError(QStringLiteral("create directory"), path));
    }
    return success();
}

Status SftpSession::upload(const QString &localPath, const QString &remotePath, quint32 mode,
                           const TransferProgress &progress)
{
    QFile source(localPath);
    if (!source.open(QIODevice::ReadOnly))
        return Status::failure(
            QStringLiteral("cannot read %1: %2").arg(localPath, source.errorString()));
    const File file(libssh::sftp_open(m_sftp, remotePath.toUtf8().constData(),
                                      O_WRONLY | O_CREAT | O_EXCL, mode_t(mode)));
    if (!file)
        return Status::failure(lastError(QStringLiteral("create"), remotePath));
    QByteArray buffer(kChunk, Qt::Uninitialized);
    qint64 done = 0;
    for (;;) {
        const qint64 n = source.read(buffer.data(), buffer.size());
        if (n < 0)
            return Status::failure(
                QStringLiteral("cannot read %1: %2").arg(localPath, source.errorString()));
        if (n == 0)
            break;
        for (qint64 written = 0; written < n;) {
            const ssize_t w =
                libssh::sftp_write(file.get(), buffer.constData() + written, size_t(n - written));
            if (w <= 0)
                return Status::failure(lastError(QStringLiteral("write"), remotePath));
            written += w;
        }
        done += n;
        if (progress && !progress(done))
            return Status::failure(QStringLiteral("cancelled"));
    }
    if (libssh::sftp_extension_supported(m_sftp, "fsync@openssh.com", "1") &&
        libssh::sftp_fsync(file.get()) != 0)
        return Status::failure(lastError(QStringLiteral("fsync"), remotePath));
    return success();
}

Status SftpSession::download(const QString &remotePath, const QString &localPath, qint64 maxBytes,
                             const TransferProgress &progress)
{
    const File file(libssh::sftp_open(m_sftp, remotePath.toUtf8().constData(), O_RDONLY, 0));
    if (!file)
        return Status::failure(lastError(QStringLiteral("open"), remotePath));
    QFile target(localPath);
    if (!target.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Status::failure(
            QStringLiteral("cannot create %1: %2").arg(localPath, target.errorString()));
    QByteArray buffer(kChunk, Qt::Uninitialized);
    qint64 done = 0;
    for (;;) {
        const ssize_t n = libssh::sftp_read(file.get(), buffer.data(), size_t(buffer.size()));
        if (n < 0)
            return Status::failure(lastError(QStringLiteral("read"), remotePath));
        if (n == 0)
            break;
        done += n;
        if (done > maxBytes)
            return Status::failure(QStringLiteral("%1: %2 is larger than the %3 bytes expected")
                                       .arg(m_hostName, remotePath)
                                       .arg(maxBytes));
        if (target.write(buffer.constData(), n) != n)
            return Status::failure(
                QStringLiteral("cannot write %1: %2").arg(localPath, target.errorString()));
        if (progress && !progress(done))
            return Status::failure(QStringLiteral("cancelled"));
    }
    return target.flush()
               ? success()
               : Status::failure(
                     QStringLiteral("cannot write %1: %2").arg(localPath, target.errorString()));
}

Status SftpSession::remove(const QString &path)
{
    if (libssh::sftp_unlink(m_sftp, path.toUtf8().constData()) != 0)
        return Status::failure(lastError(QStringLiteral("remove"), path));
    return success();
}

Status SftpSession::replace(const QString &from, const QString &to)
{
    const QString failed =
        QStringLiteral("%1: cannot rename %2 to %3: %4").arg(m_hostName, from, to);
    ssh_channel channel = libssh::ssh_channel_new(m_session);
    if (!channel)
        return Status::failure(failed.arg(QString::fromUtf8(libssh::ssh_get_error(m_session))));
    const QByteArray command =
        QStringLiteral("mv -f -- %1 %2").arg(shellQuote(from), shellQuote(to)).toUtf8();
    QByteArray output;
    int status = -1;
    if (libssh::ssh_channel_open_session(channel) == SSH_OK &&
        libssh::ssh_channel_request_exec(channel, command.constData()) == SSH_OK) {
        char buffer[1024];
        for (int stream = 0; stream < 2; ++stream)
            while (true) {
                const int n = libssh::ssh_channel_read(channel, buffer, sizeof buffer, stream);
                if (n <= 0)
                    break;
                output.append(buffer, n);
            }
        libssh::ssh_channel_send_eof(channel);
        status = libssh::ssh_channel_get_exit_status(channel);
    }
    const QString libsshError = QString::fromUtf8(libssh::ssh_get_error(m_session));
    libssh::ssh_channel_close(channel);
    libssh::ssh_channel_free(channel);
    if (status == 0)
        return success();
    return Status::failure(
        failed.arg(output.trimmed().isEmpty() ? libsshError : QString::fromUtf8(output.trimmed())));
}

} // namespace Opsdeck
