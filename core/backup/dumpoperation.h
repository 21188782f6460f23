// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "backupmanifest.h"
#include "backupprogress.h"
#include "pg/pgtypes.h"
#include "workspace/workspace.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <memory>

namespace Opsdeck {

class DatabaseEndpoint;
class Job;
class RemoteBackups;
class PgConnection;
class SshPool;

struct DumpRequest
{
    QString environment;
    DatabaseSpec database;
    SshPool *pool = nullptr;
    QString directory;  // the backups location; the dump is named database-UTC there
    QString outputPath; // or exactly this path (-o)
    QString format = QStringLiteral("custom"); // custom | directory
    int jobs = 1;                              // directory format only
    // backups.location HOST:/path: the dump is made in `directory` here, then copied there
    // (and removed here) — unless -o named a file here.
    QString uploadHost;
    QString uploadDirectory;
};

/**
 * "Back up now": pg_dump of an environment's database, run here against the workspace's
 * tunnel, then verified — `pg_restore --list` must read it — hashed, and described by a
 * manifest beside it. The dump is written under a .partial name and renamed only once
 * verified, so a file with a dump's name is always a whole one. Nothing blocks: the tools
 * are Jobs, the hash runs in the thread pool.
 *
 *  1. tunnel, then a read-only session: server version, table count, the biggest tables'
 *     exact row counts (what a restore is compared with);
 *  2. pg_dump's version against the server's (an older pg_dump is refused);
 *  3. pg_dump --verbose: tables done from its messages, bytes from the file;
 *  4. pg_restore --list; SHA-256; rename; manifest;
 *  5. with a location on a host: the copy there (RemoteBackups), the local one removed.
 */
class DumpOperation final : public QObject
{
    Q_OBJECT

public:
    explicit DumpOperation(DumpRequest request, QObject *parent = nullptr);
    ~DumpOperation() override;

    void start();
    void cancel();
    const BackupProgress &progress() const { return m_progress; }

signals:
    void progressChanged(const Opsdeck::BackupProgress &progress);
    void lineReceived(const QString &line);
    void finished(const Opsdeck::Result<Opsdeck::BackupManifest> &manifest);

private:
    void readSource();
    void readSizes();
    QString lockedTablesMessage(const PgResultSet &locks) const;
    void countRows(const QStringList &tables);
    void checkTool();
    void dump();
    void verify();
    void hashAndFinish();
    void uploadAndFinish();
    void fail(const QString &why);
    void setStep(const QString &step);
    Job *runTool(const QString &title, const QString &program, const QStringList &arguments);

    DumpRequest m_request;
    std::unique_ptr<DatabaseEndpoint> m_endpoint;
    std::unique_ptr<PgConnection> m_session;
    std::unique_ptr<RemoteBackups> m_remote;
    std::shared_ptr<std::atomic<qint64>> m_uploaded; // written on the SFTP thread
    std::shared_ptr<std::atomic<bool>> m_stopUpload;
    QPointer<Job> m_job;
    QTimer m_sizePoll;
    BackupProgress m_progress;
    BackupManifest m_manifest;
    QString m_finalPath;
    QString m_partialPath;
    QString m_dumpTool;
    QStringList m_errors; // the tools' "error:" lines, for the failure message
    bool m_done = false;
    bool m_cancelled = false;
};

} // namespace Opsdeck
