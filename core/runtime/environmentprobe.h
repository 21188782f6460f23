// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hostprobe.h"
#include "ssh/hostkey.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>

namespace Opsdeck {

class DatabaseSession;
class EnvironmentContext;
class PgConnection;
class SshExec;
class SshPool;

struct HostStatus
{
    enum class State { Unknown, Checking, Up, Down };

    QString name;
    QString address; // user@address:port
    QString via;     // jump host name, or empty
    State state = State::Unknown;
    HostKeyInfo hostKey;
    std::optional<HostMetrics> metrics;
    QString error;
    QDateTime checkedAt;
};

struct DatabaseStatus
{
    enum class State { None, Unknown, Checking, Up, Down };

    State state = State::None;
    QString target; // host:port/dbname
    QString via;    // tunnel host, or empty
    QString version;
    qint64 uptimeSeconds = 0;
    qint64 sizeBytes = 0;
    int connections = 0;
    int maxConnections = 0;
    QString error;
    QDateTime checkedAt;
};

/**
 * The environment overview's data: every host's SSH reachability, verified key, load and disk,
 * and the database's basics. refresh() returns at once; results arrive through signals, each
 * host independently, so one dead host never holds up the others.
 */
class EnvironmentProbe final : public QObject
{
    Q_OBJECT

public:
    /** Reads the database through the context's monitoring session. */
    explicit EnvironmentProbe(EnvironmentContext &context, QObject *parent = nullptr);
    ~EnvironmentProbe() override;

    /** One row: version, uptime, size, connections and max_connections (as Database health). */
    static QString databaseSql();

    const QString &environmentName() const { return m_environmentName; }
    const QList<HostStatus> &hosts() const { return m_hosts; }
    const DatabaseStatus &database() const { return m_database; }
    /** True once every host and the database have answered (or failed) at least once. */
    bool hasCompletedOnce() const { return m_completedOnce; }
    /** A round is out (a refresh now would be skipped). */
    bool isRefreshing() const { return m_pending > 0; }

    void refresh();

signals:
    void hostChanged(int row);
    void databaseChanged();
    void refreshFinished();

private:
    void probeHost(int row);
    void probeDatabase();
    void queryDatabase(PgConnection *pg);
    void finishDatabase(DatabaseStatus::State state, const QString &error);
    void checkFinished();

    QString m_environmentName;
    SshPool *m_pool;
    std::optional<DatabaseSpec> m_databaseSpec;
    QList<HostStatus> m_hosts;
    QList<QPointer<SshExec>> m_inFlight;
    DatabaseStatus m_database;
    DatabaseSession *m_session; // the environment's monitoring session: tunnel, reconnect
    int m_pending = 0;
    bool m_completedOnce = false;
};

} // namespace Opsdeck
