// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "backupmanifest.h"
#include "backupprogress.h"
#include "workspace/workspace.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>
#include <optional>

namespace Opsdeck {

class DatabaseEndpoint;
class Job;
class RemoteBackups;
class PgConnection;
class SshPool;

struct RestoreRequest
{
    QString environment; // whose server the dump is restored on
    DatabaseSpec database;
    SshPool *pool = nullptr;
    QString dumpPath;
    QString newDatabase;  // the name the restored database ends up with
    bool replace = false; // when newDatabase exists: restore beside it, then switch (kept)
    int jobs = 1;
    bool noOwner = false; // another server: objects owned by the restoring user
    QString scrubFile;    // SQL run in the restored database before the switch
    // A dump kept on a host (backups.location HOST:/path): copied into `fetchDirectory` here
    // first, its SHA-256 checked, and removed once restored; dumpPath is then ignored.
    std::optional<BackupManifest> remoteDump;
    QString fetchDirectory;
};

/** A table's rows in the source (the manifest) and in the restored database. */
struct ComparedTable
{
    QString table;
    qint64 sourceRows = -1; // -1: the manifest does not know
    qint64 restoredRows = -1;
    bool matches() const { return sourceRows == restoredRows; }
};

struct RestoreSummary
{
    QString database; // what now holds the restored data
    QString keptAs;   // the database it replaced, renamed (empty without a switch)
    int tables = 0;   // tables in the restored database
    int sourceTables = 0;
    QList<ComparedTable> compared;
    bool scrubbed = false;
    double seconds = 0;

    bool countsMatch() const;
    /** "3,000 users ... 12 tables, every count as in the source" — several lines. */
    QString text() const;
};

/**
 * Restore of a dump into a new database, never over an existing one: with `replace`, the
 * dump goes into a new database first and only a restore that completed (and scrubbed, when
 * asked) takes the name, by renames; the old one stays as NAME_before_UTC. Then the restored
 * tables and the biggest tables' rows are compared with the manifest's counts.
 *
 *  1. tunnel, a session on the server's `postgres` database; what exists;
 *  2. CREATE DATABASE ... TEMPLATE template0; pg_restore --verbose --exit-on-error
 *     (a failed restore's database is dropped again: half a database helps nobody);
 *  3. counts; the scrub (psql --single-transaction, ON_ERROR_STOP);
 *  4. the switch: no new connections, the old database's sessions ended, two renames.
 */
class RestoreOperation final : public QObject
{
    Q_OBJECT

public:
    explicit RestoreOperation(RestoreRequest request, QObject *parent = nullptr);
    ~RestoreOperation() override;

    void start();
    void cancel();
    const BackupProgress &progress() const { return m_progress; }

signals:
    void progressChanged(const Opsdeck::BackupProgress &progress);
    void lineReceived(const QString &line);
    void finished(const Opsdeck::Result<Opsdeck::RestoreSummary> &summary);

private:
    void fetch();
    void begin();
    void removeFetched();
    void findExisting();
    void createDatabase();
    void restore();
    void compare();
    void scrub();
    void switchOver();
    void finish();
    void fail(const QString &why);
    void dropWorkDatabase(const QString &why);
    void setStep(const QString &step);
    Job *runTool(const QString &title, const QString &tool, const QStringList &arguments);

    RestoreRequest m_request;
    std::unique_ptr<DatabaseEndpoint> m_endpoint;
    std::unique_ptr<PgConnection> m_maintenance;
    std::unique_ptr<PgConnection> m_restored;
    QPointer<Job> m_job;
    std::unique_ptr<RemoteBackups> m_remote;
    std::shared_ptr<std::atomic<bool>> m_stopFetch;
    QString m_fetched; // the local copy of a remote dump, removed at the end
    std::optional<BackupManifest> m_manifest;
    BackupProgress m_progress;
    RestoreSummary m_summary;
    QString m_workDatabase; // what pg_restore fills: the new name, or a temporary one
    bool m_switch = false;
    bool m_created = false;
    bool m_done = false;
    bool m_cancelled = false;
    QStringList m_errors;
    QString m_stamp;
    QDateTime m_started;
};

} // namespace Opsdeck
