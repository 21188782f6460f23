// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pg/pgtypes.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace Opsdeck {

/** One backend as pg_activity shows it (one row of pg_stat_activity plus who blocks it). */
struct ActivityRow
{
    int pid = 0;
    QString
        backendStartText; // exact server text: with pid, identifies the backend (PID-reuse guard)
    QString user;
    QString database;
    QString application;
    QString client;
    QString state;
    QString waitEvent; // "Lock: relation", "Client: ClientRead", ...
    QList<int> blockedBy;
    double transactionSeconds = -1; // -1 when not in a transaction
    double querySeconds = -1;
    QString backendType;
    QString query;
    QString environment; // the workspace environment owning `database`, when shown cluster-wide
};

/**
 * The activity query: one round trip, cheap at any table count (O(backends)). Without idle
 * sessions (pg_activity's default) it transfers only what is doing something, which is what
 * matters with hundreds of pooled connections.
 */
QString activitySql(bool includeIdle = true);
QList<ActivityRow> activityRows(const PgResultSet &set);

/** One backend in the lock tree: a root blocker (waits for nobody) or a waiter below one. */
struct LockTreeNode
{
    int pid = 0;
    int depth = 0;                    // 0 for a root blocker
    const ActivityRow *row = nullptr; // null when the blocker is not among the rows shown
};

/**
 * Who blocks whom, from pg_blocking_pids: the roots first, each followed depth-first by the
 * sessions waiting on it. A waiter blocked by two sessions appears under both; cycles
 * (deadlocks the server is about to resolve) are cut. The pointers point into `rows`.
 */
QList<LockTreeNode> lockTree(const QList<ActivityRow> &rows);
int waitingCount(const QList<ActivityRow> &rows);

} // namespace Opsdeck
