// SPDX-License-Identifier: GPL-3.0-or-later
// Prometheus' and Alertmanager's answers as their v1/v2 APIs give them, read into alerts.
#include "alerts/alertbands.h"
#include "alerts/alerts.h"
#include "alerts/rulefiles.h"
#include "metrics/timeseries.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Opsdeck;

namespace {

/** A real server's answer, kept in tests/core/alerts/. */
QByteArray answer(const char *name)
{
    QFile file(QFINDTESTDATA(QStringLiteral("alerts/") + QLatin1String(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestAlertsParse final : public QObject
{
    Q_OBJECT

private slots:
    void alertingRulesAreReadAndRecordingRulesSkipped()
    {
        const Result<QList<AlertRule>> rules = parseAlertRules(answer("rules.json"), 200);
        QVERIFY2(rules, qPrintable(rules.errorString()));
        QCOMPARE(rules->size(), 3);
        const AlertRule &down = rules->at(0);
        QCOMPARE(down.name, QStringLiteral("InstanceDown"));
        QCOMPARE(down.group, QStringLiteral("minitwit"));
        QCOMPARE(down.forMs, 15000);
        QCOMPARE(down.firingCount(), 1);
        QCOMPARE(down.alerts.first().activeAtMs,
                 QDateTime(QDate(2026, 12, 6), QTime(12, 30, 1, 123), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(down.alerts.first().title(down.distinguishingLabels()),
                 QStringLiteral("InstanceDown web2"));
        QCOMPARE(rules->at(2).health, QStringLiteral("err"));
        QCOMPARE(rules->at(2).lastError, QStringLiteral("parse error"));
    }

    void errorsSayWhatTheServerSaid()
    {
        const auto failed = parseAlertRules(
            QByteArrayLiteral("{\"status\":\"error\",\"error\":\"bad thing\"}"), 422);
        QVERIFY(!failed);
        QVERIFY2(failed.errorString().contains(QLatin1String("HTTP 422: bad thing")),
                 qPrintable(failed.errorString()));
        const auto garbage = parseSilences("<html>proxy login</html>", 200);
        QVERIFY(!garbage);
        QVERIFY(garbage.errorString().contains(QLatin1String("not JSON")));
    }

    void alertmanagerMarksSilencedAlertsDespiteExternalLabels()
    {
        QList<AlertRule> rules = *parseAlertRules(answer("rules.json"), 200);
        const Result<QList<ManagedAlert>> managed =
            parseManagedAlerts(answer("alertmanager-alerts.json"), 200);
        QVERIFY(managed);
        markSilenced(rules, *managed);
        QCOMPARE(rules.at(0).alerts.first().silencedBy, QStringList{QStringLiteral("s-1")});
        QVERIFY(!rules.at(1).alerts.first().isSilenced());

        AlertsSnapshot snapshot;
        snapshot.rules = rules;
        QCOMPARE(snapshot.worstFiring(), AlertSeverity::None); // the only firing one is silenced
        QCOMPARE(snapshot.summary(), QStringLiteral("1 pending · 1 silenced"));
        snapshot.rules[0].alerts[0].silencedBy.clear();
        QCOMPARE(snapshot.worstFiring(), AlertSeverity::Critical);
        QCOMPARE(snapshot.summary(), QStringLiteral("1 firing (critical) · 1 pending"));
    }

    void anotherEnvironmentsAlertsAreLeftOut()
    {
        // One Prometheus for staging and production: staging's view keeps its own alerts and
        // the unlabelled ones, not production's InstanceDown.
        QList<AlertRule> rules = *parseAlertRules(answer("rules.json"), 200);
        keepEnvironmentAlerts(rules, {QStringLiteral("production")});
        QVERIFY(rules.at(0).alerts.isEmpty());
        QCOMPARE(rules.at(0).state, QStringLiteral("inactive"));
        QCOMPARE(rules.at(1).alerts.size(), 1); // env=staging
        QCOMPARE(rules.at(1).state, QStringLiteral("pending"));

        rules = *parseAlertRules(answer("rules.json"), 200);
        keepEnvironmentAlerts(rules, {QStringLiteral("staging")});
        QCOMPARE(rules.at(0).firingCount(), 1);
        QVERIFY(rules.at(1).alerts.isEmpty());
    }

    void onlyAlertsThatStartedFiringAreNews()
    {
        const QList<AlertRule> rules = *parseAlertRules(answer("rules.json"), 200);
        AlertsSnapshot quiet;
        quiet.rules = rules;
        for (AlertRule &rule : quiet.rules)
            rule.alerts.clear();
        AlertsSnapshot firing;
        firing.rules = rules;

        QVERIFY(newlyFiring(nullptr, firing).isEmpty()); // already firing at start: not news
        const QList<AlertInstance> started = newlyFiring(&quiet, firing);
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.first().labels.value(QStringLiteral("alertname")),
                 QStringLiteral("InstanceDown"));
        QVERIFY(newlyFiring(&firing, firing).isEmpty()); // still firing: said once

        firing.rules[0].alerts[0].silencedBy << QStringLiteral("s-1");
        QVERIFY(newlyFiring(&quiet, firing).isEmpty()); // silenced: someone knows
    }

    void aSilenceStartsFromTheAlertAndMatchesLikeAlertmanager()
    {
        const QList<AlertRule> rules = *parseAlertRules(answer("rules.json"), 200);
        const AlertRule &down = rules.at(0);
        Silence silence;
        silence.matchers = silenceMatchersFor(down, &down.alerts.at(0));
        QCOMPARE(silence.matchersText(),
                 QStringLiteral("alertname=\"InstanceDown\", host=\"web2\", env=\"production\", "
                                "instance=\"127.0.0.1:8002\""));
        QVERIFY(silence.matches(down.alerts.at(0).labels));
        QCOMPARE(silenceMatchersFor(down, nullptr).size(), 1);

        LabelSet web1 = down.alerts.at(0).labels;
        web1[QStringLiteral("host")] = QStringLiteral("web1");
        QVERIFY(!silence.matches(web1));
        silence.matchers = {*SilenceMatcher::parse(QStringLiteral("host=~web.*")),
                            *SilenceMatcher::parse(QStringLiteral("team!=db"))};
        QVERIFY(silence.matches(web1)); // no team label: "" differs from "db"
        silence.matchers = {*SilenceMatcher::parse(QStringLiteral("host=~web"))};
        QVERIFY(!silence.matches(web1));   // anchored: "web" is not "web1"
        QVERIFY(!Silence().matches(web1)); // no matchers silence nothing
    }

    void aNotificationNamesTheWorstFirst()
    {
        const QList<AlertRule> rules = *parseAlertRules(answer("rules.json"), 200);
        const AlertInstance down = rules.at(0).alerts.at(0);
        QCOMPARE(firingNotification(QStringLiteral("production"), {down}),
                 QStringLiteral("production: InstanceDown web2 is firing (critical) — web2 "
                                "(production) does not answer"));
        AlertInstance errors = rules.at(1).alerts.at(0);
        errors.labels[QStringLiteral("instance")] = QStringLiteral("web1:80");
        QCOMPARE(firingNotification(QStringLiteral("production"), {errors, down}),
                 QStringLiteral("production: 2 alerts started firing: InstanceDown web2, "
                                "HighErrorRate web1:80"));
    }

    void firingStretchesAreReadFromAlertsSeries()
    {
        const double gap = std::nan("");
        TimeSeries web2;
        web2.labels = {{QStringLiteral("__name__"), QStringLiteral("ALERTS")},
                       {QStringLiteral("alertname"), QStringLiteral("InstanceDown")},
                       {QStringLiteral("alertstate"), QStringLiteral("firing")},
                       {QStringLiteral("env"), QStringLiteral("production")},
                       {QStringLiteral("host"), QStringLiteral("web2")}};
        web2.grid = {60000, 60000 + 11 * 15000, 15000};
        // Fires, one missed evaluation, fires, a long gap, fires to the end.
        web2.values = {gap, 1, 1, gap, 1, gap, gap, gap, gap, gap, 1, 1};
        TimeSeries staging = web2;
        staging.labels[QStringLiteral("env")] = QStringLiteral("staging");

        const QList<AlertInterval> intervals =
            firingIntervals({web2, staging}, {QStringLiteral("staging")});
        QCOMPARE(intervals.size(), 2);
        QCOMPARE(intervals[0].title(), QStringLiteral("InstanceDown web2"));
        QVERIFY(!intervals[0].labels.contains(QStringLiteral("alertstate")));
        QCOMPARE(intervals[0].fromMs, 75000);
        QCOMPARE(intervals[0].toMs, 120000);
        QVERIFY(!intervals[0].ongoing);
        QCOMPARE(intervals[1].fromMs, 210000);
        QCOMPARE(intervals[1].toMs, 225000);
        QVERIFY(intervals[1].ongoing);
    }

    void metricNamesAreReadFromPromql()
    {
        using Names = QSet<QString>;
        QCOMPARE(promqlMetricNames(QStringLiteral("up{job=\"minitwit\"} == 0")),
                 Names{QStringLiteral("up")});
        QCOMPARE(promqlMetricNames(QStringLiteral(
                     "sum by (env) (rate(django_http_responses_total_by_status_total{status=~"
                     "\"5..\"}[1m])) / sum by (env) "
                     "(rate(django_http_responses_total_by_status_total[1m])) > 0.05")),
                 Names{QStringLiteral("django_http_responses_total_by_status_total")});
        QCOMPARE(promqlMetricNames(QStringLiteral(
                     "100 * (1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{mode="
                     "\"idle\"}[$__rate_interval]))) and on (instance) node:up offset 5m")),
                 (Names{QStringLiteral("node_cpu_seconds_total"), QStringLiteral("node:up")}));
        QCOMPARE(promqlMetricNames(QStringLiteral(
                     "a / ignoring (code) group_left (team) b # a comment naming c\n > bool 1e3")),
                 (Names{QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(promqlMetricNames(QStringLiteral("time() - 5m")).isEmpty());
    }

    void alertBandsGoOnThePanelsOfTheirMetrics()
    {
        const QList<AlertRule> rules = *parseAlertRules(answer("rules.json"), 200);
        AlertInterval down;
        down.labels = {{QStringLiteral("alertname"), QStringLiteral("InstanceDown")},
                       {QStringLiteral("host"), QStringLiteral("web2")},
                       {QStringLiteral("severity"), QStringLiteral("critical")}};
        down.fromMs = 1000;
        down.toMs = 61000;
        const QList<Annotation> onUp =
            alertAnnotations({down}, rules, QStringLiteral("up{env=~\"$env|\"}"), false);
        QCOMPARE(onUp.size(), 1);
        QCOMPARE(onUp.first().kind, Annotation::Kind::Alert);
        QCOMPARE(onUp.first().atMs, 1000);
        QCOMPARE(onUp.first().endMs, 61000);
        QCOMPARE(onUp.first().title, QStringLiteral("InstanceDown web2 firing"));
        QVERIFY(onUp.first().detail.startsWith(QLatin1String("critical")));

        const QString cpu = QStringLiteral("rate(node_cpu_seconds_total[5m])");
        QVERIFY(alertAnnotations({down}, rules, cpu, false).isEmpty());
        QCOMPARE(alertAnnotations({down}, rules, cpu, true).size(), 1); // "All alerts"
    }

    void whatFiresNowJoinsTheStretches()
    {
        AlertsSnapshot now;
        now.rules = *parseAlertRules(answer("rules.json"), 200);
        const AlertInstance &down = now.rules.at(0).alerts.at(0); // firing, for: 15 s
        const qint64 firingSince = down.activeAtMs + 15000;

        QList<AlertInterval> intervals; // the range's last step came before it fired
        joinFiringNow(intervals, now, firingSince + 40000);
        QCOMPARE(intervals.size(), 1);
        QCOMPARE(intervals.first().fromMs, firingSince);
        QCOMPARE(intervals.first().toMs, firingSince + 40000);
        QVERIFY(intervals.first().ongoing);

        AlertInterval seen; // the series saw it, up to its last step
        seen.labels = down.labels;
        seen.fromMs = firingSince + 2000;
        seen.toMs = firingSince + 60000;
        AlertInterval earlier = seen; // an older stretch of the same alert stays as it was
        earlier.fromMs = firingSince - 3600'000;
        earlier.toMs = firingSince - 3000'000;
        intervals = {earlier, seen};
        joinFiringNow(intervals, now, firingSince + 90000);
        QCOMPARE(intervals.size(), 2);
        QVERIFY(!intervals.at(0).ongoing);
        QCOMPARE(intervals.at(1).toMs, firingSince + 90000);
        QVERIFY(intervals.at(1).ongoing);
    }

    void repositoryRulesAreComparedWithTheServers()
    {
        const QString repo = QFINDTESTDATA("alerts/rules-repo.yml");
        const QString dir = QFileInfo(repo).absolutePath();
        const RuleFiles files = readRuleFiles({dir + QStringLiteral("/rules-repo.y*")}, dir);
        QVERIFY2(files.errors.isEmpty(), qPrintable(files.errors.join(QLatin1Char('\n'))));
        QCOMPARE(files.files.size(), 1);
        QCOMPARE(files.rules.size(), 3); // the recording rule is not an alert
        QCOMPARE(files.rules.at(0).file, QStringLiteral("rules-repo.yml"));
        QCOMPARE(files.rules.at(0).line, 6);
        QCOMPARE(files.rules.at(1).forMs, 60000);

        const RuleDrift drift =
            compareRules(files.rules, *parseAlertRules(answer("rules.json"), 200));
        QCOMPARE(drift.same, 1); // InstanceDown: the same, whitespace aside
        QCOMPARE(drift.differing.size(), 1);
        QCOMPARE(drift.differing.first().repo.name, QStringLiteral("HighErrorRate"));
        QCOMPARE(drift.differing.first().what,
                 QStringList{QStringLiteral("for: 1m here, 30s on the server")});
        QCOMPARE(drift.onlyInRepo.size(), 1);
        QCOMPARE(drift.onlyInRepo.first().name, QStringLiteral("NewInRepo"));
        QCOMPARE(drift.onlyOnServer.size(), 1);
        QCOMPARE(drift.onlyOnServer.first().name, QStringLiteral("Broken"));
        QVERIFY(!drift.isEmpty());
    }

    void brokenRuleFilesSayWhere()
    {
        const QString broken = QFINDTESTDATA("alerts/rules-broken.yml");
        const QString dir = QFileInfo(broken).absolutePath();
        const RuleFiles files = readRuleFiles({broken, dir + QStringLiteral("/none-*.yml")}, dir);
        QCOMPARE(files.errors.size(), 2);
        QVERIFY2(files.errors.at(0).startsWith(QLatin1String("rules-broken.yml:")),
                 qPrintable(files.errors.at(0)));
        QVERIFY2(files.errors.at(1).contains(QLatin1String("no file matches")),
                 qPrintable(files.errors.at(1)));

        // promtool (Prometheus' own checks) where it is installed: the suite's machines have it.
        const PromtoolCheck check = checkWithPromtool({broken});
        if (!check.ran)
            QSKIP("promtool is not installed");
        QVERIFY(!check.passed);
        QVERIFY2(!check.output.isEmpty(), "promtool said nothing");
        QVERIFY(checkWithPromtool({QFINDTESTDATA("alerts/rules-repo.yml")}).passed);
    }

    void silencesAreListedActiveFirst()
    {
        const Result<QList<Silence>> silences = parseSilences(answer("silences.json"), 200);
        QVERIFY(silences);
        QCOMPARE(silences->size(), 2);
        QCOMPARE(silences->first().id, QStringLiteral("s-1"));
        QCOMPARE(silences->first().matchersText(), QStringLiteral("host=~\"web.*\""));
        QCOMPARE(silences->first().createdBy, QStringLiteral("bob"));
    }

    void matchersParseLikeAmtool_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("plain") << "alertname=InstanceDown"
                               << "alertname=\"InstanceDown\"";
        QTest::newRow("quoted") << "host = \"web 2\""
                                << "host=\"web 2\"";
        QTest::newRow("regex") << "instance=~web.*"
                               << "instance=~\"web.*\"";
        QTest::newRow("not") << "severity!=info"
                             << "severity!=\"info\"";
        QTest::newRow("not regex") << "env!~\"stag.*\""
                                   << "env!~\"stag.*\"";
        QTest::newRow("escaped quote") << "summary=\"say \\\"hi\\\"\""
                                       << "summary=\"say \\\"hi\\\"\"";
    }

    void matchersParseLikeAmtool()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        const Result<SilenceMatcher> m = SilenceMatcher::parse(text);
        QVERIFY2(m, qPrintable(m.errorString()));
        QCOMPARE(m->text(), canonical);
        QCOMPARE(SilenceMatcher::parse(canonical)->text(), canonical); // round trip
    }

    void badMatchersAreRefused()
    {
        QVERIFY(!SilenceMatcher::parse(QStringLiteral("nonsense")));
        QVERIFY(!SilenceMatcher::parse(QStringLiteral("1abc=x")));
        QVERIFY(!SilenceMatcher::parse(QStringLiteral("host=~\"web(\"")));
    }

    void aSilenceIsPostedInAlertmanagersShape()
    {
        Silence s;
        s.matchers = {*SilenceMatcher::parse(QStringLiteral("alertname=InstanceDown"))};
        s.startsAtMs = QDateTime(QDate(2026, 12, 6), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
        s.endsAtMs = s.startsAtMs + 3600'000;
        s.createdBy = QStringLiteral("ann");
        s.comment = QStringLiteral("deploying");
        const QJsonObject o = QJsonDocument::fromJson(s.toJson()).object();
        QCOMPARE(o.value(QStringLiteral("startsAt")).toString(),
                 QStringLiteral("2026-12-06T12:00:00.000Z"));
        QCOMPARE(o.value(QStringLiteral("endsAt")).toString(),
                 QStringLiteral("2026-12-06T13:00:00.000Z"));
        QCOMPARE(o.value(QStringLiteral("createdBy")).toString(), QStringLiteral("ann"));
        QVERIFY(!o.contains(QStringLiteral("id")));
        const QJsonObject m = o.value(QStringLiteral("matchers")).toArray().first().toObject();
        QCOMPARE(m.value(QStringLiteral("isEqual")).toBool(), true);
        QCOMPARE(m.value(QStringLiteral("isRegex")).toBool(), false);
    }

    void severitiesAreOrdered()
    {
        QCOMPARE(severityOf({{QStringLiteral("severity"), QStringLiteral("page")}}),
                 AlertSeverity::Critical);
        QCOMPARE(severityOf({{QStringLiteral("severity"), QStringLiteral("warning")}}),
                 AlertSeverity::Warning);
        QCOMPARE(severityOf({}), AlertSeverity::None);
        QVERIFY(AlertSeverity::Critical > AlertSeverity::Warning);
    }
};

QTEST_GUILESS_MAIN(TestAlertsParse)
#include "tst_alertsparse.moc"
