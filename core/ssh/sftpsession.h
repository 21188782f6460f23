// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include "libssh.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>

namespace Opsdeck {

/** What stat() says about a remote path. */
struct RemoteFileInfo
{
    QString path;
    bool exists = false;
    qint64 size = 0;
    QDateTime modified; // UTC, second precision (SFTP v3)
    quint32 permissions = 0;
    quint32 uid = 0, gid = 0;
};

/**
 * The SFTP side of one SSH session, used on that session's worker thread only (SshClient's
 * withSftp() hands it out). Every call blocks that thread, bounded by the session timeout, and
 * holds up the host's other channels meanwhile: meant for config-sized files, not bulk copies.
 */
class SftpSession final
{
public:
    SftpSession(ssh_session session, sftp_session sftp, QString hostName);

    const QString &hostName() const { return m_hostName; }

    /** The path with symlinks resolved (the server's realpath), or `path` itself when it does
     * not exist yet. */
    QString resolved(const QString &path);
    /** exists = false (not an error) when the path is not there. */
    Result<RemoteFileInfo> stat(const QString &path);
    Result<QByteArray> readAll(const QString &path, qint64 maxBytes = 16 * 1024 * 1024);
    /** Creates `path` (which must not exist) with `mode`, writes it all and fsyncs it where the
     * server offers fsync@openssh.com. */
    Status writeNew(const QString &path, const QByteArray &bytes, quint32 mode);
    /** Sets exactly `mode` (a umask at creation may have taken bits away). */
    Status chmod(const QString &path, quint32 mode);
    /** Gives `path` this owner and group; fails unless the SSH user may (root, or a chgrp to
     * one of its own groups). */
    Status chown(const QString &path, quint32 uid, quint32 gid);
    Result<QList<RemoteFileInfo>> list(const QString &directory);
    /** Creates `directory` and any missing parents with `mode` (existing ones are left). */
    Status makePath(const QString &directory, quint32 mode);

    /** Told the bytes done so far; returning false cancels the transfer. */
    using TransferProgress = std::function<bool(qint64 done)>;
    /**
     * Copies a local file to `remotePath` (which must not exist), with `mode`, in chunks, and
     * fsyncs it. For bulk files: give it a session of its own (SshPool::separateClient), or the
     * host's other channels (tunnels) wait for the whole copy.
     */
    Status upload(const QString &localPath, const QString &remotePath, quint32 mode,
                  const TransferProgress &progress);
    /** Copies `remotePath` to a new local file (owner-only), at most `maxBytes`. */
    Status download(const QString &remotePath, const QString &localPath, qint64 maxBytes,
                    const TransferProgress &progress);
    Status remove(const QString &path);
    /**
     * Replaces `to` with `from` in one rename(2) on the host. SFTP v3's rename refuses an existing
     * target (OpenSSH's server links then unlinks) and libssh 0.10 cannot send
     * posix-rename@openssh.com, so this runs `mv -f` over an exec channel of the same session.
     */
    Status replace(const QString &from, const QString &to);

private:
    QString lastError(const QString &what, const QString &path) const;

    ssh_session m_session;
    sftp_session m_sftp;
    QString m_hostName;
};

} // namespace Opsdeck
