// SPDX-License-Identifier: GPL-3.0-or-later
// The status page's sentences: what a user reads on Overview, built from what the probes read.
#include "runtime/pulselines.h"

#include <QTest>

using namespace Opsdeck;
using Level = PulseLine::Level;

namespace {

const QDateTime kNow = QDateTime::fromString(QStringLiteral("2026-12-05T12:00:00Z"), Qt::ISODate);

CheckResult check(const QString &title, Verdict verdict)
{
    CheckResult c;
    c.name = title.toLower();
    c.title = title;
    c.verdict = verdict;
    return c;
}

DatabaseStatus upDatabase(int connections = 12, int max = 97)
{
    DatabaseStatus db;
    db.state = DatabaseStatus::State::Up;
    db.connections = connections;
    db.maxConnections = max;
    return db;
}

HistoryEntry deploy(const QString &ref, const QString &release, int hoursAgo,
                    HistoryEntry::Result result = HistoryEntry::Result::Succeeded)
{
    HistoryEntry e;
    e.ref = ref;
    e.release = release;
    e.user = QStringLiteral("alice");
    e.time = kNow.addSecs(-3600 * hoursAgo);
    e.result = result;
    return e;
}

HostDeployState host(const QString &name, const QString &current)
{
    HostDeployState h;
    h.host = name;
    h.current = current;
    return h;
}

DriftRow driftRow(const QString &key, std::optional<QString> mine, std::optional<QString> theirs)
{
    DriftRow row;
    row.key = key;
    auto cell = [](const std::optional<QString> &v) {
        return v ? std::optional<DriftInput::Value>(DriftInput::Value{*v, QString(), true})
                 : std::nullopt;
    };
    row.cells = {cell(mine), cell(theirs)};
    row.state = !mine || !theirs   ? DriftRow::State::Missing
                : *mine != *theirs ? DriftRow::State::Differs
                                   : DriftRow::State::Same;
    return row;
}

FlagState flag(const QString &name, bool everyone)
{
    FlagState f;
    f.name = name;
    f.everyone = everyone;
    f.hasWaffleRules = true;
    return f;
}

} // namespace

class TestPulseLines final : public QObject
{
    Q_OBJECT

private slots:
    void databaseNamesItsCriticalChecksFirst()
    {
        HealthReport report;
        report.checks = {check(QStringLiteral("Unused indexes"), Verdict::Warning),
                         check(QStringLiteral("Blocked queries"), Verdict::Critical),
                         check(QStringLiteral("Cache hit rate"), Verdict::Ok),
                         check(QStringLiteral("Sequences near their limit"), Verdict::Critical)};
        const PulseLine line = databasePulse(upDatabase(), &report);
        QCOMPARE(line.level, Level::Critical);
        QCOMPARE(line.summary,
                 QStringLiteral("2 critical checks · 1 warning · 12 of 97 connections in use"));
        QCOMPARE(line.details, QStringList({QStringLiteral("critical: Blocked queries"),
                                            QStringLiteral("critical: Sequences near their limit"),
                                            QStringLiteral("warning: Unused indexes")}));
        QCOMPARE(line.pane, QStringLiteral("dbhealth"));

        for (int i = 0; i < 6; ++i)
            report.checks << check(QStringLiteral("Warning %1").arg(i), Verdict::Warning);
        const QStringList capped = databasePulse(upDatabase(), &report).details;
        QCOMPARE(capped.size(), 5);
        QCOMPARE(capped.first(), QStringLiteral("critical: Blocked queries"));
        QCOMPARE(capped.last(), QStringLiteral("… and 5 more"));
    }

    void aHealthyDatabaseSaysSoAndNearlyFullConnectionsWarn()
    {
        HealthReport report;
        report.checks = {check(QStringLiteral("Cache hit rate"), Verdict::Ok),
                         check(QStringLiteral("Replication"), Verdict::Skipped)};
        PulseLine line = databasePulse(upDatabase(), &report);
        QCOMPARE(line.level, Level::Good);
        QCOMPARE(line.summary, QStringLiteral("all 1 passed · 12 of 97 connections in use"));

        line = databasePulse(upDatabase(80, 97), &report);
        QCOMPARE(line.level, Level::Warning);
    }

    void databaseBeforeTheChecksAndWhenDown()
    {
        PulseLine line = databasePulse(upDatabase(), nullptr);
        QCOMPARE(line.level, Level::Checking);
        QVERIFY(line.summary.startsWith(QStringLiteral("running the checks…")));

        DatabaseStatus down;
        down.state = DatabaseStatus::State::Down;
        down.error = QStringLiteral("connection refused");
        line = databasePulse(down, nullptr);
        QCOMPARE(line.level, Level::Critical);
        QCOMPARE(line.summary, QStringLiteral("Unreachable: connection refused"));
    }

    void servicesSayWhatRunsAndWhatIsShort()
    {
        SwarmStatus status;
        status.stack = QStringLiteral("minitwit");
        SwarmService web;
        web.name = QStringLiteral("minitwit_web");
        web.image = QStringLiteral("minitwit:v2");
        web.running = web.desired = 2;
        status.services << web;
        PulseLine line = servicesPulse(status);
        QCOMPARE(line.level, PulseLine::Level::Good);
        QCOMPARE(line.summary, QStringLiteral("2/2 replicas running · minitwit:v2"));
        QCOMPARE(line.pane, QStringLiteral("deploy"));

        SwarmTask killed;
        killed.slot = 2;
        killed.node = QStringLiteral("node1");
        killed.state = QStringLiteral("failed");
        killed.error = QStringLiteral("task: non-zero exit (137)");
        status.services[0].running = 1;
        status.services[0].restartsLastHour = 1;
        status.services[0].tasks << killed;
        line = servicesPulse(status);
        QCOMPARE(line.level, PulseLine::Level::Warning);
        QCOMPARE(line.summary,
                 QStringLiteral("1/2 replicas running · minitwit:v2 · short: minitwit_web "
                                "1/2 · 1 task failed in the last hour"));
        QCOMPARE(line.details,
                 QStringList{QStringLiteral("minitwit_web.2 on node1: task: non-zero exit (137)")});

        status.services[0].running = 2;
        status.services[0].restartsLastHour = 0;
        status.services[0].tasks.clear();
        status.services[0].updateState = QStringLiteral("rollback_completed");
        status.services[0].updateMessage = QStringLiteral("rollback completed");
        line = servicesPulse(status);
        QCOMPARE(line.level, PulseLine::Level::Warning);
        QCOMPARE(
            line.summary,
            QStringLiteral("2/2 replicas running · minitwit:v2 · minitwit_web rollback_completed"));
        QVERIFY(line.details.contains(
            QStringLiteral("minitwit_web: update rollback_completed rollback completed")));

        line = servicesPulse(
            Result<SwarmStatus>::failure(QStringLiteral("cannot reach Docker on web1")));
        QCOMPARE(line.level, PulseLine::Level::Critical);
        QCOMPARE(line.summary, QStringLiteral("cannot reach Docker on web1"));

        // A compose project's services are containers, and are called so.
        SwarmStatus compose;
        compose.stack = QStringLiteral("minitwit-compose");
        web.name = QStringLiteral("web");
        web.mode = QStringLiteral("compose");
        web.running = web.desired = 1;
        compose.services << web;
        line = servicesPulse(compose);
        QCOMPARE(line.summary, QStringLiteral("1/1 containers running · minitwit:v2"));
        compose.services.clear();
        QCOMPARE(servicesPulse(compose).summary, QStringLiteral("no services of minitwit-compose"));
    }

    void deployedReleasesReadAsRefNames()
    {
        EnvironmentDeployState state;
        state.hosts = {host(QStringLiteral("web1"), QStringLiteral("20261101T100000Z-b64dc5c")),
                       host(QStringLiteral("web2"), QStringLiteral("20261101T100000Z-b64dc5c"))};
        state.history = {
            deploy(QStringLiteral("v1"), QStringLiteral("20261101T100000Z-b64dc5c"), 5)};
        const PulseLine line = deployPulse(state, kNow);
        QCOMPARE(line.level, Level::Good);
        QCOMPARE(line.summary,
                 QStringLiteral("v1 on web1 and web2 · deployed 5 hours ago by alice"));
        QVERIFY(!line.summary.contains(QStringLiteral("20261101T")));
    }

    void hostsThatDisagreeAFailedDeployAndTheLockAreWarnings()
    {
        EnvironmentDeployState state;
        state.hosts = {host(QStringLiteral("web1"), QStringLiteral("r2")),
                       host(QStringLiteral("web2"), QStringLiteral("r1"))};
        state.history = {
            deploy(QStringLiteral("v3"), QStringLiteral("r3"), 1, HistoryEntry::Result::Failed),
            deploy(QStringLiteral("v2"), QStringLiteral("r2"), 2),
            deploy(QStringLiteral("v1"), QStringLiteral("r1"), 30)};
        state.history[0].message = QStringLiteral("web1's health check got HTTP 503");
        PulseLine line = deployPulse(state, kNow);
        QCOMPARE(line.level, Level::Warning);
        QVERIFY2(line.summary.startsWith(QStringLiteral("hosts differ: v2 on web1; v1 on web2")),
                 qPrintable(line.summary));
        QVERIFY2(
            line.summary.contains(QStringLiteral("last deploy of v3 failed 1 hour ago by alice")),
            qPrintable(line.summary));
        QCOMPARE(line.details.value(0), QStringLiteral("web1's health check got HTTP 503"));

        state.hosts = {host(QStringLiteral("web1"), QStringLiteral("r2"))};
        state.history = {deploy(QStringLiteral("v2"), QStringLiteral("r2"), 2)};
        state.lock = LockInfo{};
        state.lock->user = QStringLiteral("bob@laptop");
        state.lock->action = QStringLiteral("manual");
        line = deployPulse(state, kNow);
        QCOMPARE(line.level, Level::Warning);
        QVERIFY2(line.summary.contains(QStringLiteral("locked by bob@laptop (manual)")),
                 qPrintable(line.summary));
    }

    void anUnreachableHostIsNamed()
    {
        EnvironmentDeployState state;
        HostDeployState web2 = host(QStringLiteral("web2"), {});
        web2.error = QStringLiteral("connection timed out");
        state.hosts = {host(QStringLiteral("web1"), QStringLiteral("r1")), web2};
        const PulseLine line = deployPulse(state, kNow);
        QCOMPARE(line.level, Level::Warning);
        QVERIFY(line.summary.startsWith(QStringLiteral("release r1 on web1")));
        QCOMPARE(line.details, QStringList(QStringLiteral("web2: connection timed out")));
    }

    void driftWarnsOnMissingKeysAndCountsDifferences()
    {
        DriftAgainst production{
            QStringLiteral("production"),
            QList<DriftRow>{
                driftRow(QStringLiteral("DEBUG"), QStringLiteral("True"), QStringLiteral("False")),
                driftRow(QStringLiteral("NEW_KEY"), QStringLiteral("1"), std::nullopt),
                driftRow(QStringLiteral("SAME"), QStringLiteral("x"), QStringLiteral("x"))},
            2,
            {}};
        PulseLine line = driftPulse(QStringLiteral("staging"), {production});
        QCOMPARE(line.level, Level::Warning);
        QCOMPARE(
            line.summary,
            QStringLiteral("vs production: config 1 key missing there, 1 differ, 2 flags differ"));

        production.config = QList<DriftRow>{
            driftRow(QStringLiteral("DEBUG"), QStringLiteral("True"), QStringLiteral("False"))};
        production.flagsDiffering = 0;
        line = driftPulse(QStringLiteral("staging"), {production});
        QCOMPARE(line.level, Level::Good); // values differ between environments by design
        QCOMPARE(line.summary, QStringLiteral("vs production: config 1 differ, flags same"));
    }

    void migrationsAppliedOnOneSideAreSaidWithTheirNames()
    {
        const QStringList production{QStringLiteral("twit.0001_initial")};
        const QStringList staging{QStringLiteral("twit.0001_initial"),
                                  QStringLiteral("twit.0002_message_likes")};
        DriftAgainst against{QStringLiteral("staging"), {}, 0, {}};
        against.migrations = migrationDrift(production, staging);
        QCOMPARE(against.migrations->onlyThere,
                 QStringList{QStringLiteral("twit.0002_message_likes")});
        QVERIFY(against.migrations->onlyHere.isEmpty());
        PulseLine line = driftPulse(QStringLiteral("production"), {against});
        // Staging ahead of production is how a release travels: said, not a warning.
        QCOMPARE(line.level, Level::Good);
        QCOMPARE(line.summary,
                 QStringLiteral("vs staging: flags same, 1 migration only in staging"));
        QCOMPARE(line.details,
                 QStringList{QStringLiteral(
                     "applied in staging, not in production: twit.0002_message_likes")});

        against.migrations = migrationDrift(staging, production);
        line = driftPulse(QStringLiteral("staging"), {against});
        QCOMPARE(line.summary,
                 QStringLiteral("vs staging: flags same, 1 migration not in staging"));
        against.migrations = migrationDrift(staging, staging);
        QCOMPARE(driftPulse(QStringLiteral("x"), {against}).summary,
                 QStringLiteral("vs staging: flags same, migrations same"));
        // Many names: a few, then how many more.
        QStringList many;
        for (int i = 1; i <= 6; ++i)
            many << QStringLiteral("app.000%1").arg(i);
        against.migrations = migrationDrift({}, many);
        QCOMPARE(driftPulse(QStringLiteral("x"), {against}).details.value(0),
                 QStringLiteral("applied in staging, not in x: app.0001, app.0002, app.0003 and 3 "
                                "more"));
    }

    void driftBeforeAnswers()
    {
        const PulseLine line = driftPulse(QStringLiteral("staging"),
                                          {DriftAgainst{QStringLiteral("production"), {}, {}, {}}});
        QCOMPARE(line.level, Level::Checking);
    }

    void flagsCompareByBehaviour()
    {
        const QList<FlagState> mine{flag(QStringLiteral("a"), true),
                                    flag(QStringLiteral("b"), true),
                                    flag(QStringLiteral("only_here"), true)};
        const QList<FlagState> theirs{flag(QStringLiteral("a"), true),
                                      flag(QStringLiteral("b"), false),
                                      flag(QStringLiteral("only_there"), true)};
        QCOMPARE(flagsDiffering(mine, theirs), 3); // b differs, one on each side only
        QCOMPARE(flagsDiffering(mine, mine), 0);
    }

    void alertsSayWhatFiresWorstFirst()
    {
        QCOMPARE(alertsPulse(nullptr, 0).level, PulseLine::Level::Checking);
        AlertsSnapshot snapshot;
        snapshot.rules = {AlertRule{}, AlertRule{}};
        QCOMPARE(alertsPulse(&snapshot, 0).level, PulseLine::Level::Good);
        QCOMPARE(alertsPulse(&snapshot, 0).summary, QStringLiteral("no alerts firing"));

        const qint64 now = 1'000'000'000;
        AlertInstance errors;
        errors.labels = {{QStringLiteral("alertname"), QStringLiteral("HighErrorRate")},
                         {QStringLiteral("severity"), QStringLiteral("warning")}};
        errors.state = QStringLiteral("firing");
        errors.activeAtMs = now - 90'000;
        snapshot.rules[0].alerts = {errors};
        PulseLine line = alertsPulse(&snapshot, now);
        QCOMPARE(line.level, PulseLine::Level::Warning);
        QCOMPARE(line.pane, QStringLiteral("alerts"));

        AlertInstance down;
        down.labels = {{QStringLiteral("alertname"), QStringLiteral("InstanceDown")},
                       {QStringLiteral("host"), QStringLiteral("web2")},
                       {QStringLiteral("severity"), QStringLiteral("critical")}};
        down.state = QStringLiteral("firing");
        down.activeAtMs = now - 30'000;
        snapshot.rules[1].alerts = {down};
        line = alertsPulse(&snapshot, now);
        QCOMPARE(line.level, PulseLine::Level::Critical);
        QCOMPARE(line.summary, QStringLiteral("2 firing (critical)"));
        QCOMPARE(line.details.first(), QStringLiteral("InstanceDown web2 — critical, for 30s"));

        snapshot.rules[1].alerts[0].silencedBy << QStringLiteral("s-1"); // someone knows
        line = alertsPulse(&snapshot, now);
        QCOMPARE(line.level, PulseLine::Level::Warning);
        QCOMPARE(line.details.size(), 1);

        snapshot.prometheusError = QStringLiteral("connection refused");
        QCOMPARE(alertsPulse(&snapshot, now).level, PulseLine::Level::Unknown);
    }

    void activityMergesDeploysAndAuditByTime()
    {
        AuditEntry flagChange;
        flagChange.at = kNow.addSecs(-600);
        flagChange.user = QStringLiteral("carol");
        flagChange.action = QStringLiteral("flag.set");
        flagChange.target = QStringLiteral("new_timeline");
        flagChange.outcome = QStringLiteral("succeeded");
        AuditEntry auditedDeploy = flagChange;
        auditedDeploy.action = QStringLiteral("deploy"); // the hosts' history has it already
        AuditEntry refused = flagChange;
        refused.at = kNow.addSecs(-7200 * 10);
        refused.action = QStringLiteral("db.terminate");
        refused.target = QStringLiteral("pid 42");
        refused.outcome = QStringLiteral("refused: not confirmed");
        const PulseLine line =
            activityPulse({deploy(QStringLiteral("v2"), QStringLiteral("r2"), 2)},
                          {flagChange, auditedDeploy, refused}, kNow);
        QCOMPARE(line.level, Level::Good);
        QCOMPARE(line.summary, QStringLiteral("10 minutes ago carol flag.set new_timeline"));
        QCOMPARE(
            line.details,
            QStringList({QStringLiteral("2 hours ago alice deployed v2 (succeeded)"),
                         QStringLiteral(
                             "20 hours ago carol db.terminate pid 42 (refused: not confirmed)")}));
    }

    void aFailedNewestDeployMakesActivityAWarning()
    {
        const PulseLine line = activityPulse(
            {deploy(QStringLiteral("v3"), QStringLiteral("r3"), 1, HistoryEntry::Result::Failed)},
            {}, kNow);
        QCOMPARE(line.level, Level::Warning);
        QCOMPARE(line.summary, QStringLiteral("1 hour ago alice deployed v3 (failed)"));
    }

    void hostsLine()
    {
        HostStatus web1{QStringLiteral("web1"), {}, {}, HostStatus::State::Up, {}, {}, {}, {}};
        HostStatus web2 = web1;
        web2.name = QStringLiteral("web2");
        web2.state = HostStatus::State::Down;
        web2.error = QStringLiteral("no route to host");
        PulseLine line = hostsPulse({web1, web2});
        QCOMPARE(line.level, Level::Critical);
        QCOMPARE(line.summary, QStringLiteral("1 of 2 hosts up"));
        QCOMPARE(line.details, QStringList(QStringLiteral("web2: no route to host")));
        web2.state = HostStatus::State::Checking;
        line = hostsPulse({web1, web2});
        QCOMPARE(line.level, Level::Checking);
        QCOMPARE(worstLevel({line, hostsPulse({web1})}), Level::Good);
    }
};

QTEST_GUILESS_MAIN(TestPulseLines)
#include "tst_pulselines.moc"
