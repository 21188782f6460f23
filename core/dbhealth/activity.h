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

} // namespace Opsdeck
