// SPDX-License-Identifier: GPL-3.0-or-later
#include "restoreoperation.h"

#include "common/futures.h"
#include "databaseendpoint.h"
#include "dbexplorer/schemacatalog.h"
#include "jobs/job.h"
#include "pg/pgconnection.h"
#include "pgtools.h"
#include "remotebackups.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QTimer>

namespace Opsdeck {

namespace {

const char kTablesSql[] = R"(
select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
           and n.nspname !~ '^pg_toast') as tables,
       array(select format('%I.%I', n.nspname, c.relname)
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relkind in ('r', 'p')
                and format('%I.%I', n.nspname, c.relname) = any(string_to_array($1, E'\n'))
              order by 1)::text[] as present)";

PgSessionSettings writingSettings()
{
    PgSessionSettings s = PgSessionSettings::action();
    s.applicationName = QStringLiteral("opsdeck-restore");
    s.statementTimeoutMs = 0;
    s.lockTimeoutMs = 10'000;
    return s;
}

} // namespace

bool RestoreSummary::countsMatch() const
{
    return std::all_of(compared.cbegin(), compared.cend(),
                       [](const ComparedTable &t) { return t.sourceRows < 0 || t.matches(); });
}

QString RestoreSummary::text() const
{
    const QLocale c = QLocale::c();
    QStringList lines;
    lines << QStringLiteral("restored into %1: %2 tables%3")
                 .arg(database)
                 .arg(tables)
                 .arg(sourceTables > 0 ? QStringLiteral(" (%1 in the source)").arg(sourceTables)
                                       : QString());
    for (const ComparedTable &t : compared) {
        QString line =
            QStringLiteral("  %1: %2 %3")
                .arg(t.table, c.toString(t.restoredRows),
                     t.restoredRows == 1 ? QStringLiteral("row") : QStringLiteral("rows"));
        if (t.sourceRows >= 0)
            line += t.matches()
                        ? QStringLiteral(", as in the source")
                        : QStringLiteral(", the source had %1").arg(c.toString(t.sourceRows));
        lines << line;
    }
    if (scrubbed)
        lines << QStringLiteral("scrubbed after the counts");
    if (!keptAs.isEmpty())
        lines << QStringLiteral("the database it replaced is kept as %1 (drop it when done)")
                     .arg(keptAs);
    return lines.join(QLatin1Char('\n'));
}

RestoreOperation::RestoreOperation(RestoreRequest request, QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_endpoint(std::make_unique<DatabaseEndpoint>(m_request.database, m_request.pool, this))
{}

RestoreOperation::~RestoreOperation()
{
    if (m_job)
        m_job->cancel();
    if (m_stopFetch)
        m_stopFetch->store(true);
    removeFetched();
}

void RestoreOperation::removeFetched()
{
    if (m_fetched.isEmpty())
        return;
    QFile::remove(m_fetched);
    QFile::remove(manifestPathFor(m_fetched));
    m_fetched.clear();
}

void RestoreOperation::setStep(const QString &step)
{
    m_progress.step = step;
    m_progress.object.clear();
    emit progressChanged(m_progress);
}

void RestoreOperation::start()
{
    m_started = QDateTime::currentDateTimeUtc();
    m_stamp = m_started.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    if (const Status name = checkNewDatabaseName(m_request.newDatabase); !name)
        return fail(name.errorString());
    if (m_request.remoteDump)
        return fetch();
    begin();
}

void RestoreOperation::fetch()
{
    const BackupManifest &remote = *m_request.remoteDump;
    m_remote = std::make_unique<RemoteBackups>(m_request.pool, remote.host, QString() /* unused */);
    m_stopFetch = std::make_shared<std::atomic<bool>>(false);
    auto copied = std::make_shared<std::atomic<qint64>>(0);
    setStep(QStringLiteral("copying from %1").arg(remote.location()));
    auto *poll = new QTimer(this);
    poll->setInterval(500);
    connect(poll, &QTimer::timeout, this, [this, copied] {
        m_progress.bytes = copied->load();
        emit progressChanged(m_progress);
    });
    poll->start();
    auto progress = [copied, stop = m_stopFetch](qint64 bytes) {
        copied->store(bytes);
        return !stop->load();
    };
    onFinished(m_remote->download(remote, m_request.fetchDirectory, progress), this,
               [this, poll](const Result<BackupManifest> &local) {
                   poll->deleteLater();
                   m_stopFetch.reset();
                   if (!local)
                       return fail(local.errorString());
                   m_fetched = local->dumpPath();
                   m_request.dumpPath = m_fetched;
                   begin();
               });
}

void RestoreOperation::begin()
{
    if (!QFileInfo::exists(m_request.dumpPath))
        return fail(QStringLiteral("%1: no such dump").arg(m_request.dumpPath));
    if (QFileInfo::exists(manifestPathFor(m_request.dumpPath))) {
        Result<BackupManifest> manifest = readManifest(manifestPathFor(m_request.dumpPath));
        if (!manifest)
            return fail(manifest.errorString());
        m_manifest = manifest.value();
        m_progress.tablesTotal = m_manifest->tables;
        m_summary.sourceTables = m_manifest->tables;
    }
    setStep(QStringLiteral("connecting"));
    m_endpoint->open([this](const Status &opened) {
        if (!opened)
            return fail(opened.errorString());
        m_maintenance = m_endpoint->session(writingSettings(), QStringLiteral("postgres"));
        onFinished(m_maintenance->open(), this, [this](const Status &s) {
            if (!s)
                return fail(QStringLiteral("the server's postgres database: ") + s.errorString());
            findExisting();
        });
    });
}

void RestoreOperation::findExisting()
{
    // The names a restore could collide with, and whether the target exists.
    const QString name = m_request.newDatabase;
    const QString work = QStringLiteral("%1_restore_%2").arg(name.left(63 - 25), m_stamp.toLower());
    onFinished(m_maintenance->query(
                   QStringLiteral("select datname from pg_database where datname in ($1, $2)"),
                   {name, work}),
               this, [this, name, work](const Result<PgResultSet> &set) {
                   if (!set)
                       return fail(set.errorString());
                   QStringList existing;
                   for (const QList<QVariant> &row : set->rows)
                       existing << row.value(0).toString();
                   if (existing.contains(name) && !m_request.replace)
                       return fail(
                           QStringLiteral("database %1 exists on %2: restore into a new name, or "
                                          "replace it (--replace) — it is then kept as %1_before_…")
                               .arg(name, m_endpoint->describe()));
                   m_switch = existing.contains(name);
                   m_workDatabase = m_switch ? work : name;
                   if (existing.contains(m_workDatabase))
                       return fail(
                           QStringLiteral("database %1 exists already").arg(m_workDatabase));
                   createDatabase();
               });
}

void RestoreOperation::createDatabase()
{
    setStep(QStringLiteral("creating ") + m_workDatabase);
    onFinished(
        m_maintenance->query(QStringLiteral("create database %1 template template0")
                                 .arg(quoteIdentifier(m_workDatabase))),
        this, [this](const Result<PgResultSet> &r) {
            if (!r)
                return fail(
                    QStringLiteral("create database %1: %2").arg(m_workDatabase, r.errorString()));
            m_created = true;
            restore();
        });
}

Job *RestoreOperation::runTool(const QString &title, const QString &tool,
                               const QStringList &arguments)
{
    const Result<ToolConnection> connection = m_endpoint->tool(m_workDatabase);
    const QString program = findPgTool(tool, m_maintenance->serverVersion());
    Job *job = Job::program(
        title, program.isEmpty() ? tool : program,
        arguments + QStringList{QStringLiteral("--dbname=") +
                                (connection ? connection->conninfo : QString())},
        m_endpoint->toolEnvironment(connection ? *connection : ToolConnection{}), this);
    job->setEnvironment(m_request.environment);
    job->setTimeout(std::chrono::hours(24));
    connect(job, &Job::lineReceived, this, [this](const QString &line) {
        if (line.contains(QLatin1String("error:")) || line.startsWith(QLatin1String("ERROR:")))
            m_errors << line;
        emit lineReceived(line);
    });
    m_job = job;
    return job;
}

void RestoreOperation::restore()
{
    setStep(QStringLiteral("restoring"));
    QStringList arguments{QStringLiteral("--verbose"), QStringLiteral("--no-password"),
                          QStringLiteral("--exit-on-error")};
    if (m_request.jobs > 1)
        arguments << QStringLiteral("--jobs=%1").arg(m_request.jobs);
    if (m_request.noOwner)
        arguments << QStringLiteral("--no-owner") << QStringLiteral("--no-privileges");
    arguments << m_request.dumpPath;
    static const QRegularExpression table(
        QStringLiteral(R"(processing data for table "([^"]+)\")"));
    Job *job = runTool(QStringLiteral("pg_restore"), QStringLiteral("pg_restore"), arguments);
    connect(job, &Job::lineReceived, this, [this](const QString &line) {
        const QRegularExpressionMatch m = table.match(line);
        if (m.hasMatch()) {
            ++m_progress.tablesDone;
            m_progress.object = m.captured(1);
            emit progressChanged(m_progress);
        }
    });
    connect(job, &Job::finished, this, [this](const Result<QString> &r) {
        if (!r)
            return dropWorkDatabase(m_errors.isEmpty()
                                        ? QStringLiteral("pg_restore: ") + r.errorString()
                                        : m_errors.mid(0, 5).join(QLatin1Char('\n')));
        compare();
    });
    job->start();
}

void RestoreOperation::compare()
{
    setStep(QStringLiteral("checking"));
    PgSessionSettings reading;
    reading.applicationName = QStringLiteral("opsdeck-restore");
    reading.statementTimeoutMs = 0;
    m_restored = m_endpoint->session(reading, m_workDatabase);
    QStringList wanted;
    if (m_manifest)
        for (const TableRowCount &t : m_manifest->biggestTables)
            wanted << t.table;
    onFinished(m_restored->open(), this, [this, wanted](const Status &opened) {
        if (!opened)
            return dropWorkDatabase(opened.errorString());
        onFinished(
            m_restored->query(QString::fromLatin1(kTablesSql), {wanted.join(QLatin1Char('\n'))}),
            this, [this](const Result<PgResultSet> &set) {
                if (!set || set->rowCount() != 1)
                    return dropWorkDatabase(set ? QStringLiteral("no answer") : set.errorString());
                m_summary.tables = set->value(0, QStringLiteral("tables")).toInt();
                const QStringList present =
                    parseTextArray(set->value(0, QStringLiteral("present")));
                QStringList counts; // names as the server quoted them: safe to splice
                for (qsizetype i = 0; i < present.size(); ++i)
                    counts << QStringLiteral("(select count(*) from %1)").arg(present[i]);
                if (counts.isEmpty())
                    return scrub();
                onFinished(
                    m_restored->query(QStringLiteral("select ") +
                                      counts.join(QStringLiteral(", "))),
                    this, [this, present](const Result<PgResultSet> &rows) {
                        if (!rows || rows->rowCount() != 1)
                            return dropWorkDatabase(rows ? QStringLiteral("no answer")
                                                         : rows.errorString());
                        for (const TableRowCount &t : m_manifest->biggestTables) {
                            const qsizetype at = present.indexOf(t.table);
                            m_summary.compared.append(
                                {t.table, t.rows, at < 0 ? -1 : rows->rows[0][at].toLongLong()});
                        }
                        scrub();
                    });
            });
    });
}

void RestoreOperation::scrub()
{
    if (m_restored)
        m_restored->close();
    if (m_request.scrubFile.isEmpty())
        return switchOver();
    setStep(QStringLiteral("scrubbing"));
    Job *job =
        runTool(QStringLiteral("scrub"), QStringLiteral("psql"),
                {QStringLiteral("--no-psqlrc"), QStringLiteral("--quiet"),
                 QStringLiteral("--set=ON_ERROR_STOP=1"), QStringLiteral("--single-transaction"),
                 QStringLiteral("--file=") + m_request.scrubFile});
    connect(job, &Job::finished, this, [this](const Result<QString> &r) {
        if (!r)
            return dropWorkDatabase(
                QStringLiteral("the scrub failed (%1)%2")
                    .arg(r.errorString(),
                         m_errors.isEmpty() ? QString() : QStringLiteral(": ") + m_errors.last()));
        m_summary.scrubbed = true;
        switchOver();
    });
    job->start();
}

void RestoreOperation::switchOver()
{
    if (!m_switch)
        return finish();
    setStep(QStringLiteral("switching"));
    const QString name = m_request.newDatabase;
    const QString kept = QStringLiteral("%1_before_%2").arg(name.left(63 - 24), m_stamp.toLower());
    const QString quotedName = quoteIdentifier(name);
    const QString quotedKept = quoteIdentifier(kept);
    // No new sessions, the current ones ended, then the renames (RENAME waits up to 5 s for
    // ended sessions to be gone). The kept database accepts connections again afterwards.
    const QList<QString> steps = {
        QStringLiteral("alter database %1 allow_connections false").arg(quotedName),
        QStringLiteral("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                       "where datname = '%1' and pid <> pg_backend_pid()")
            .arg(QString(name).replace(QLatin1Char('\''), QStringLiteral("''"))),
        QStringLiteral("alter database %1 rename to %2").arg(quotedName, quotedKept),
        QStringLiteral("alter database %1 rename to %2")
            .arg(quoteIdentifier(m_workDatabase), quotedName),
        QStringLiteral("alter database %1 allow_connections true").arg(quotedKept),
    };
    auto run = std::make_shared<std::function<void(int)>>();
    *run = [this, steps, run, name, kept, quotedName, quotedKept](int i) {
        if (i == steps.size()) {
            m_summary.keptAs = kept;
            return finish();
        }
        onFinished(
            m_maintenance->query(steps[i]), this,
            [this, i, run, name, kept, quotedName, quotedKept](const Result<PgResultSet> &r) {
                if (r)
                    return (*run)(i + 1);
                // Undo what was done, in reverse; the restored copy stays for a retry.
                if (i >= 3)
                    (void)m_maintenance->query(QStringLiteral("alter database %1 rename to %2")
                                                   .arg(quotedKept, quotedName));
                if (i >= 1)
                    (void)m_maintenance->query(
                        QStringLiteral("alter database %1 allow_connections true").arg(quotedName));
                fail(QStringLiteral("switching %1: %2; %1 is unchanged, the restored copy is %3")
                         .arg(name, r.errorString(), m_workDatabase));
            });
    };
    (*run)(0);
}

void RestoreOperation::finish()
{
    removeFetched();
    m_done = true;
    m_summary.database = m_request.newDatabase;
    m_summary.seconds = m_started.msecsTo(QDateTime::currentDateTimeUtc()) / 1000.0;
    setStep(QStringLiteral("done"));
    emit finished(m_summary);
}

void RestoreOperation::dropWorkDatabase(const QString &why)
{
    if (!m_created || !m_maintenance)
        return fail(why);
    if (m_restored)
        m_restored->close();
    m_created = false;
    onFinished(
        m_maintenance->query(QStringLiteral("drop database if exists %1 with (force)")
                                 .arg(quoteIdentifier(m_workDatabase))),
        this, [this, why](const Result<PgResultSet> &dropped) {
            fail(dropped
                     ? why +
                           QStringLiteral(" (the half-restored %1 was dropped)").arg(m_workDatabase)
                     : why + QStringLiteral(" (%1 could not be dropped: %2)")
                                 .arg(m_workDatabase, dropped.errorString()));
        });
}

void RestoreOperation::cancel()
{
    if (m_done)
        return;
    m_cancelled = true;
    if (m_job && m_job->isRunning())
        m_job->cancel();
    if (m_stopFetch) // the copy stops at its next chunk and fails "cancelled"
        m_stopFetch->store(true);
}

void RestoreOperation::fail(const QString &why)
{
    if (m_done)
        return;
    m_done = true;
    removeFetched();
    emit finished(
        Result<RestoreSummary>::failure(m_cancelled ? QStringLiteral("cancelled: ") + why : why));
}

} // namespace Opsdeck
