// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbhealth/dboverview.h"

#include <QList>
#include <QString>
#include <optional>

namespace Opsdeck {

/** One server of an environment's database as its own session last sampled it. */
struct ServerSample
{
    QString name;                         // "primary", or the replica's name in the workspace
    std::optional<OverviewSample> sample; // none: not connected (yet)
    QString error;                        // why not, when known
};

/** One line of the Replication view: a server beside the others, in one vocabulary. */
struct ServerRow
{
    QString name;
    QString role;        // primary, standby, or what is wrong with it
    QString behind;      // WAL the primary has and it has not replayed, as the primary counts
    QString replayLag;   // pg_stat_replication.replay_lag
    QString notReplayed; // received there, not replayed
    QString replay;      // replaying, PAUSED, -
    QString sessions;    // "3 of 97, 1 active"
    QString conflicts;   // queries cancelled by recovery since the stats reset
    Verdict verdict = Verdict::Ok;
    QString why;
};

/**
 * The primary and each replica side by side. A replica is matched with the primary's
 * pg_stat_replication row by name (its application_name, which the demo sets to cluster_name);
 * a standby the primary streams to that the workspace does not list gets a row of its own.
 */
QList<ServerRow> serverRows(const ServerSample &primary, const QList<ServerSample> &replicas);

} // namespace Opsdeck
