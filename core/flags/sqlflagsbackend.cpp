// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlflagsbackend.h"

#include "common/futures.h"
#include "flagwrite.h"
#include "jobs/job.h"
#include "runtime/databasesession.h"
#include "runtime/sshpool.h"

#include <QPointer>

namespace Opsdeck {

namespace {

/** What a manage.py write's exit status means (flagwrite.h's ManageExit). */
Status manageOutcome(const Job &job, const Result<QString> &result)
{
    switch (job.exitStatus()) {
    case ManageOk:
        return success();
    case ManageChanged:
        return Status::failure(
            QStringLiteral("changed by someone else since it was read; nothing written"),
            kFlagConflict);
    case ManageMissing:
        return Status::failure(QStringLiteral("it no longer exists"), kFlagConflict);
    case ManageExists:
        return Status::failure(QStringLiteral("a flag of that name exists already"), kFlagConflict);
    default:
        break;
    }
    if (job.exitStatus() < 0) // never ended by itself: the transaction may or may not have run
        return Status::failure(
            QStringLiteral("manage.py %1; it may or may not have written: reload to see")
                .arg(result.errorString()));
    const QStringList lines = job.lines();
    const QString tail = lines.mid(qMax(0, lines.size() - 3)).join(QLatin1Char('\n')).trimmed();
    if (job.exitStatus() == ManageUnknownNames)
        return Status::failure(tail);
    return Status::failure(QStringLiteral("manage.py failed (exit %1): %2")
                               .arg(job.exitStatus())
                               .arg(tail.isEmpty() ? result.errorString() : tail));
}

} // namespace

SqlFlagsBackend::SqlFlagsBackend(FlagsSpec spec, const EnvironmentSpec &environment, SshPool *pool,
                                 DatabaseSession *database, QObject *parent)
    : FlagsBackend(parent)
    , m_spec(std::move(spec))
    , m_host(environment.hosts.value(0))
    , m_environment(environment.name)
    , m_pool(pool)
    // Writes happen here too: the action session (not read-only, short timeouts).
    , m_database(database)
{}

SqlFlagsBackend::~SqlFlagsBackend() = default;

int SqlFlagsBackend::capabilities() const
{
    if (m_spec.isTable())
        return Create | Delete;
    return Create | Delete | Rules | Percent | Kinds;
}

QString SqlFlagsBackend::describe() const
{
    if (m_spec.isTable())
        return QStringLiteral("table %1").arg(m_spec.table);
    return m_spec.manage.isEmpty() ? QStringLiteral("django-waffle (SQL)")
                                   : QStringLiteral("django-waffle (manage.py on %1)").arg(m_host);
}

QString SqlFlagsBackend::writeCaveat() const
{
    if (!m_spec.isWaffle() || !m_spec.manage.isEmpty())
        return {};
    return QStringLiteral("Written with SQL: running app processes may serve the cached value "
                          "until waffle's cache entries expire (set flags.manage in the "
                          "workspace to write through Django).");
}

void SqlFlagsBackend::startLoad(QObject *guard, Loaded done)
{
    QPointer<QObject> alive(guard);
    m_database->whenReady(this, [this, alive, done](PgConnection *pg, const QString &error) {
        if (!alive)
            return;
        if (!pg) {
            done(Result<QList<FlagState>>::failure(error));
            return;
        }
        onFinished(pg->query(flagsQuery(m_spec).sql), alive.data(),
                   [spec = m_spec, done](const Result<PgResultSet> &rows) {
                       done(parseFlags(spec, rows));
                   });
    });
}

void SqlFlagsBackend::startApply(const FlagEdit &edit, QObject *guard, Written done)
{
    if (const Status valid = edit.validate(); !valid) {
        done(valid, {});
        return;
    }
    if (m_spec.isWaffle() && !m_spec.manage.isEmpty())
        applyThroughManage(edit, guard, std::move(done));
    else
        applyThroughSql(edit, guard, std::move(done));
}

void SqlFlagsBackend::applyThroughManage(const FlagEdit &edit, QObject *guard, Written done)
{
    const QString via = QStringLiteral("manage.py on %1").arg(m_host);
    SshClient *client = m_host.isEmpty() ? nullptr : m_pool->client(m_host);
    if (!client) {
        done(Status::failure(QStringLiteral("flags.manage needs a host in the environment")), via);
        return;
    }
    // A Job: a manage.py that hangs (a stuck migration lock, a dead database) ends with a timeout
    // instead of holding the write, and its output is bounded like any command's.
    Job *job = Job::remote(QStringLiteral("flag write"), client, manageCommand(m_spec.manage, edit),
                           guard);
    job->setTimeout(std::chrono::milliseconds(m_spec.manageTimeoutMs));
    job->setEnvironment(m_environment);
    connect(job, &Job::finished, guard, [job, via, done](const Result<QString> &result) {
        job->deleteLater();
        done(manageOutcome(*job, result), via);
    });
    job->start();
}

void SqlFlagsBackend::applyThroughSql(const FlagEdit &edit, QObject *guard, Written done)
{
    QPointer<QObject> alive(guard);
    m_database->whenReady(this, [this, alive, edit, done](PgConnection *pg, const QString &error) {
        if (!alive)
            return;
        if (!pg) {
            done(Status::failure(error), QStringLiteral("SQL"));
            return;
        }
        if (!(m_spec.isTable() && edit.op == FlagEdit::Op::Create)) {
            runStatement(sqlWrite(m_spec, edit), alive.data(), done);
            return;
        }
        // A plain table's other NOT NULL columns (Django's created_at has no SQL default).
        const PgStatement columns = requiredColumnsQuery(m_spec);
        onFinished(pg->query(columns.sql, columns.params), alive.data(),
                   [this, alive, edit, done](const Result<PgResultSet> &rows) {
                       const Result<QList<RequiredColumn>> required = parseRequiredColumns(rows);
                       if (!required) {
                           done(Status::failure(required.errorString()), QStringLiteral("SQL"));
                           return;
                       }
                       runStatement(sqlWrite(m_spec, edit, *required), alive.data(), done);
                   });
    });
}

void SqlFlagsBackend::runStatement(const Result<PgStatement> &statement, QObject *guard,
                                   Written done)
{
    const QString via = QStringLiteral("SQL");
    PgConnection *pg = m_database->connection();
    if (!statement || !pg) {
        done(Status::failure(statement ? QStringLiteral("the database connection dropped")
                                       : statement.errorString()),
             via);
        return;
    }
    onFinished(pg->query(statement->sql, statement->params), guard,
               [done, via](const Result<PgResultSet> &result) {
                   if (!result)
                       done(Status::failure(result.errorString()), via);
                   else if (result->rowCount() == 0)
                       done(Status::failure(QStringLiteral("nothing written: it changed since it "
                                                           "was read, exists already, or names "
                                                           "an unknown user or group"),
                                            kFlagConflict),
                            via);
                   else
                       done(success(), via);
               });
}

} // namespace Opsdeck
