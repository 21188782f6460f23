// SPDX-License-Identifier: GPL-3.0-or-later
#include "pulselines.h"

#include "common/formatting.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>

namespace Opsdeck {

namespace {

using Level = PulseLine::Level;

/** "web1", "web1 and web2", "web1, web2 and web3" */
QString joinNames(const QStringList &names)
{
    if (names.size() <= 1)
        return names.value(0);
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") +
           names.last();
}

QStringList checkTitles(const HealthReport &report, Verdict verdict)
{
    QStringList titles;
    for (const CheckResult &check : report.checks)
        if (check.verdict == verdict)
            titles << check.title;
    return titles;
}

QString connectionsText(const DatabaseStatus &database)
{
    return database.maxConnections > 0 ? QStringLiteral("%1 of %2 connections in use")
                                             .arg(database.connections)
                                             .arg(database.maxConnections)
                                       : QString();
}

bool connectionsNearlyFull(const DatabaseStatus &database)
{
    return database.maxConnections > 0 && database.connections * 10 >= database.maxConnections * 8;
}

/** The ref a release was deployed from, else the release's own name. */
QString refOf(const EnvironmentDeployState &state, const QString &release)
{
    if (release.isEmpty())
        return QStringLiteral("nothing deployed");
    const HistoryEntry *deploy = state.deployOf(release);
    return deploy && !deploy->ref.isEmpty() ? deploy->ref
                                            : QStringLiteral("release %1").arg(release);
}

/** A few names, then how many more: "a, b, c and 4 more". */
QString someOf(const QStringList &names)
{
    constexpr int kShown = 3;
    if (names.size() <= kShown)
        return names.join(QStringLiteral(", "));
    return QStringLiteral("%1 and %2 more")
        .arg(names.mid(0, kShown).join(QStringLiteral(", ")))
        .arg(names.size() - kShown);
}

/**
 * "1 migration only in staging": one database ahead of another is how a release moves through
 * environments, so it is said (with the names in the details), not raised as a warning.
 */
QString migrationsDriftText(const QString &environment, const QString &other,
                            const MigrationDrift &drift, QStringList &details)
{
    if (drift.onlyHere.isEmpty() && drift.onlyThere.isEmpty())
        return QStringLiteral("migrations same");
    QStringList parts;
    // `names` applied in `from` and not in `to`, said as `sentence` ("%1 only in %2").
    const auto side = [&](const QStringList &names, const QString &from, const QString &to,
                          const QString &sentence) {
        if (names.isEmpty())
            return;
        parts << sentence.arg(
            countOf(int(names.size()), QStringLiteral("migration"), QStringLiteral("migrations")),
            other);
        details << QStringLiteral("applied in %1, not in %2: %3").arg(from, to, someOf(names));
    };
    side(drift.onlyThere, other, environment, QStringLiteral("%1 only in %2"));
    side(drift.onlyHere, environment, other, QStringLiteral("%1 not in %2"));
    return parts.join(QStringLiteral(", "));
}

QString verbOf(const QString &action)
{
    if (action == QLatin1String("deploy"))
        return QStringLiteral("deployed");
    if (action == QLatin1String("rollback"))
        return QStringLiteral("rolled back to");
    return action;
}

struct Event
{
    QDateTime at;
    QString text;
};

} // namespace

PulseLine hostsPulse(const QList<HostStatus> &hosts)
{
    PulseLine line{QStringLiteral("hosts"), QStringLiteral("Hosts"), Level::Checking, {}, {}, {}};
    if (hosts.isEmpty()) {
        line.level = Level::Unknown;
        line.summary = QStringLiteral("This environment lists no hosts.");
        return line;
    }
    int up = 0, answered = 0;
    for (const HostStatus &h : hosts) {
        up += h.state == HostStatus::State::Up;
        if (h.state == HostStatus::State::Down) {
            line.details << QStringLiteral("%1: %2").arg(h.name, h.error);
        }
        answered += h.state == HostStatus::State::Up || h.state == HostStatus::State::Down;
    }
    line.summary = QStringLiteral("%1 of %2 up")
                       .arg(up)
                       .arg(countOf(hosts.size(), QStringLiteral("host"), QStringLiteral("hosts")));
    if (answered < hosts.size() && line.details.isEmpty()) {
        line.summary += QStringLiteral(" (asking %1 more…)").arg(hosts.size() - answered);
        return line;
    }
    line.level = up == hosts.size() ? Level::Good : Level::Critical;
    return line;
}

PulseLine databasePulse(const DatabaseStatus &database, const HealthReport *report,
                        const QString &checksError)
{
    PulseLine line{QStringLiteral("database"), QStringLiteral("Database"), Level::Checking, {}, {},
                   QStringLiteral("dbhealth")};
    switch (database.state) {
    case DatabaseStatus::State::None:
        line.level = Level::Unknown;
        line.summary = QStringLiteral("No database in the workspace for this environment.");
        line.pane.clear();
        return line;
    case DatabaseStatus::State::Down:
        line.level = Level::Critical;
        line.summary = QStringLiteral("Unreachable: %1").arg(database.error);
        return line;
    case DatabaseStatus::State::Up:
        break;
    default:
        line.summary = QStringLiteral("Connecting…");
        return line;
    }
    QStringList parts;
    const QString connections = connectionsText(database);
    if (!report) {
        parts << (checksError.isEmpty()
                      ? QStringLiteral("running the checks…")
                      : QStringLiteral("checks could not run: %1").arg(checksError));
        if (!connections.isEmpty())
            parts << connections;
        line.summary = parts.join(QStringLiteral(" · "));
        line.level = connectionsNearlyFull(database) ? Level::Warning : Level::Checking;
        return line;
    }
    const QStringList critical = checkTitles(*report, Verdict::Critical);
    const QStringList warnings = checkTitles(*report, Verdict::Warning);
    if (!critical.isEmpty())
        parts << countOf(critical.size(), QStringLiteral("critical check"),
                         QStringLiteral("critical checks"));
    if (!warnings.isEmpty())
        parts << countOf(warnings.size(), QStringLiteral("warning"), QStringLiteral("warnings"));
    if (critical.isEmpty() && warnings.isEmpty())
        parts << QStringLiteral("all %1 passed")
                     .arg(report->checks.size() - report->count(Verdict::Skipped) -
                          report->count(Verdict::NotRun));
    if (!connections.isEmpty())
        parts << connections;
    line.summary = parts.join(QStringLiteral(" · "));
    for (const QString &title : critical)
        line.details << QStringLiteral("critical: %1").arg(title);
    for (const QString &title : warnings)
        line.details << QStringLiteral("warning: %1").arg(title);
    // A page of lines, not a wall: the pane behind it has them all.
    constexpr qsizetype kMaxDetails = 5;
    if (line.details.size() > kMaxDetails) {
        const qsizetype more = line.details.size() - (kMaxDetails - 1);
        line.details.resize(kMaxDetails - 1);
        line.details << QStringLiteral("… and %1 more").arg(more);
    }
    line.level = !critical.isEmpty()                                      ? Level::Critical
                 : !warnings.isEmpty() || connectionsNearlyFull(database) ? Level::Warning
                                                                          : Level::Good;
    return line;
}

PulseLine servicesPulse(const Result<SwarmStatus> &status)
{
    PulseLine line{QStringLiteral("services"), QStringLiteral("Services"), Level::Good, {}, {},
                   QStringLiteral("deploy")};
    if (!status) {
        line.level = Level::Critical;
        line.summary = status.errorString();
        return line;
    }
    if (status->services.isEmpty()) {
        line.level = Level::Warning;
        line.summary = QStringLiteral("no services of %1").arg(status->stack);
        return line;
    }
    // A compose project's services are its containers (composeStatusOf marks them).
    const bool compose = status->services.first().mode == QLatin1String("compose");
    QStringList short_, images, updates;
    int failed = 0;
    for (const SwarmService &s : status->services) {
        if (!images.contains(s.image))
            images << s.image;
        failed += s.restartsLastHour;
        if (s.running < s.desired)
            short_ << QStringLiteral("%1 %2/%3").arg(s.name).arg(s.running).arg(s.desired);
        // A paused or rolled-back update is worth a look even when every replica runs.
        if (s.updateState == QLatin1String("paused") ||
            s.updateState.startsWith(QLatin1String("rollback"))) {
            updates << QStringLiteral("%1 %2").arg(s.name, s.updateState);
            line.details << QStringLiteral("%1: update %2 %3")
                                .arg(s.name, s.updateState, s.updateMessage)
                                .trimmed();
        }
        for (const SwarmTask &t : s.tasks)
            if (t.failed() && line.details.size() < 5)
                line.details << QStringLiteral("%1.%2 on %3: %4")
                                    .arg(s.name)
                                    .arg(t.slot)
                                    .arg(t.node, t.error);
    }
    QStringList parts{(compose ? QStringLiteral("%1/%2 containers running")
                               : QStringLiteral("%1/%2 replicas running"))
                          .arg(status->running())
                          .arg(status->desired())};
    parts << joinNames(images);
    if (!short_.isEmpty())
        parts << QStringLiteral("short: %1").arg(joinNames(short_));
    if (!updates.isEmpty())
        parts << joinNames(updates);
    if (failed > 0)
        parts << countOf(failed, QStringLiteral("task"), QStringLiteral("tasks")) +
                     QStringLiteral(" failed in the last hour");
    if (!short_.isEmpty() || !updates.isEmpty() || failed > 0)
        line.level = Level::Warning;
    line.summary = parts.join(QStringLiteral(" · "));
    return line;
}

PulseLine deployPulse(const EnvironmentDeployState &state, const QDateTime &now)
{
    PulseLine line{QStringLiteral("deploy"), QStringLiteral("Deployed"), Level::Good, {}, {},
                   QStringLiteral("deploy")};
    // Hosts grouped by what they run, in workspace order: "v1 on web1 and web2".
    QMap<QString, QStringList> hostsByRef;
    QStringList refOrder, unreachable;
    for (const HostDeployState &host : state.hosts) {
        if (!host.error.isEmpty()) {
            unreachable << host.host;
            line.details << QStringLiteral("%1: %2").arg(host.host, host.error);
            continue;
        }
        const QString ref = refOf(state, host.current);
        if (!hostsByRef.contains(ref))
            refOrder << ref;
        hostsByRef[ref] << host.host;
    }
    QStringList groups;
    for (const QString &ref : refOrder)
        groups << QStringLiteral("%1 on %2").arg(ref, joinNames(hostsByRef.value(ref)));
    QStringList parts;
    if (groups.isEmpty())
        parts << (unreachable.isEmpty()
                      ? QStringLiteral("no hosts to ask")
                      : QStringLiteral("could not ask %1").arg(joinNames(unreachable)));
    else
        parts << (groups.size() > 1 ? QStringLiteral("hosts differ: ") : QString()) +
                     groups.join(QStringLiteral("; "));
    if (groups.size() > 1 || !unreachable.isEmpty())
        line.level = Level::Warning;

    if (!state.history.isEmpty()) {
        const HistoryEntry &last = state.history.first();
        const QString who =
            last.user.isEmpty() ? QString() : QStringLiteral(" by %1").arg(last.user);
        if (last.result == HistoryEntry::Result::Succeeded)
            parts << QStringLiteral("%1 %2%3").arg(verbOf(last.action), formatAgo(last.time, now),
                                                   who);
        else {
            parts << QStringLiteral("last %1 of %2 %3 %4%5")
                         .arg(last.action, last.ref, resultLabel(last.result),
                              formatAgo(last.time, now), who);
            if (last.result != HistoryEntry::Result::Running)
                line.level = Level::Warning;
            if (!last.message.isEmpty())
                line.details.prepend(last.message);
        }
    }
    if (state.lock) {
        parts << QStringLiteral("locked by %1").arg(state.lock->describe());
        line.level = std::max(line.level, Level::Warning);
    }
    line.summary = parts.join(QStringLiteral(" · "));
    return line;
}

int flagsDiffering(const QList<FlagState> &mine, const QList<FlagState> &theirs)
{
    QHash<QString, const FlagState *> other;
    for (const FlagState &flag : theirs)
        other.insert(flagKey(flag), &flag);
    int differing = 0;
    for (const FlagState &flag : mine) {
        const FlagState *match = other.take(flagKey(flag));
        differing += !match || !flag.sameBehaviour(*match);
    }
    return differing + int(other.size()); // theirs only
}

MigrationDrift migrationDrift(const QStringList &mine, const QStringList &theirs)
{
    const QSet<QString> here(mine.begin(), mine.end());
    const QSet<QString> there(theirs.begin(), theirs.end());
    MigrationDrift drift;
    for (const QString &name : mine)
        if (!there.contains(name))
            drift.onlyHere << name;
    for (const QString &name : theirs)
        if (!here.contains(name))
            drift.onlyThere << name;
    return drift;
}

PulseLine driftPulse(const QString &environment, const QList<DriftAgainst> &others)
{
    PulseLine line{QStringLiteral("drift"), QStringLiteral("Drift"), Level::Good, {}, {},
                   QStringLiteral("config")};
    if (others.isEmpty()) {
        line.level = Level::Unknown;
        line.summary = QStringLiteral("No other environment to compare with.");
        return line;
    }
    QStringList parts;
    bool pending = false;
    for (const DriftAgainst &other : others) {
        QStringList against;
        if (other.config) {
            int missingHere = 0, missingThere = 0, differ = 0, inconsistent = 0;
            for (const DriftRow &row : *other.config) {
                const bool here = row.cells.value(0).has_value();
                const bool there = row.cells.value(1).has_value();
                missingHere += !here && there;
                missingThere += here && !there;
                differ += row.state == DriftRow::State::Differs;
                inconsistent += row.inconsistent.contains(environment);
            }
            QStringList config;
            if (missingHere)
                config << QStringLiteral("%1 only in %2")
                              .arg(countOf(missingHere, QStringLiteral("key"),
                                           QStringLiteral("keys")),
                                   other.environment);
            if (missingThere)
                config << QStringLiteral("%1 missing there")
                              .arg(countOf(missingThere, QStringLiteral("key"),
                                           QStringLiteral("keys")));
            if (differ)
                config << QStringLiteral("%1 differ").arg(differ);
            if (missingHere || missingThere)
                line.level = Level::Warning;
            if (inconsistent) {
                line.level = Level::Warning;
                line.details << QStringLiteral("%1 between %2's own files")
                                    .arg(countOf(inconsistent, QStringLiteral("key disagrees"),
                                                 QStringLiteral("keys disagree")),
                                         environment);
            }
            against << QStringLiteral("config ") + (config.isEmpty()
                                                        ? QStringLiteral("same")
                                                        : config.join(QStringLiteral(", ")));
        } else {
            pending = pending || other.problem.isEmpty();
        }
        if (other.flagsDiffering)
            against << (*other.flagsDiffering
                            ? countOf(*other.flagsDiffering, QStringLiteral("flag differs"),
                                      QStringLiteral("flags differ"))
                            : QStringLiteral("flags same"));
        if (other.migrations)
            against << migrationsDriftText(environment, other.environment, *other.migrations,
                                           line.details);
        if (!other.problem.isEmpty())
            line.details << QStringLiteral("%1: %2").arg(other.environment, other.problem);
        if (!against.isEmpty())
            parts << QStringLiteral("vs %1: %2")
                         .arg(other.environment, against.join(QStringLiteral(", ")));
    }
    if (parts.isEmpty()) {
        line.level = pending ? Level::Checking : Level::Unknown;
        line.summary = pending ? QStringLiteral("Comparing with the other environments…")
                               : QStringLiteral("Could not compare.");
        return line;
    }
    line.summary = parts.join(QStringLiteral(" · "));
    return line;
}

PulseLine activityPulse(const QList<HistoryEntry> &deploys, const QList<AuditEntry> &audited,
                        const QDateTime &now, int limit)
{
    PulseLine line{
        QStringLiteral("activity"), QStringLiteral("Recent activity"), Level::Good, {}, {},
        QStringLiteral("deploy")};
    QList<Event> events;
    for (const HistoryEntry &d : deploys)
        events << Event{d.time, QStringLiteral("%1 %2 %3 %4 (%5)")
                                    .arg(formatAgo(d.time, now),
                                         d.user.isEmpty() ? QStringLiteral("someone") : d.user,
                                         verbOf(d.action), d.ref.isEmpty() ? d.release : d.ref,
                                         resultLabel(d.result))};
    for (const AuditEntry &a : audited) {
        // Deploys are in the hosts' history already, which every console writes to.
        if (a.action == QLatin1String("deploy") || a.action == QLatin1String("rollback"))
            continue;
        const QString outcome =
            auditOutcomeSucceeded(a.outcome) ? QString() : QStringLiteral(" (%1)").arg(a.outcome);
        events << Event{a.at, QStringLiteral("%1 %2 %3 %4%5")
                                  .arg(formatAgo(a.at, now), a.user, a.action, a.target, outcome)};
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const Event &a, const Event &b) { return a.at > b.at; });
    if (events.isEmpty()) {
        line.summary = QStringLiteral("Nothing deployed or changed that Opsdeck has seen.");
        return line;
    }
    for (int i = 0; i < std::min<qsizetype>(limit, events.size()); ++i)
        line.details << events.at(i).text;
    line.summary = line.details.takeFirst();
    if (!deploys.isEmpty() && deploys.first().result == HistoryEntry::Result::Failed)
        line.level = Level::Warning;
    return line;
}

PulseLine alertsPulse(const AlertsSnapshot *snapshot, qint64 nowMs)
{
    PulseLine line{QStringLiteral("alerts"),
                   QStringLiteral("Alerts"),
                   PulseLine::Level::Checking,
                   QStringLiteral("Asking Prometheus…"),
                   {},
                   QStringLiteral("alerts")};
    if (!snapshot)
        return line;
    if (!snapshot->prometheusError.isEmpty()) {
        line.level = PulseLine::Level::Unknown;
        line.summary = QStringLiteral("Prometheus: ") + snapshot->prometheusError;
        return line;
    }
    line.summary = snapshot->summary();
    const QList<AlertInstance> firing = snapshot->firing();
    const bool loud = std::any_of(firing.cbegin(), firing.cend(),
                                  [](const AlertInstance &a) { return !a.isSilenced(); });
    line.level = !loud                                                ? PulseLine::Level::Good
                 : snapshot->worstFiring() == AlertSeverity::Critical ? PulseLine::Level::Critical
                                                                      : PulseLine::Level::Warning;
    for (const AlertInstance &a : firing) {
        if (a.isSilenced())
            continue;
        if (line.details.size() == 4)
            break;
        const QString host = a.labels.value(QStringLiteral("host"));
        QString detail = a.title(host.isEmpty() ? QStringList{QStringLiteral("instance")}
                                                : QStringList{QStringLiteral("host")});
        if (a.activeAtMs > 0)
            detail += QStringLiteral(" — %1, for %2")
                          .arg(severityName(a.severity()),
                               formatDuration(std::max<qint64>(1, (nowMs - a.activeAtMs) / 1000)));
        line.details << detail;
    }
    if (!snapshot->alertmanagerError.isEmpty())
        line.details << QStringLiteral("Alertmanager: ") + snapshot->alertmanagerError;
    return line;
}

PulseLine::Level worstLevel(const QList<PulseLine> &lines)
{
    Level worst = Level::Unknown;
    for (const PulseLine &line : lines)
        worst = std::max(worst, line.level);
    return worst;
}

} // namespace Opsdeck
