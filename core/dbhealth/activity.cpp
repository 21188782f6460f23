// SPDX-License-Identifier: GPL-3.0-or-later
#include "activity.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <functional>

namespace Opsdeck {

QString activitySql(bool includeIdle)
{
    const QString idleFilter =
        includeIdle ? QString() : QStringLiteral(" and state is distinct from 'idle'");
    return QStringLiteral("/* opsdeck:activity */ select pid, backend_start, usename, datname, "
                          "application_name,"
                          " coalesce(host(client_addr), case when client_port = -1 then 'local' "
                          "end, '') as client,"
                          " coalesce(state, '') as state,"
                          " coalesce(wait_event_type || ': ' || wait_event, '') as wait_event,"
                          " array_to_string(pg_blocking_pids(pid), ',') as blocked_by,"
                          " extract(epoch from now() - xact_start)::float8 as xact_seconds,"
                          " extract(epoch from now() - query_start)::float8 as query_seconds,"
                          " backend_type, coalesce(query, '') as query"
                          " from pg_stat_activity where pid <> pg_backend_pid()") +
           idleFilter +
           QStringLiteral(" order by backend_type <> 'client backend', query_start nulls last");
}

QList<ActivityRow> activityRows(const PgResultSet &set)
{
    QList<ActivityRow> rows;
    rows.reserve(set.rowCount());
    for (int r = 0; r < set.rowCount(); ++r) {
        ActivityRow a;
        a.pid = set.value(r, QStringLiteral("pid")).toInt();
        a.backendStartText = set.value(r, QStringLiteral("backend_start")).toString();
        a.user = set.value(r, QStringLiteral("usename")).toString();
        a.database = set.value(r, QStringLiteral("datname")).toString();
        a.application = set.value(r, QStringLiteral("application_name")).toString();
        a.client = set.value(r, QStringLiteral("client")).toString();
        a.state = set.value(r, QStringLiteral("state")).toString();
        a.waitEvent = set.value(r, QStringLiteral("wait_event")).toString();
        for (const QString &pid : set.value(r, QStringLiteral("blocked_by"))
                                      .toString()
                                      .split(QLatin1Char(','), Qt::SkipEmptyParts))
            a.blockedBy << pid.toInt();
        const QVariant xact = set.value(r, QStringLiteral("xact_seconds"));
        const QVariant query = set.value(r, QStringLiteral("query_seconds"));
        a.transactionSeconds = xact.isNull() ? -1 : xact.toDouble();
        a.querySeconds = query.isNull() ? -1 : query.toDouble();
        a.backendType = set.value(r, QStringLiteral("backend_type")).toString();
        a.query = set.value(r, QStringLiteral("query")).toString();
        rows << a;
    }
    return rows;
}

QList<LockTreeNode> lockTree(const QList<ActivityRow> &rows)
{
    QHash<int, const ActivityRow *> byPid;
    QMap<int, QList<int>> waiters; // ordered, so the tree reads the same on every refresh
    for (const ActivityRow &r : rows) {
        byPid.insert(r.pid, &r);
        for (int blocker : r.blockedBy)
            waiters[blocker] << r.pid;
    }
    QList<LockTreeNode> tree;
    std::function<void(int, int, QSet<int> &)> add = [&](int pid, int depth, QSet<int> &seen) {
        tree << LockTreeNode{pid, depth, byPid.value(pid)};
        if (seen.contains(pid))
            return;
        seen.insert(pid);
        for (int waiter : waiters.value(pid))
            add(waiter, depth + 1, seen);
    };
    for (auto it = waiters.cbegin(); it != waiters.cend(); ++it) {
        const ActivityRow *r = byPid.value(it.key());
        if (r && !r->blockedBy.isEmpty())
            continue; // not a root: it shows up under its own blocker
        QSet<int> seen;
        add(it.key(), 0, seen);
    }
    return tree;
}

int waitingCount(const QList<ActivityRow> &rows)
{
    return int(std::count_if(rows.cbegin(), rows.cend(),
                             [](const ActivityRow &r) { return !r.blockedBy.isEmpty(); }));
}

} // namespace Opsdeck
