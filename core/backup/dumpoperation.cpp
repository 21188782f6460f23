// SPDX-License-Identifier: GPL-3.0-or-later
#include "dumpoperation.h"

#include "audit/auditlog.h"
#include "common/formatting.h"
#include "common/futures.h"
#include "databaseendpoint.h"
#include "jobs/job.h"
#include "pg/pgconnection.h"
#include "pgtools.h"
#include "remotebackups.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>

namespace Opsdeck {

namespace {

constexpr int kBiggestTables = 10;

const char kSourceSql[] = R"(
select current_setting('server_version_num')::int as version,
       (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
           and n.nspname !~ '^pg_toast') as tables,
       array(select format('%I.%I', n.nspname, c.relname)
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
                and n.nspname !~ '^pg_toast'
              order by pg_total_relation_size(c.oid) desc, 1 limit $1)::text[] as biggest)";

// An exclusive lock held or waited for on a table stops pg_dump (it locks every table it dumps,
// and queues behind a waiting ALTER TABLE as every reader does): found before it starts.
const char kExclusiveLocksSql[] = R"(
select format('%I.%I', n.nspname, c.relname) as relation, l.pid, l.granted,
       coalesce(nullif(a.application_name, ''), a.usename) as application,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 80) as query,
       (select string_agg(format('%s (%s, %s)', b.pid, coalesce(nullif(b.application_name, ''), b.usename), b.state), ', ')
          from pg_stat_activity b where b.pid = any(pg_blocking_pids(l.pid))) as blockers
from pg_locks l
join pg_class c on c.oid = l.relation
join pg_namespace n on n.oid = c.relnamespace
left join pg_stat_activity a on a.pid = l.pid
where l.mode = 'AccessExclusiveLock' and l.locktype = 'relation'
  and l.database = (select oid from pg_database where datname = current_database())
  and c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
  and l.pid <> pg_backend_pid()
order by l.granted desc, 1 limit 5)";

/** A session that reads for as long as counting takes (no statement timeout). */
PgSessionSettings readingSettings()
{
    PgSessionSettings s;
    s.applicationName = QStringLiteral("opsdeck-backup");
    s.statementTimeoutMs = 0;
    s.lockTimeoutMs = 30'000;
    return s;
}

} // namespace

QString BackupProgress::text() const
{
    QStringList parts{object.isEmpty() ? step : step + QLatin1Char(' ') + object};
    if (tablesTotal > 0)
        parts << QStringLiteral("%1 of %2 tables").arg(tablesDone).arg(tablesTotal);
    if (bytes > 0)
        parts << formatBytes(bytes);
    return parts.join(QStringLiteral(", "));
}

DumpOperation::DumpOperation(DumpRequest request, QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_endpoint(std::make_unique<DatabaseEndpoint>(m_request.database, m_request.pool, this))
{
    m_sizePoll.setInterval(500);
    connect(&m_sizePoll, &QTimer::timeout, this, [this] {
        m_progress.bytes = dumpSize(m_partialPath);
        emit progressChanged(m_progress);
    });
}

DumpOperation::~DumpOperation()
{
    if (m_stopUpload) // a copy under way stops at its next chunk, so m_remote's thread ends
        m_stopUpload->store(true);
    if (!m_done && !m_partialPath.isEmpty()) { // destroyed mid-dump: leave no partial file
        if (m_job)
            m_job->cancel();
        QFileInfo(m_partialPath).isDir() ? (void)QDir(m_partialPath).removeRecursively()
                                         : (void)QFile::remove(m_partialPath);
    }
}

void DumpOperation::setStep(const QString &step)
{
    m_progress.step = step;
    m_progress.object.clear();
    emit progressChanged(m_progress);
}

void DumpOperation::start()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_manifest.environment = m_request.environment;
    m_manifest.database = m_endpoint->database();
    m_manifest.server = m_endpoint->describe();
    m_manifest.takenAt = now;
    m_manifest.who = AuditLog::currentUser();
    m_manifest.format = m_request.format;
    if (m_request.format != QLatin1String("custom") &&
        m_request.format != QLatin1String("directory"))
        return fail(
            QStringLiteral("unknown format '%1' (custom or directory)").arg(m_request.format));
    if (m_request.outputPath.isEmpty()) {
        if (m_request.directory.isEmpty())
            return fail(
                QStringLiteral("no backups location (backups: in the workspace, or -o FILE)"));
        if (!QDir().mkpath(m_request.directory))
            return fail(QStringLiteral("cannot create %1").arg(m_request.directory));
        QFile::setPermissions(m_request.directory, QFileDevice::ReadOwner |
                                                       QFileDevice::WriteOwner |
                                                       QFileDevice::ExeOwner);
        const QString suffix = m_request.format == QLatin1String("custom") ? QStringLiteral(".dump")
                                                                           : QStringLiteral(".dir");
        m_finalPath =
            QDir(m_request.directory).filePath(backupBaseName(m_manifest.database, now) + suffix);
    } else {
        m_finalPath = QFileInfo(m_request.outputPath).absoluteFilePath();
    }
    if (QFileInfo::exists(m_finalPath))
        return fail(QStringLiteral("%1 exists already; nothing was overwritten").arg(m_finalPath));
    m_manifest.file = QFileInfo(m_finalPath).fileName();
    m_manifest.manifestPath = manifestPathFor(m_finalPath);
    setStep(QStringLiteral("connecting"));
    m_endpoint->open([this](const Status &opened) {
        if (!opened)
            return fail(opened.errorString());
        readSource();
    });
}

void DumpOperation::readSource()
{
    m_session = m_endpoint->session(readingSettings());
    onFinished(m_session->open(), this, [this](const Status &opened) {
        if (!opened)
            return fail(opened.errorString());
        onFinished(m_session->query(QString::fromLatin1(kExclusiveLocksSql)), this,
                   [this](const Result<PgResultSet> &locks) {
                       if (!locks)
                           return fail(locks.errorString());
                       if (locks->rowCount() > 0)
                           return fail(lockedTablesMessage(*locks));
                       readSizes();
                   });
    });
}

QString DumpOperation::lockedTablesMessage(const PgResultSet &locks) const
{
    QStringList lines;
    for (int i = 0; i < locks.rowCount(); ++i) {
        const QString who = QStringLiteral("pid %1 (%2: %3)")
                                .arg(locks.value(i, QStringLiteral("pid")).toString(),
                                     locks.value(i, QStringLiteral("application")).toString(),
                                     locks.value(i, QStringLiteral("query")).toString());
        const QString blockers = locks.value(i, QStringLiteral("blockers")).toString();
        lines << (locks.value(i, QStringLiteral("granted")).toBool()
                      ? QStringLiteral("  %1 is locked exclusively by %2")
                            .arg(locks.value(i, QStringLiteral("relation")).toString(), who)
                      : QStringLiteral("  %1: %2 waits for an exclusive lock%3")
                            .arg(locks.value(i, QStringLiteral("relation")).toString(), who,
                                 blockers.isEmpty() ? QString()
                                                    : QStringLiteral(" behind ") + blockers));
    }
    return QStringLiteral("pg_dump would wait behind an exclusive lock, nothing was dumped:\n%1\n"
                          "End the lock's session (opsdeck db cancel %2 PID, or the Activity tab) "
                          "or back up when it is over.")
        .arg(lines.join(QLatin1Char('\n')), m_request.environment);
}

void DumpOperation::readSizes()
{
    onFinished(m_session->query(QString::fromLatin1(kSourceSql), {kBiggestTables}), this,
               [this](const Result<PgResultSet> &set) {
                   if (!set || set->rowCount() != 1)
                       return fail(set ? QStringLiteral("no answer") : set.errorString());
                   m_manifest.serverVersion = set->value(0, QStringLiteral("version")).toInt();
                   m_manifest.tables = set->value(0, QStringLiteral("tables")).toInt();
                   m_progress.tablesTotal = m_manifest.tables;
                   countRows(parseTextArray(set->value(0, QStringLiteral("biggest"))));
               });
}

void DumpOperation::countRows(const QStringList &tables)
{
    if (tables.isEmpty())
        return checkTool();
    // The names come from the server's own format('%I.%I'): quoted where they need it.
    QStringList counts;
    for (qsizetype i = 0; i < tables.size(); ++i)
        counts << QStringLiteral("(select count(*) from %1) as c%2").arg(tables[i]).arg(i);
    setStep(QStringLiteral("counting rows"));
    onFinished(m_session->query(QStringLiteral("select ") + counts.join(QStringLiteral(", "))),
               this, [this, tables](const Result<PgResultSet> &set) {
                   if (!set || set->rowCount() != 1)
                       return fail(set ? QStringLiteral("no answer") : set.errorString());
                   for (qsizetype i = 0; i < tables.size(); ++i)
                       m_manifest.biggestTables.append({tables[i], set->rows[0][i].toLongLong()});
                   m_session->close();
                   checkTool();
               });
}

void DumpOperation::checkTool()
{
    m_dumpTool = findPgTool(QStringLiteral("pg_dump"), m_manifest.serverVersion);
    if (m_dumpTool.isEmpty())
        return fail(QStringLiteral("pg_dump is not installed (postgresql-client-%1)")
                        .arg(m_manifest.serverVersion / 10000));
    Job *version =
        runTool(QStringLiteral("pg_dump --version"), m_dumpTool, {QStringLiteral("--version")});
    connect(version, &Job::finished, this, [this](const Result<QString> &r) {
        if (!r)
            return fail(QStringLiteral("%1 --version: %2").arg(m_dumpTool, r.errorString()));
        m_manifest.dumpVersion = parsePgVersion(*r);
        const Status usable =
            checkDumpToolVersion(m_dumpTool, m_manifest.dumpVersion, m_manifest.serverVersion);
        if (!usable)
            return fail(usable.errorString());
        dump();
    });
    version->start();
}

Job *DumpOperation::runTool(const QString &title, const QString &program,
                            const QStringList &arguments)
{
    const Result<ToolConnection> connection = m_endpoint->tool();
    Job *job = Job::program(
        title, program, arguments,
        m_endpoint->toolEnvironment(connection ? *connection : ToolConnection{}), this);
    job->setEnvironment(m_request.environment);
    job->setTimeout(std::chrono::hours(24)); // a dump takes as long as the database needs
    m_job = job;
    return job;
}

void DumpOperation::dump()
{
    const Result<ToolConnection> connection = m_endpoint->tool();
    if (!connection)
        return fail(connection.errorString());
    m_partialPath = m_finalPath + QStringLiteral(".partial");
    QStringList arguments{QStringLiteral("--verbose"), QStringLiteral("--no-password"),
                          QStringLiteral("--format=") + m_request.format,
                          // a lock that appears after the check above fails the dump, not hangs it
                          QStringLiteral("--lock-wait-timeout=60s"),
                          QStringLiteral("--file=") + m_partialPath};
    if (m_request.format == QLatin1String("custom")) {
        // Created here first, owner-only: the dump holds every row of production.
        QFile file(m_partialPath);
        if (!file.open(QIODevice::WriteOnly))
            return fail(QStringLiteral("%1: %2").arg(m_partialPath, file.errorString()));
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    } else if (m_request.jobs > 1) {
        arguments << QStringLiteral("--jobs=%1").arg(m_request.jobs);
    }
    arguments << QStringLiteral("--dbname=") + connection->conninfo;
    setStep(QStringLiteral("dumping"));
    static const QRegularExpression table(
        QStringLiteral(R"(dumping contents of table "([^"]+)\")"));
    Job *job = runTool(QStringLiteral("pg_dump"), m_dumpTool, arguments);
    connect(job, &Job::lineReceived, this, [this](const QString &line) {
        const QRegularExpressionMatch m = table.match(line);
        if (m.hasMatch()) {
            ++m_progress.tablesDone;
            m_progress.object = m.captured(1);
            emit progressChanged(m_progress);
        } else if (line.contains(QLatin1String("error:"))) {
            m_errors << line;
        }
        emit lineReceived(line);
    });
    connect(job, &Job::finished, this, [this](const Result<QString> &r) {
        m_sizePoll.stop();
        if (!r)
            return fail(m_errors.isEmpty() ? QStringLiteral("pg_dump: ") + r.errorString()
                                           : m_errors.join(QLatin1Char('\n')));
        verify();
    });
    m_sizePoll.start();
    job->start();
}

void DumpOperation::verify()
{
    m_progress.bytes = dumpSize(m_partialPath);
    setStep(QStringLiteral("verifying"));
    const QString restoreTool = findPgTool(QStringLiteral("pg_restore"), m_manifest.serverVersion);
    if (restoreTool.isEmpty())
        return fail(QStringLiteral("pg_restore is not installed: the dump cannot be verified"));
    Job *job = runTool(QStringLiteral("pg_restore --list"), restoreTool,
                       {QStringLiteral("--list"), m_partialPath});
    auto entries = std::make_shared<int>(0);
    connect(job, &Job::lineReceived, this, [entries](const QString &line) {
        if (!line.isEmpty() && !line.startsWith(QLatin1Char(';')))
            ++*entries;
    });
    connect(job, &Job::finished, this, [this, entries](const Result<QString> &r) {
        if (!r)
            return fail(QStringLiteral("the dump does not read back (pg_restore --list: %1)")
                            .arg(r.errorString()));
        if (*entries == 0)
            return fail(QStringLiteral("the dump reads back empty (pg_restore --list)"));
        m_manifest.tocEntries = *entries;
        m_manifest.verified = true;
        hashAndFinish();
    });
    job->start();
}

void DumpOperation::hashAndFinish()
{
    setStep(QStringLiteral("hashing"));
    const QString path = m_partialPath;
    onFinished(
        QtConcurrent::run([path] { return sha256OfDump(path); }), this,
        [this](const Result<QByteArray> &hash) {
            if (!hash)
                return fail(hash.errorString());
            m_manifest.sha256 = QString::fromLatin1(*hash);
            m_manifest.sizeBytes = dumpSize(m_partialPath);
            m_manifest.seconds =
                m_manifest.takenAt.msecsTo(QDateTime::currentDateTimeUtc()) / 1000.0;
            const bool renamed = QFileInfo(m_partialPath).isDir()
                                     ? QDir().rename(m_partialPath, m_finalPath)
                                     : QFile::rename(m_partialPath, m_finalPath);
            if (!renamed)
                return fail(
                    QStringLiteral("cannot rename %1 to %2").arg(m_partialPath, m_finalPath));
            m_partialPath.clear();
            const Status written = writeManifest(m_manifest, m_manifest.manifestPath);
            if (!written)
                return fail(written.errorString());
            if (!m_request.uploadHost.isEmpty() && m_request.outputPath.isEmpty())
                return uploadAndFinish();
            m_done = true;
            setStep(QStringLiteral("done"));
            emit finished(m_manifest);
        });
}

void DumpOperation::uploadAndFinish()
{
    m_remote = std::make_unique<RemoteBackups>(m_request.pool, m_request.uploadHost,
                                               m_request.uploadDirectory);
    setStep(QStringLiteral("copying to %1").arg(m_remote->location()));
    m_uploaded = std::make_shared<std::atomic<qint64>>(0);
    m_stopUpload = std::make_shared<std::atomic<bool>>(false);
    // The copy runs on its own SSH session's thread; this side only reads the counter.
    m_progress.bytes = 0;
    disconnect(&m_sizePoll, nullptr, this, nullptr);
    connect(&m_sizePoll, &QTimer::timeout, this, [this] {
        m_progress.object =
            QStringLiteral("(%1 of %2)")
                .arg(formatBytes(m_uploaded->load()), formatBytes(m_manifest.sizeBytes));
        emit progressChanged(m_progress);
    });
    m_sizePoll.start();
    auto progress = [uploaded = m_uploaded, stop = m_stopUpload](qint64 bytes) {
        uploaded->store(bytes);
        return !stop->load();
    };
    onFinished(m_remote->upload(m_manifest, progress), this,
               [this](const Result<BackupManifest> &copied) {
                   m_sizePoll.stop();
                   if (!copied)
                       // The dump stays here, whole and verified: say where.
                       return fail(QStringLiteral("%1 (the verified dump is still at %2)")
                                       .arg(copied.errorString(), m_manifest.dumpPath()));
                   m_manifest = copied.value();
                   m_done = true;
                   setStep(QStringLiteral("done"));
                   emit finished(m_manifest);
               });
}

void DumpOperation::cancel()
{
    if (m_done)
        return;
    m_cancelled = true;
    if (m_job)
        m_job->cancel();
    else if (m_stopUpload)
        m_stopUpload->store(true); // the copy stops at its next chunk and says so
    else
        fail(QStringLiteral("cancelled"));
}

void DumpOperation::fail(const QString &why)
{
    if (m_done)
        return;
    m_done = true;
    m_sizePoll.stop();
    if (!m_partialPath.isEmpty()) {
        QFileInfo(m_partialPath).isDir() ? (void)QDir(m_partialPath).removeRecursively()
                                         : (void)QFile::remove(m_partialPath);
        m_partialPath.clear();
    }
    emit finished(Result<BackupManifest>::failure(m_cancelled ? QStringLiteral("cancelled") : why));
}

} // namespace Opsdeck
