// SPDX-License-Identifier: GPL-3.0-or-later
#include "environmentprobe.h"

#include "common/futures.h"
#include "databasesession.h"
#include "dbhealth/dboverview.h"
#include "environmentcontext.h"
#include "pg/pgconnection.h"
#include "sshpool.h"

namespace Opsdeck {

namespace {} // namespace

QString EnvironmentProbe::databaseSql()
{
    return QStringLiteral(
               "select current_setting('server_version') as version,"
               " extract(epoch from now() - pg_postmaster_start_time())::bigint as uptime,"
               " pg_database_size(current_database()) as size, ") +
           connectionsInUseSql() + QStringLiteral(" as connections, ") + connectionsAvailableSql() +
           QStringLiteral(" as max_connections");
}

EnvironmentProbe::EnvironmentProbe(EnvironmentContext &context, QObject *parent)
    : QObject(parent)
    , m_environmentName(context.name())
    , m_pool(context.sshPool())
    , m_databaseSpec(context.environment().database)
    , m_session(context.monitoringSession())
{
    for (const QString &name : context.environment().hosts) {
        HostStatus status;
        status.name = name;
        if (SshClient *client = m_pool->client(name)) {
            status.address = client->endpoint().displayAddress();
            status.via = client->jump() ? client->jump()->endpoint().name : QString();
        }
        m_hosts << status;
    }
    if (m_databaseSpec) {
        m_database.state = DatabaseStatus::State::Unknown;
        m_database.via = m_databaseSpec->tunnel;
    }
}

EnvironmentProbe::~EnvironmentProbe() = default;

void EnvironmentProbe::refresh()
{
    if (m_pending > 0)
        return; // the previous round is still out; do not pile up behind a dead host
    // Read here, not in the constructor: it loads libpq (about 10 ms), which a pane built before
    // the window's first paint should not wait for.
    if (m_databaseSpec && m_database.target.isEmpty())
        if (const Result<PgTarget> t = PgConnection::target(m_databaseSpec->conninfo))
            m_database.target =
                QStringLiteral("%1:%2/%3").arg(t->host).arg(t->port).arg(t->database);
    m_pending = int(m_hosts.size()) + (m_databaseSpec ? 1 : 0);
    if (m_pending == 0) {
        m_completedOnce = true;
        emit refreshFinished();
        return;
    }
    for (int row = 0; row < m_hosts.size(); ++row)
        probeHost(row);
    if (m_databaseSpec)
        probeDatabase();
}

void EnvironmentProbe::probeHost(int row)
{
    SshClient *client = m_pool->client(m_hosts[row].name);
    if (m_hosts[row].state == HostStatus::State::Unknown) {
        m_hosts[row].state = HostStatus::State::Checking;
        emit hostChanged(row);
    }
    SshExec *job = client->exec(QString::fromLatin1(hostProbeCommand()), this);
    m_inFlight << job;
    connect(job, &SshExec::finished, this, [this, row, job, client](int exitStatus) {
        HostStatus &h = m_hosts[row];
        h.checkedAt = QDateTime::currentDateTime();
        h.hostKey = client->hostKey();
        const std::optional<HostMetrics> metrics = parseHostProbe(job->capturedStdout());
        if (exitStatus >= 0 && metrics) {
            h.state = HostStatus::State::Up;
            h.metrics = metrics;
            h.error.clear();
        } else if (exitStatus >= 0) {
            h.state = HostStatus::State::Up; // reachable, but not a Linux we can read
            h.metrics.reset();
            h.error = QStringLiteral("connected, but could not read load and disk");
        } else {
            h.state = HostStatus::State::Down;
            h.metrics.reset();
            h.error = job->errorString();
        }
        m_inFlight.removeAll(job);
        job->deleteLater();
        emit hostChanged(row);
        checkFinished();
    });
}

void EnvironmentProbe::probeDatabase()
{
    if (m_database.state == DatabaseStatus::State::Unknown) {
        m_database.state = DatabaseStatus::State::Checking;
        emit databaseChanged();
    }
    m_session->whenReady(this, [this](PgConnection *pg, const QString &error) {
        pg ? queryDatabase(pg) : finishDatabase(DatabaseStatus::State::Down, error);
    });
}

void EnvironmentProbe::queryDatabase(PgConnection *pg)
{
    onFinished(pg->query(databaseSql()), this, [this](const Result<PgResultSet> &r) {
        if (!r) {
            // `pg` may be gone by now (a reconnect replaces it): ask the session.
            PgConnection *current = m_session->connection();
            if (current && current->state() != PgConnection::State::Connected)
                m_session->reportLost(r.errorString()); // reconnect on the next refresh
            finishDatabase(DatabaseStatus::State::Down, r.errorString());
            return;
        }
        m_database.version = r->value(0, QStringLiteral("version")).toString();
        m_database.uptimeSeconds = r->value(0, QStringLiteral("uptime")).toLongLong();
        m_database.sizeBytes = r->value(0, QStringLiteral("size")).toLongLong();
        m_database.connections = r->value(0, QStringLiteral("connections")).toInt();
        m_database.maxConnections = r->value(0, QStringLiteral("max_connections")).toInt();
        finishDatabase(DatabaseStatus::State::Up, QString());
    });
}

void EnvironmentProbe::finishDatabase(DatabaseStatus::State state, const QString &error)
{
    m_database.state = state;
    m_database.error = error;
    m_database.checkedAt = QDateTime::currentDateTime();
    emit databaseChanged();
    checkFinished();
}

void EnvironmentProbe::checkFinished()
{
    if (--m_pending > 0)
        return;
    m_pending = 0;
    m_completedOnce = true;
    emit refreshFinished();
}

} // namespace Opsdeck
