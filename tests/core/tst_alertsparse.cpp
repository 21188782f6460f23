// SPDX-License-Identifier: GPL-3.0-or-later
// Prometheus' and Alertmanager's answers as their v1/v2 APIs give them, read into alerts.
#include "alerts/alerts.h"

#include <QFile>
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
