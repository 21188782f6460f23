// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "pg/pgtypes.h"
#include "pgtools.h"
#include "workspace/workspace.h"

#include <QObject>
#include <QProcessEnvironment>

#include <functional>
#include <memory>

namespace Opsdeck {

class PgConnection;
class SshPool;

/**
 * An environment's database server as the backup tools reach it: the workspace's tunnel
 * opened once (its local port serves pg_dump, pg_restore, psql and Opsdeck's own sessions
 * alike), and conninfo for any database on that server.
 */
class DatabaseEndpoint final : public QObject
{
    Q_OBJECT

public:
    DatabaseEndpoint(DatabaseSpec spec, SshPool *pool, QObject *parent = nullptr);

    /** Opens the tunnel when the workspace names one; `ready` once, on this object's thread. */
    void open(std::function<void(const Status &)> ready);

    /** The database the workspace names ("minitwit_prod"). */
    QString database() const;
    /** "127.0.0.1:5432 via bastion": for messages and manifests. */
    QString describe() const;
    /** Conninfo (and password) for a tool on `database` (default: the workspace's). */
    Result<ToolConnection> tool(const QString &database = {}) const;
    /** The environment a tool runs in: PGPASSWORD when the conninfo has one, no PGSERVICE
     * or PGOPTIONS from the user's shell changing what the tool connects to. */
    QProcessEnvironment toolEnvironment(const ToolConnection &connection) const;
    /** A session on `database` (default: the workspace's), not yet opened. */
    std::unique_ptr<PgConnection> session(const PgSessionSettings &settings,
                                          const QString &database = {}) const;

private:
    DatabaseSpec m_spec;
    SshPool *m_pool;
    quint16 m_tunnelPort = 0;
};

} // namespace Opsdeck
