// SPDX-License-Identifier: GPL-3.0-or-later
#include "filetrust.h"

#include <QFileInfo>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Opsdeck {

namespace {

QString userName(uid_t uid)
{
    if (const passwd *pw = ::getpwuid(uid))
        return QString::fromLocal8Bit(pw->pw_name);
    return QStringLiteral("uid %1").arg(uid);
}

bool ownedByUserOrRoot(const struct stat &st)
{
    return st.st_uid == ::geteuid() || st.st_uid == 0;
}

QString octalMode(mode_t mode)
{
    return QStringLiteral("%1").arg(mode & 07777, 4, 8, QLatin1Char('0'));
}

} // namespace

Status checkTrustedFile(const QString &path, const QString &what)
{
    const QByteArray native = QFileInfo(path).absoluteFilePath().toLocal8Bit();
    struct stat st
    {
    };
    if (::stat(native.constData(), &st) != 0)
        return success();
    const QString me = userName(::geteuid());
    if (!ownedByUserOrRoot(st))
        return Status::failure(
            QStringLiteral("refusing the %1 %2: it is owned by %3, not by you (%4). It decides "
                           "what runs on your servers with your keys; if you trust it, make it "
                           "yours (chown %4 '%2') or open a copy you own.")
                .arg(what, path, userName(st.st_uid), me),
            QStringLiteral("untrusted-owner"));
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return Status::failure(
            QStringLiteral("refusing the %1 %2: it can be changed by %3 (mode %4). If you trust "
                           "everyone who can write it, remove their write access first "
                           "(chmod go-w '%2').")
                .arg(what, path,
                     (st.st_mode & S_IWOTH) ? QStringLiteral("anyone")
                                            : QStringLiteral("its group"),
                     octalMode(st.st_mode)),
            QStringLiteral("untrusted-mode"));
    const QString directory = QFileInfo(path).absolutePath();
    struct stat dir
    {
    };
    if (::stat(directory.toLocal8Bit().constData(), &dir) != 0)
        return success();
    const bool sticky = dir.st_mode & S_ISVTX; // others may add files, not replace ours
    if (!sticky && (!ownedByUserOrRoot(dir) || (dir.st_mode & (S_IWGRP | S_IWOTH))))
        return Status::failure(
            QStringLiteral("refusing the %1 %2: its directory %3 can be changed by %4 (owner %5, "
                           "mode %6), who could replace the file. Move it to a directory only "
                           "you can write, or chmod go-w '%3'.")
                .arg(what, path, directory,
                     ownedByUserOrRoot(dir) ? QStringLiteral("others") : userName(dir.st_uid),
                     userName(dir.st_uid), octalMode(dir.st_mode)),
            QStringLiteral("untrusted-directory"));
    return success();
}

} // namespace Opsdeck
