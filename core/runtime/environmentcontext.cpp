// SPDX-License-Identifier: GPL-3.0-or-later
#include "environmentcontext.h"

#include "alerts/alertsclient.h"
#include "audit/auditlog.h"
#include "docker/dockerengine.h"
#include "flags/flagsbackend.h"
#include "metrics/httpendpoint.h"
#include "metrics/prometheusclient.h"
#include "runtime/databasesession.h"
#include "runtime/sshpool.h"

namespace Opsdeck {

EnvironmentContext::EnvironmentContext(EnvironmentContexts &owner, QString environment,
                                       QObject *parent)
    : QObject(parent)
    , m_owner(owner)
    , m_environment(std::move(environment))
{}

EnvironmentContext::~EnvironmentContext() = default;

const Workspace &EnvironmentContext::workspace() const
{
    return m_owner.m_workspace;
}

const EnvironmentSpec &EnvironmentContext::environment() const
{
    return *m_owner.m_workspace.environment(m_environment);
}

SshPool *EnvironmentContext::sshPool() const
{
    return m_owner.m_pool;
}

DatabaseSession *EnvironmentContext::monitoringSession()
{
    if (!m_monitoring && environment().database)
        m_monitoring = std::make_unique<DatabaseSession>(*environment().database, sshPool(),
                                                         PgSessionSettings{});
    return m_monitoring.get();
}

DatabaseSession *EnvironmentContext::actionSession()
{
    if (!m_action && environment().database)
        m_action = std::make_unique<DatabaseSession>(*environment().database, sshPool(),
                                                     PgSessionSettings::action());
    return m_action.get();
}

DatabaseSession *EnvironmentContext::consoleSession()
{
    if (!m_console && environment().database)
        m_console = std::make_unique<DatabaseSession>(*environment().database, sshPool(),
                                                      PgSessionSettings::console());
    return m_console.get();
}

DatabaseSession *EnvironmentContext::replicaSession(const QString &replica)
{
    const std::optional<DatabaseSpec> &database = environment().database;
    if (!database)
        return nullptr;
    std::unique_ptr<DatabaseSession> &session = m_replicas[replica];
    if (!session) {
        for (const ReplicaSpec &spec : database->replicas)
            if (spec.name == replica)
                session = std::make_unique<DatabaseSession>(database->replica(spec), sshPool(),
                                                            PgSessionSettings{});
        if (!session) {
            m_replicas.erase(replica);
            return nullptr;
        }
    }
    return session.get();
}

std::unique_ptr<DatabaseSession> EnvironmentContext::newConsoleWriteSession() const
{
    if (!environment().database)
        return nullptr;
    return std::make_unique<DatabaseSession>(*environment().database, sshPool(),
                                             PgSessionSettings::consoleWrite());
}

PrometheusClient *EnvironmentContext::prometheus()
{
    if (!m_prometheus && environment().prometheus)
        m_prometheus = std::make_unique<PrometheusClient>(*environment().prometheus, sshPool());
    return m_prometheus.get();
}

AlertsClient *EnvironmentContext::alerts()
{
    if (m_alerts || !prometheus())
        return m_alerts.get();
    if (const std::optional<PrometheusSpec> &spec = environment().alertmanager)
        m_alertmanager =
            std::make_unique<HttpEndpoint>(*spec, QStringLiteral("alertmanager"), sshPool());
    m_alerts = std::make_unique<AlertsClient>(prometheus(), m_alertmanager.get());
    QStringList others = workspace().environmentNames();
    others.removeAll(m_environment);
    m_alerts->setOtherEnvironments(others);
    return m_alerts.get();
}

DockerEngine *EnvironmentContext::docker()
{
    const std::optional<ContainerDeploySpec> &spec = environment().containers;
    if (!m_docker && spec)
        if (SshClient *host = sshPool()->client(spec->host))
            m_docker = std::make_unique<DockerEngine>(host, spec->dockerSocket);
    return m_docker.get();
}

Result<FlagsBackend *> EnvironmentContext::flagsBackend()
{
    if (!m_flagsTried) {
        m_flagsTried = true;
        Result<std::unique_ptr<FlagsBackend>> created =
            FlagsBackend::create(environment(), sshPool(), actionSession());
        if (created)
            m_flags = std::move(created.value());
        else
            m_flagsError = created.errorString();
    }
    if (!m_flags)
        return Result<FlagsBackend *>::failure(m_flagsError);
    return m_flags.get();
}

std::shared_ptr<AuditLog> EnvironmentContext::auditLog() const
{
    return m_owner.m_audit;
}

EnvironmentContext *EnvironmentContext::sibling(const QString &environment) const
{
    return m_owner.context(environment);
}

EnvironmentContexts::EnvironmentContexts(Workspace workspace, SshPool *pool)
    : m_workspace(std::move(workspace))
    , m_pool(pool)
    , m_audit(AuditLog::shared())
{}

EnvironmentContexts::~EnvironmentContexts()
{
    qDeleteAll(m_contexts);
}

EnvironmentContext *EnvironmentContexts::context(const QString &environment)
{
    if (EnvironmentContext *existing = m_contexts.value(environment))
        return existing;
    if (!m_workspace.environment(environment))
        return nullptr;
    auto *created = new EnvironmentContext(*this, environment);
    m_contexts.insert(environment, created);
    return created;
}

} // namespace Opsdeck
