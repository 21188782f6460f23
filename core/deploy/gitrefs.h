// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace Opsdeck {

/** A `git ls-remote` listing resolved: full commit ids for branches and (peeled) tags. */
struct GitRefs
{
    QList<QPair<QString, QString>> branches; // name, commit
    QList<QPair<QString, QString>> tags;
    QString head;

    /** Lines whose id is not a full hex commit id (SHA-1 or SHA-256) are skipped. */
    static GitRefs parse(const QByteArray &lsRemote);
    /**
     * The commit for a ref as `git rev-parse` finds it: a full id, "HEAD", a full name
     * (refs/heads/x, refs/tags/x), else refs/<name>, refs/tags/<name>, refs/heads/<name> in that
     * order — a tag wins over a branch of the same name. Empty when unknown.
     */
    QString resolve(const QString &ref) const;
    /** The full ref name `resolve` would use ("refs/tags/v2"), or `ref` itself for an id. */
    QString fullName(const QString &ref) const;
};

} // namespace Opsdeck
