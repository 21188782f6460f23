// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QObject>

#include <map>
#include <memory>

namespace Opsdeck {

class AlertsClient;
class AuditLog;
class DatabaseSession;
class EnvironmentContexts;
class FlagsBackend;
class HttpEndpoint;
class PrometheusClient;
class SshPool;
class DockerEngine;

/**
 * Everything one environment's panes and commands share: its part of the workspace, the SSH
 * pool, one monitoring and one action database session (opened on first use), its flags
 * backend and the process's audit log. Every pane of "production" reads through the same
 * monitoring session, so opening seven panes costs one backend on the server, not seven.
 *
 * Lives on the UI thread (or the command's main thread); the sessions do their IO elsewhere.
 */
class EnvironmentContext final : public QObject
{
    Q_OBJECT

public:
    EnvironmentContext(EnvironmentContexts &owner, QString environment, QObject *parent = nullptr);
    ~EnvironmentContext() override;

    const Workspace &workspace() const;
    const EnvironmentSpec &environment() const;
    QString name() const { return m_environment; }
    SshPool *sshPool() const;

    /** Read-only session for panes that watch (checks, activity, charts); nullptr without a
     * database: block. */
    DatabaseSession *monitoringSession();
    /** Writing session for explicit actions (terminate, flag writes); nullptr without a database.
     */
    DatabaseSession *actionSession();
    /** A read-only monitoring session on the standby `database.replicas:` names (opened on
     * first use, one per replica); nullptr when there is no such replica. */
    DatabaseSession *replicaSession(const QString &replica);
    /** The SQL console's read-only session (longer timeouts, its own backend so a long query
     * or its Cancel never touches the panes' monitoring); nullptr without a database. */
    DatabaseSession *consoleSession();
    /** A writing session for one console transaction, owned by the caller: a transaction left
     * open must not share a backend with anything else, so each write gets its own (nullptr
     * without a database). */
    std::unique_ptr<DatabaseSession> newConsoleWriteSession() const;
    /** The environment's Prometheus (through its SSH tunnel); nullptr without a prometheus:
     * block. */
    PrometheusClient *prometheus();
    /** Its alerts: Prometheus' rules and, with an alertmanager: block, silences; nullptr
     * without a prometheus: block. */
    AlertsClient *alerts();
    /** The Docker engine of a container environment's manager/host, or null for others. */
    DockerEngine *docker();
    /** This environment's flags backend, or why there is none. */
    Result<FlagsBackend *> flagsBackend();
    std::shared_ptr<AuditLog> auditLog() const;

    /** Another environment of the same workspace (flags side by side, drift), or nullptr. */
    EnvironmentContext *sibling(const QString &environment) const;

private:
    EnvironmentContexts &m_owner;
    QString m_environment;
    std::unique_ptr<DatabaseSession> m_monitoring;
    std::unique_ptr<DatabaseSession> m_action;
    std::unique_ptr<DatabaseSession> m_console;
    std::map<QString, std::unique_ptr<DatabaseSession>> m_replicas;
    std::unique_ptr<PrometheusClient> m_prometheus;
    std::unique_ptr<HttpEndpoint> m_alertmanager;
    std::unique_ptr<AlertsClient> m_alerts; // after both: destroyed first, it borrows them
    std::unique_ptr<DockerEngine> m_docker;
    std::unique_ptr<FlagsBackend> m_flags; // after m_action: destroyed first, it borrows it
    QString m_flagsError;
    bool m_flagsTried = false;
};

/**
 * The contexts of one loaded workspace, created on first use. Owns the workspace's typed form;
 * the SSH pool is borrowed (the GUI's asks about host keys, the CLI's refuses unknown ones).
 * Contexts are destroyed before the pool's owner lets it go.
 */
class EnvironmentContexts final
{
public:
    EnvironmentContexts(Workspace workspace, SshPool *pool);
    ~EnvironmentContexts();
    EnvironmentContexts(const EnvironmentContexts &) = delete;
    EnvironmentContexts &operator=(const EnvironmentContexts &) = delete;

    const Workspace &workspace() const { return m_workspace; }
    SshPool *sshPool() const { return m_pool; }
    /** nullptr when the workspace has no such environment. */
    EnvironmentContext *context(const QString &environment);

private:
    Workspace m_workspace;
    SshPool *m_pool;
    std::shared_ptr<AuditLog> m_audit;
    QHash<QString, EnvironmentContext *> m_contexts; // owned
    friend class EnvironmentContext;
};

} // namespace Opsdeck
