// SPDX-License-Identifier: GPL-3.0-or-later
#include "replication.h"

#include "common/formatting.h"

namespace Opsdeck {

namespace {

constexpr qint64 kWarnBytes = 16 << 20; // the replication checks' warn_mb default
constexpr double kWarnLagSeconds = 5;   // ... and warn_seconds
const QString kNone = QStringLiteral("-");

QString sessionsText(const OverviewSample &s)
{
    return QStringLiteral("%1 of %2, %3 active")
        .arg(s.connections)
        .arg(s.maxConnections)
        .arg(s.active);
}

/** Fills what the primary knows of a standby: bytes behind, replay lag, its state. */
void applyPrimaryView(ServerRow &row, const StandbyRow &standby)
{
    row.behind = formatBytes(standby.behindBytes);
    row.replayLag = formatAge(standby.lagSeconds);
    row.notReplayed = formatBytes(standby.notReplayedBytes);
    if (standby.state != QLatin1String("streaming")) {
        row.verdict = std::max(row.verdict, Verdict::Warning);
        row.why = QStringLiteral("the primary sees it %1, not streaming").arg(standby.state);
    } else if (standby.behindBytes > kWarnBytes || standby.lagSeconds > kWarnLagSeconds) {
        row.verdict = std::max(row.verdict, Verdict::Warning);
        row.why =
            QStringLiteral("%1 behind the primary, replay lag %2").arg(row.behind, row.replayLag);
    }
}

/** Fills what the standby says of itself: replay paused, receiver, sessions, conflicts. */
void applyOwnView(ServerRow &row, const OverviewSample &s)
{
    row.sessions = sessionsText(s);
    if (!s.inRecovery) {
        row.role = QStringLiteral("primary (promoted?)");
        row.verdict = Verdict::Critical;
        row.why = QStringLiteral("not in recovery: it takes writes of its own");
        return;
    }
    row.role = QStringLiteral("standby");
    row.conflicts = QString::number(s.conflicts);
    row.notReplayed = formatBytes(s.notReplayedBytes);
    const bool paused = !s.replayPause.isEmpty() && s.replayPause != QLatin1String("not paused");
    row.replay = paused ? QStringLiteral("PAUSED") : QStringLiteral("replaying");
    if (s.receiverStatus != QLatin1String("streaming")) {
        row.verdict = Verdict::Critical;
        row.why = s.receiverStatus.isEmpty()
                      ? QStringLiteral("no WAL receiver: it is not streaming from a primary")
                      : QStringLiteral("WAL receiver %1").arg(s.receiverStatus);
    } else if (paused) {
        row.verdict = std::max(row.verdict, Verdict::Warning);
        row.why = QStringLiteral("replay paused, %1 waiting: select pg_wal_replay_resume() there")
                      .arg(formatBytes(s.notReplayedBytes));
    } else if (row.verdict == Verdict::Ok) {
        row.why = s.replayAgeSeconds < 0
                      ? QStringLiteral("streaming; nothing replayed since it started")
                      : QStringLiteral("streaming; last replayed commit %1 ago")
                            .arg(formatAge(s.replayAgeSeconds));
    }
    if (s.notReplayedBytes > kWarnBytes && !paused && row.verdict != Verdict::Critical) {
        row.verdict = std::max(row.verdict, Verdict::Warning);
        row.why = QStringLiteral("%1 received and not replayed: replay is stuck behind a query "
                                 "or cannot keep up")
                      .arg(formatBytes(s.notReplayedBytes));
    }
}

ServerRow primaryRow(const ServerSample &primary)
{
    ServerRow row{primary.name, QStringLiteral("primary"),
                  kNone,        kNone,
                  kNone,        kNone,
                  kNone,        kNone,
                  Verdict::Ok,  {}};
    if (!primary.sample) {
        row.role = QStringLiteral("not connected");
        row.verdict = Verdict::Critical;
        row.why = primary.error;
        return row;
    }
    const OverviewSample &s = *primary.sample;
    row.sessions = sessionsText(s);
    if (s.inRecovery) {
        row.role = QStringLiteral("standby");
        row.verdict = Verdict::Warning;
        row.why = QStringLiteral("the environment's database is in recovery: writes fail there");
    } else {
        row.why = countOf(int(s.standbyRows.size()), QStringLiteral("standby streams"),
                          QStringLiteral("standbys stream")) +
                  QStringLiteral(" from it");
    }
    return row;
}

} // namespace

QList<ServerRow> serverRows(const ServerSample &primary, const QList<ServerSample> &replicas)
{
    QList<ServerRow> rows{primaryRow(primary)};
    const QList<StandbyRow> streaming =
        primary.sample ? primary.sample->standbyRows : QList<StandbyRow>();
    QStringList matched;
    for (const ServerSample &replica : replicas) {
        ServerRow row{replica.name, QStringLiteral("standby"),
                      kNone,        kNone,
                      kNone,        kNone,
                      kNone,        kNone,
                      Verdict::Ok,  {}};
        const auto seen = std::find_if(streaming.cbegin(), streaming.cend(),
                                       [&](const StandbyRow &s) { return s.name == replica.name; });
        if (seen != streaming.cend()) {
            applyPrimaryView(row, *seen);
            matched << seen->name;
        }
        if (!replica.sample && replica.error.isEmpty()) {
            row.role = QStringLiteral("connecting…"); // its first answer is on its way
        } else if (!replica.sample) {
            row.role = QStringLiteral("not connected");
            row.verdict = Verdict::Critical;
            row.why = replica.error;
        } else {
            applyOwnView(row, *replica.sample);
            if (seen == streaming.cend() && primary.sample && row.verdict == Verdict::Ok) {
                row.verdict = Verdict::Warning;
                row.why = QStringLiteral("the primary streams to no standby named %1 (its "
                                         "application_name): lag unknown")
                              .arg(replica.name);
            }
        }
        rows << row;
    }
    for (const StandbyRow &standby : streaming) {
        if (matched.contains(standby.name))
            continue;
        ServerRow row{standby.name,
                      QStringLiteral("standby, not in the workspace"),
                      kNone,
                      kNone,
                      kNone,
                      kNone,
                      kNone,
                      kNone,
                      Verdict::Ok,
                      QStringLiteral("list it under database.replicas: to watch "
                                     "its sessions, replay and conflicts")};
        applyPrimaryView(row, standby);
        rows << row;
    }
    return rows;
}

} // namespace Opsdeck
