// SPDX-License-Identifier: GPL-3.0-or-later
// The demo world's alerts, read as the Alerts pane and `opsdeck alerts` read them: Prometheus'
// rules through the bastion's tunnel, a real Alertmanager beside it, web2's gunicorn stopped
// and started again, silences made and expired through the action pipeline.
#include "alerts/alertsclient.h"
#include "audit/auditlog.h"
#include "demoweb2.h"
#include "futurewait.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Opsdeck;

class TestAlerts final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<EnvironmentContexts> m_contexts;
    QNetworkAccessManager m_http;
    QTemporaryDir m_home; // the CLI's audit log and settings

    AlertsClient *alerts(const QString &environment = QStringLiteral("production"))
    {
        return m_contexts->context(environment)->alerts();
    }

    AlertsSnapshot snapshot(const QString &environment = QStringLiteral("production"))
    {
        return wait(alerts(environment)->refresh());
    }

    /** The alerts of `name` on web2, from a fresh snapshot. */
    std::optional<AlertInstance> web2Alert(const QString &name, const AlertsSnapshot &s)
    {
        for (const AlertRule &rule : s.rules)
            for (const AlertInstance &a : rule.alerts)
                if (a.labels.value(QStringLiteral("alertname")) == name &&
                    a.labels.value(QStringLiteral("host")) == QLatin1String("web2") &&
                    a.labels.value(QStringLiteral("env")) == QLatin1String("production"))
                    return a;
        return std::nullopt;
    }

    int opsdeck(const QStringList &args, QString *out, QString *err = nullptr)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ASAN_OPTIONS"), QStringLiteral("detect_leaks=0"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("OPSDECK_BINARY"),
                QStringList{QStringLiteral("-w"), m_demo.value(QStringLiteral("WORKSPACE"))} +
                    args);
        p.waitForFinished(120'000);
        *out = QString::fromUtf8(p.readAllStandardOutput());
        const QString stderrText = QString::fromUtf8(p.readAllStandardError());
        if (err)
            *err = stderrText;
        else
            out->append(stderrText);
        return p.exitCode();
    }

    QJsonArray alertmanagerGet(const QString &path)
    {
        return DemoWeb2::alertmanagerGet(m_http, m_demo.value(QStringLiteral("ALERTMANAGER_PORT")),
                                         path);
    }

    QJsonObject alertmanagerSilence(const QString &id)
    {
        for (const QJsonValue &s : alertmanagerGet(QStringLiteral("/api/v2/silences")))
            if (s.toObject().value(QStringLiteral("id")).toString() == id)
                return s.toObject();
        return {};
    }

    /** Silences an earlier, interrupted run left behind would hide what this run checks. */
    void expireOurSilences()
    {
        for (const Silence &s : snapshot().silences) {
            if (!s.isActive() && s.state != QLatin1String("pending"))
                continue;
            if (!s.comment.startsWith(QLatin1String("tst_alerts:")))
                continue;
            const QFuture<Status> expired = alerts()->expireSilence(s.id);
            QVERIFY(QTest::qWaitFor([&] { return expired.isFinished(); }, 20000));
        }
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_contexts = std::make_unique<EnvironmentContexts>(*m_workspace, m_pool.get());
        QVERIFY(m_home.isValid());
        expireOurSilences();
    }

    void cleanupTestCase()
    {
        expireOurSilences();
        // Whatever happened above, web2 serves again for the tests after this one.
        if (!DemoWeb2::isServing())
            DemoWeb2::restart(m_pool.get(), this);
        m_contexts.reset();
        m_pool.reset();
    }

    void theRulesAreReadThroughTheTunnel()
    {
        QVERIFY(alerts());
        QVERIFY(alerts()->hasAlertmanager());
        const AlertsSnapshot s = snapshot();
        QVERIFY2(s.prometheusError.isEmpty(), qPrintable(s.prometheusError));
        QVERIFY2(s.alertmanagerError.isEmpty(), qPrintable(s.alertmanagerError));
        QStringList names;
        for (const AlertRule &rule : s.rules) {
            names << rule.name;
            QVERIFY2(rule.health != QLatin1String("err"), qPrintable(rule.lastError));
        }
        names.sort();
        QCOMPARE(
            names,
            (QStringList{QStringLiteral("DatabaseConnectionsHigh"), QStringLiteral("DiskSpaceLow"),
                         QStringLiteral("HighErrorRate"), QStringLiteral("InstanceDown")}));
        const auto instanceDown =
            std::find_if(s.rules.cbegin(), s.rules.cend(), [](const AlertRule &r) {
                return r.name == QLatin1String("InstanceDown");
            });
        QCOMPARE(instanceDown->forMs, 15000);
        QCOMPARE(instanceDown->labels.value(QStringLiteral("severity")),
                 QStringLiteral("critical"));
        QVERIFY(instanceDown->annotations.value(QStringLiteral("runbook_url"))
                    .startsWith(QLatin1String("https://")));

        // The workspace's copy of the rules (alerts: rules:) is what the server runs: promtool
        // passes it, and every rule compares the same (0.10 in the file, 0.1 on the server).
        QString out;
        QCOMPARE(opsdeck({QStringLiteral("alert-rules"), QStringLiteral("production")}, &out), 0);
        QVERIFY2(out.contains(QLatin1String("SUCCESS")) &&
                     out.contains(QLatin1String("4 alerting rules are the same")),
                 qPrintable(out));
    }

    void aStoppedHostFiresSilencesAndClears()
    {
        // Other alerts of the demo (its 5xx rule fires now and then) must not decide the exit
        // codes below: they are silenced for the test, through the CLI as a person would.
        QString out, err;
        QCOMPARE(opsdeck({QStringLiteral("silence"), QStringLiteral("production"),
                          QStringLiteral(
                              "alertname=~HighErrorRate|DiskSpaceLow|DatabaseConnectionsHigh"),
                          QStringLiteral("--for"), QStringLiteral("30m"), QStringLiteral("-m"),
                          QStringLiteral("tst_alerts: not under test"), QStringLiteral("--yes")},
                         &out, &err),
                 0);
        const QString othersId = out.trimmed();

        QVERIFY(DemoWeb2::stop());
        // for: 15 s, a 2 s scrape and evaluation, then one refresh.
        std::optional<AlertInstance> down;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         down = web2Alert(QStringLiteral("InstanceDown"), snapshot());
                         return down && down->isFiring();
                     },
                     90000),
                 "InstanceDown web2 did not fire");
        QCOMPARE(down->severity(), AlertSeverity::Critical);
        QVERIFY(down->annotations.value(QStringLiteral("summary")).contains(QLatin1String("web2")));
        const QString summary = snapshot().summary();
        QVERIFY2(summary.contains(QLatin1String("firing (critical)")), qPrintable(summary));

        // Staging shares the Prometheus; production's alert is not staging's.
        QVERIFY(!web2Alert(QStringLiteral("InstanceDown"), snapshot(QStringLiteral("staging"))));
        QCOMPARE(opsdeck({QStringLiteral("alerts"), QStringLiteral("production")}, &out), 2);
        QVERIFY2(out.contains(QLatin1String("InstanceDown web2")), qPrintable(out));

        // Silence it: Alertmanager holds it with the comment and the OS user; the audit log
        // has the row; the alert shows as silenced and no longer counts for the exit code.
        QCOMPARE(
            opsdeck({QStringLiteral("silence"), QStringLiteral("production"),
                     QStringLiteral("alertname=InstanceDown"), QStringLiteral("host=web2"),
                     QStringLiteral("--for"), QStringLiteral("1h"), QStringLiteral("-m"),
                     QStringLiteral("tst_alerts: web2 is being rebuilt"), QStringLiteral("--yes")},
                    &out, &err),
            0);
        const QString id = out.trimmed();
        QVERIFY2(!id.isEmpty(), qPrintable(err));
        const QJsonObject held = alertmanagerSilence(id);
        QCOMPARE(held.value(QStringLiteral("comment")).toString(),
                 QStringLiteral("tst_alerts: web2 is being rebuilt"));
        QCOMPARE(held.value(QStringLiteral("createdBy")).toString(),
                 AuditLog::currentUser().section(QLatin1Char('@'), 0, 0));
        QCOMPARE(held.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")),
                 QJsonValue(QStringLiteral("active")));
        AuditLog audit(m_home.path() + QStringLiteral("/opsdeck/audit.sqlite"));
        const QList<AuditEntry> rows = audit.recent(10, QStringLiteral("production"));
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows.first().action, QStringLiteral("alerts.silence"));
        QVERIFY2(rows.first().target.contains(QLatin1String("host=\"web2\"")),
                 qPrintable(rows.first().target));
        QCOMPARE(rows.first().comment, QStringLiteral("tst_alerts: web2 is being rebuilt"));
        QVERIFY2(rows.first().outcome.startsWith(QLatin1String("succeeded")),
                 qPrintable(rows.first().outcome));
        QVERIFY2(rows.first().after.contains(id), qPrintable(rows.first().after));

        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         down = web2Alert(QStringLiteral("InstanceDown"), snapshot());
                         return down && down->silencedBy.contains(id);
                     },
                     30000),
                 "the alert never showed as silenced");
        QVERIFY(opsdeck({QStringLiteral("alerts"), QStringLiteral("production")}, &out) != 2);
        QVERIFY2(out.contains(QLatin1String("firing (silenced)")), qPrintable(out));
        QCOMPARE(opsdeck({QStringLiteral("silences"), QStringLiteral("production")}, &out), 0);
        QVERIFY2(out.contains(id) &&
                     out.contains(QLatin1String("tst_alerts: web2 is being rebuilt")),
                 qPrintable(out));

        // Expire it: Alertmanager says expired, and the audit log says who and why.
        QCOMPARE(opsdeck({QStringLiteral("unsilence"), QStringLiteral("production"), id,
                          QStringLiteral("-m"), QStringLiteral("rebuilt"), QStringLiteral("--yes")},
                         &out),
                 0);
        QCOMPARE(alertmanagerSilence(id)
                     .value(QStringLiteral("status"))
                     .toObject()
                     .value(QStringLiteral("state")),
                 QJsonValue(QStringLiteral("expired")));
        QCOMPARE(audit.recent(1, QStringLiteral("production")).first().action,
                 QStringLiteral("alerts.expire_silence"));

        // gunicorn back: the alert clears and the command exits 0.
        QVERIFY(DemoWeb2::restart(m_pool.get(), this));
        int code = -1;
        QVERIFY2(
            QTest::qWaitFor(
                [&] {
                    code = opsdeck({QStringLiteral("alerts"), QStringLiteral("production")}, &out);
                    return code == 0;
                },
                90000),
            qPrintable(QStringLiteral("exit %1: %2").arg(code).arg(out)));
        QVERIFY(!web2Alert(QStringLiteral("InstanceDown"), snapshot()));
        QCOMPARE(opsdeck({QStringLiteral("unsilence"), QStringLiteral("production"), othersId,
                          QStringLiteral("--yes"), QStringLiteral("-m"), QStringLiteral("done")},
                         &out),
                 0);
    }

    void aProtectedEnvironmentAsksForConfirmation()
    {
        // production is protected: without --yes (and no terminal to type its name at) nothing
        // is silenced.
        QString out;
        QVERIFY(opsdeck({QStringLiteral("silence"), QStringLiteral("production"),
                         QStringLiteral("alertname=InstanceDown"), QStringLiteral("-m"),
                         QStringLiteral("tst_alerts: x")},
                        &out) != 0);
        for (const QJsonValue &s : alertmanagerGet(QStringLiteral("/api/v2/silences")))
            QVERIFY(s.toObject().value(QStringLiteral("comment")).toString() !=
                    QLatin1String("tst_alerts: x"));
        QVERIFY(opsdeck({QStringLiteral("silence"), QStringLiteral("production"),
                         QStringLiteral("nonsense"), QStringLiteral("--yes")},
                        &out) == 2);
        QVERIFY2(out.contains(QLatin1String("expected a matcher")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
