// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariantList>

namespace Opsdeck {

/** One audited action: who did what, where, to what, and what changed. Never secret values. */
struct AuditEntry
{
    QDateTime at;
    QString user;
    QString workspace;
    QString environment;
    QString action; // "db.cancel", "db.terminate", "deploy", "flag.set", ...
    QString target; // "pid 1234 (postgres, reporting-job)"
    QString before;
    QString after;
    QString comment;
    QString outcome; // "done", "refused: ...", "failed: ..."
};

/**
 * The local audit log: an SQLite file (opsdeck.sqlite in AppDataLocation) written through
 * QtSql. Small, append-only writes on the calling thread; reads for history views.
 */
class AuditLog final
{
public:
    /** Empty path: QStandardPaths::AppDataLocation/opsdeck.sqlite. */
    explicit AuditLog(QString path = {});
    ~AuditLog();

    Status record(AuditEntry entry);
    QList<AuditEntry> recent(int limit = 100, const QString &environment = {}) const;
    /** Everything done to one target ("flag new_timeline") in one workspace, newest first. */
    QList<AuditEntry> forTarget(const QString &workspace, const QString &target,
                                int limit = 100) const;
    QString path() const { return m_path; }

    /** $USER@hostname, for the `user` column. */
    static QString currentUser();

private:
    Status open() const;
    QList<AuditEntry> select(const QString &where, const QVariantList &binds, int limit) const;

    QString m_path;
    QString m_connectionName;
};

} // namespace Opsdeck
