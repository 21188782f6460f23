// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariantList>

#include <memory>

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
    QString outcome; // "started", "succeeded", "refused: ...", "failed: ...", "cancelled: ..."
};

/**
 * The one outcome vocabulary of actions (audit, deploys, the UI): succeeded, failed, cancelled,
 * interrupted, refused. Logs written before it said "done" for success; they still read as such.
 */
inline QString auditSucceeded()
{
    return QStringLiteral("succeeded");
}
inline bool auditOutcomeSucceeded(const QString &outcome)
{
    return outcome.startsWith(QLatin1String("succeeded")) ||
           outcome.startsWith(QLatin1String("done"));
}

/**
 * The local audit log: one SQLite file for the GUI and the CLI (defaultPath(), mode 0600 in a
 * 0700 directory) written through QtSql. Small, append-only writes on the calling thread; reads
 * for history views. A long action writes its row before it starts (begin) and completes it
 * after, so an action killed half-way still left its row ("started").
 */
class AuditLog final
{
public:
    /** Empty path: defaultPath(). */
    explicit AuditLog(QString path = {});
    ~AuditLog();

    /** $XDG_DATA_HOME/opsdeck/audit.sqlite, whatever the application's name (the GUI and
     * the CLI must share it). */
    static QString defaultPath();
    /** The process's one log at defaultPath(): one SQLite connection however many panes write
     * (made on first use, kept while anyone holds it; use it from the UI thread). */
    static std::shared_ptr<AuditLog> shared();

    Status record(AuditEntry entry);
    /** Writes the row with outcome "started"; its id for complete(). */
    Result<qint64> begin(AuditEntry entry);
    /** Sets the outcome (and target, before, after when given) of a begun row. */
    Status complete(qint64 id, const AuditEntry &finished);
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
