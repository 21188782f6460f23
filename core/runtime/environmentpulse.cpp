// SPDX-License-Identifier: GPL-3.0-or-later
#include "environmentpulse.h"

#include "config/configreading.h"
#include "databasesession.h"
#include "dbhealth/healthcheck.h"
#include "dbhealth/healthrunner.h"
#include "deploy/deploychanges.h"
#include "deploy/migrations.h"
#include "docker/composestatus.h"
#include "docker/dockerengine.h"
#include "environmentcontext.h"
#include "flags/flagsbackend.h"

namespace Opsdeck {

namespace {
constexpr qint64 kSlowSourcesEveryMs = 60000;
constexpr int kAuditRows = 50;
} // namespace

EnvironmentPulse::EnvironmentPulse(EnvironmentContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_checks(this)
    , m_config(this)
{
    for (const EnvironmentSpec &other : context.workspace().environments)
        if (other.name != context.name())
            m_drift.insert(other.name, DriftAgainst{other.name, {}, {}, {}});
}

EnvironmentPulse::~EnvironmentPulse() = default;

void EnvironmentPulse::refresh(bool force)
{
    readAudit();
    readDeployState();
    readServices();
    if (force || !m_sinceSlowRead.isValid() || m_sinceSlowRead.elapsed() >= kSlowSourcesEveryMs) {
        m_sinceSlowRead.start();
        readChecks();
        readConfigDrift();
        readFlags();
        readMigrations();
    }
}

bool EnvironmentPulse::isComplete() const
{
    const EnvironmentSpec &environment = m_context.environment();
    const bool checksDone = !environment.database || m_report || !m_checksError.isEmpty();
    const bool deployDone = !environment.deploy || m_deploy;
    const bool servicesDone = !environment.containers || m_services;
    return checksDone && deployDone && servicesDone;
}

QList<DriftAgainst> EnvironmentPulse::drift() const
{
    QList<DriftAgainst> list;
    for (const EnvironmentSpec &other : m_context.workspace().environments) {
        if (!m_drift.contains(other.name))
            continue;
        DriftAgainst against = m_drift.value(other.name);
        QStringList problems{m_configProblems.value(other.name), m_flagsProblems.value(other.name),
                             m_migrationsProblems.value(other.name)};
        problems.removeAll(QString());
        against.problem = problems.join(QStringLiteral("; "));
        list << against;
    }
    return list;
}

void EnvironmentPulse::readChecks()
{
    DatabaseSession *session = m_context.monitoringSession();
    if (!session || m_checks.isInFlight())
        return;
    session->whenReady(this, [this](PgConnection *pg, const QString &error) {
        if (!pg) {
            m_checksError = error;
            emit changed();
            return;
        }
        const std::optional<DatabaseSpec> &spec = m_context.environment().database;
        HealthRunner runner(builtinChecks(), spec ? spec->thresholds : QVariantMap());
        runner.setIncludeOnDemand(false); // the slow ones run when asked, in Database health
        m_checks.start(runner.run(*pg), [this](const HealthReport &report) {
            m_report = report;
            m_checksError.clear();
            emit changed();
        });
    });
}

void EnvironmentPulse::readDeployState()
{
    const EnvironmentSpec &environment = m_context.environment();
    if (!environment.deploy || environment.hosts.isEmpty() || m_deployInFlight)
        return;
    m_deployInFlight = true;
    auto *query = new DeployStatusQuery(m_context.sshPool(), environment, this);
    connect(query, &DeployStatusQuery::finished, this,
            [this, query](const EnvironmentDeployState &state) {
                query->deleteLater();
                m_deployInFlight = false;
                m_deploy = state;
                emit changed();
            });
    query->start(20);
}

void EnvironmentPulse::readServices()
{
    const EnvironmentSpec &environment = m_context.environment();
    DockerEngine *engine = m_context.docker();
    if (!engine || m_servicesInFlight)
        return;
    m_servicesInFlight = true;
    onFinished(readContainerStatus(*engine, *environment.containers), this,
               [this](const Result<SwarmStatus> &status) {
                   m_servicesInFlight = false;
                   m_services = status;
                   emit changed();
               });
}

void EnvironmentPulse::readConfigDrift()
{
    const Workspace &workspace = m_context.workspace();
    const EnvironmentSpec &mine = m_context.environment();
    if (mine.config.isEmpty() || m_config.isInFlight())
        return;
    QList<QFuture<EnvironmentConfig>> reads{
        readEnvironmentConfig(mine, m_context.sshPool(), false)};
    for (const EnvironmentSpec &other : workspace.environments)
        if (other.name != mine.name && !other.config.isEmpty())
            reads << readEnvironmentConfig(other, m_context.sshPool(), false);
    if (reads.size() < 2)
        return;
    using Done = QList<QFuture<EnvironmentConfig>>;
    m_config.start(QtFuture::whenAll(reads.begin(), reads.end()), [this](const Done &done) {
        if (done.isEmpty() || !done.first().resultCount())
            return;
        const EnvironmentConfig mineRead = done.first().result();
        for (qsizetype i = 1; i < done.size(); ++i) {
            if (!done.at(i).resultCount())
                continue;
            const EnvironmentConfig other = done.at(i).result();
            DriftAgainst &against = m_drift[other.environment];
            const QStringList problems = mineRead.fileProblems + other.fileProblems;
            m_configProblems.insert(other.environment, problems.join(QStringLiteral("; ")));
            against.config = computeDrift({mineRead.input, other.input});
        }
        emit changed();
    });
}

void EnvironmentPulse::readFlags()
{
    if (m_context.environment().flags.isEmpty())
        return;
    QList<EnvironmentContext *> contexts{&m_context};
    for (const QString &name : m_drift.keys())
        if (EnvironmentContext *other = m_context.sibling(name))
            contexts << other;
    for (EnvironmentContext *context : std::as_const(contexts)) {
        if (context->environment().flags.isEmpty())
            continue;
        Result<FlagsBackend *> backend = context->flagsBackend();
        if (!backend) {
            if (context != &m_context)
                m_flagsProblems.insert(context->name(),
                                       QStringLiteral("flags: ") + backend.errorString());
            continue;
        }
        onFinished((*backend)->load(), this,
                   [this, name = context->name()](const Result<QList<FlagState>> &r) {
                       if (r) {
                           m_flags[name] = *r;
                           m_flagsProblems.remove(name);
                       } else {
                           m_flags[name].reset();
                           m_flagsProblems.insert(name,
                                                  QStringLiteral("flags: ") + r.errorString());
                       }
                       const std::optional<QList<FlagState>> mine = m_flags.value(m_context.name());
                       for (auto it = m_drift.begin(); it != m_drift.end(); ++it) {
                           const std::optional<QList<FlagState>> theirs = m_flags.value(it.key());
                           if (mine && theirs)
                               it->flagsDiffering = flagsDiffering(*mine, *theirs);
                       }
                       emit changed();
                   });
    }
}

void EnvironmentPulse::readMigrations()
{
    if (!m_context.environment().database || m_migrationReadsInFlight > 0)
        return;
    QList<EnvironmentContext *> contexts{&m_context};
    for (const QString &name : m_drift.keys())
        if (EnvironmentContext *other = m_context.sibling(name);
            other && other->environment().database)
            contexts << other;
    if (contexts.size() < 2)
        return;
    for (EnvironmentContext *context : std::as_const(contexts)) {
        DatabaseSession *session = context->monitoringSession();
        if (!session)
            continue;
        ++m_migrationReadsInFlight;
        const QString name = context->name();
        const auto answered = [this, name](const Result<QList<AppliedMigration>> &applied) {
            --m_migrationReadsInFlight;
            if (applied) {
                QStringList names;
                for (const AppliedMigration &m : *applied)
                    names << m.app + QLatin1Char('.') + m.name;
                m_migrations.insert(name, names);
                m_migrationsProblems.remove(name);
            } else {
                m_migrations.remove(name);
                // Not a Django database: nothing to compare, and nothing wrong.
                if (applied.errorString().contains(QLatin1String("django_migrations")))
                    m_migrationsProblems.remove(name);
                else
                    m_migrationsProblems.insert(name, QStringLiteral("migrations: ") +
                                                          applied.errorString());
            }
            compareMigrations();
        };
        onFinished(Opsdeck::readMigrations(*session), this, answered);
    }
}

void EnvironmentPulse::compareMigrations()
{
    const auto mine = m_migrations.constFind(m_context.name());
    for (auto it = m_drift.begin(); it != m_drift.end(); ++it) {
        const auto theirs = m_migrations.constFind(it.key());
        if (mine != m_migrations.constEnd() && theirs != m_migrations.constEnd())
            it->migrations = migrationDrift(*mine, *theirs);
        else
            it->migrations.reset();
    }
    emit changed();
}

void EnvironmentPulse::readAudit()
{
    // A local SQLite file, a few dozen rows: read here, like the history views do.
    const QString workspace = m_context.workspace().name;
    m_audited.clear();
    for (const AuditEntry &entry : m_context.auditLog()->recent(kAuditRows, m_context.name()))
        if (entry.workspace == workspace)
            m_audited << entry;
    emit changed();
}

} // namespace Opsdeck
