// SPDX-License-Identifier: GPL-3.0-or-later
#include "databaseendpoint.h"

#include "common/futures.h"
#include "pg/pgconnection.h"
#include "runtime/sshpool.h"
#include "ssh/sshclient.h"

namespace Opsdeck {

DatabaseEndpoint::DatabaseEndpoint(DatabaseSpec spec, SshPool *pool, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_pool(pool)
{}

void DatabaseEndpoint::open(std::function<void(const Status &)> ready)
{
    if (m_spec.tunnel.isEmpty() || m_tunnelPort) {
        ready(success());
        return;
    }
    const Result<PgTarget> target = PgConnection::target(m_spec.conninfo);
    SshClient *via = m_pool ? m_pool->client(m_spec.tunnel) : nullptr;
    if (!target || !via) {
        ready(Status::failure(target ? QStringLiteral("unknown tunnel host %1").arg(m_spec.tunnel)
                                     : target.errorString()));
        return;
    }
    onFinished(
        via->openTunnel(target->host, target->port), this,
        [this, ready](const Result<quint16> &port) {
            if (!port) {
                ready(Status::failure(
                    QStringLiteral("tunnel via %1: %2").arg(m_spec.tunnel, port.errorString())));
                return;
            }
            m_tunnelPort = *port;
            ready(success());
        });
}

QString DatabaseEndpoint::database() const
{
    const Result<PgTarget> target = PgConnection::target(m_spec.conninfo);
    return target ? target->database : QString();
}

QString DatabaseEndpoint::describe() const
{
    const Result<PgTarget> target = PgConnection::target(m_spec.conninfo);
    if (!target)
        return QString();
    const QString server = QStringLiteral("%1:%2").arg(target->host).arg(target->port);
    return m_spec.tunnel.isEmpty() ? server : server + QStringLiteral(" via ") + m_spec.tunnel;
}

Result<ToolConnection> DatabaseEndpoint::tool(const QString &database) const
{
    return toolConnection(m_spec.conninfo, m_tunnelPort, database,
                          QStringLiteral("opsdeck-backup"));
}

QProcessEnvironment DatabaseEndpoint::toolEnvironment(const ToolConnection &connection) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys())
        if (name.startsWith(QLatin1String("PG")))
            env.remove(name);
    if (!connection.password.isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), QString::fromUtf8(connection.password));
    env.insert(QStringLiteral("LC_MESSAGES"), QStringLiteral("C")); // progress is parsed
    return env;
}

std::unique_ptr<PgConnection> DatabaseEndpoint::session(const PgSessionSettings &settings,
                                                        const QString &database) const
{
    QString conninfo = m_spec.conninfo;
    if (!database.isEmpty()) {
        // The tool form names the other database; the password travels with it here (a
        // session's conninfo never leaves the process).
        const Result<ToolConnection> other =
            toolConnection(m_spec.conninfo, 0, database, settings.applicationName);
        if (other) {
            conninfo = other->conninfo;
            if (!other->password.isEmpty())
                conninfo += QStringLiteral(" password='%1'")
                                .arg(QString::fromUtf8(other->password)
                                         .replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                                         .replace(QLatin1Char('\''), QStringLiteral("\\'")));
        }
    }
    auto connection = std::make_unique<PgConnection>(conninfo, settings);
    if (m_tunnelPort)
        connection->setTunnelPort(m_tunnelPort);
    return connection;
}

} // namespace Opsdeck
