// SPDX-License-Identifier: GPL-3.0-or-later
// What the live deploy view says while it waits and after it failed: step times and the health
// gate's failure in plain words.
#include "deploy/deploysteps.h"
#include "deploy/healthgate.h"
#include "deploy/runlisting.h"

#include <QTest>

using namespace Opsdeck;

class TestDeploySteps final : public QObject
{
    Q_OBJECT

private slots:
    void eachStepShowsItsTimeAndTheRunningOneCountsUp()
    {
        DeploySteps steps;
        QCOMPARE(steps.text(0), QString());
        steps.begin(QStringLiteral("Preflight"), 0);
        steps.begin(QStringLiteral("Lock"), 400);
        steps.begin(QStringLiteral("Build"), 600);
        steps.begin(QStringLiteral("Batch 1/2"), 8700);
        QCOMPARE(steps.text(21'000),
                 QStringLiteral("Preflight 0.4 s › Lock 0.2 s › Build 8.1 s › Batch 1/2 12 s…"));
        steps.end(23'000);
        QCOMPARE(steps.steps().last().endedMs, 23'000);
        QVERIFY(!steps.text(99'000).endsWith(QStringLiteral("…")));
        steps.end(99'000); // ending twice keeps the first end
        QCOMPARE(steps.steps().last().endedMs, 23'000);
    }

    void durationsReadLikeAPersonWouldSayThem()
    {
        QCOMPARE(DeploySteps::formatDuration(0), QStringLiteral("0.0 s"));
        QCOMPARE(DeploySteps::formatDuration(9'949), QStringLiteral("9.9 s"));
        QCOMPARE(DeploySteps::formatDuration(42'400), QStringLiteral("42 s"));
        QCOMPARE(DeploySteps::formatDuration(125'000), QStringLiteral("2 min 5 s"));
    }

    void aFailedGateSaysWhatItGotAndForHowLong()
    {
        HealthCheckSpec url;
        url.url = QStringLiteral("http://127.0.0.1:8000/up");
        QCOMPARE(HealthGate::failureSentence(url, QStringLiteral("web1"),
                                             QStringLiteral("HTTP 503 Service Unavailable"), true,
                                             30'200),
                 QStringLiteral("web1's health check got HTTP 503 Service Unavailable for 30 s"));
        QCOMPARE(HealthGate::failureSentence(url, QStringLiteral("web2"),
                                             QStringLiteral("Connection refused"), false, 29'600),
                 QStringLiteral("web2's health check got no answer for 30 s (Connection refused)"));
        HealthCheckSpec command;
        command.run = QStringLiteral("bin/healthcheck");
        QCOMPARE(HealthGate::failureSentence(command, QStringLiteral("web1"),
                                             QStringLiteral("exit status 1"), false, 100),
                 QStringLiteral("web1's health check `bin/healthcheck` kept failing for 1 s: exit "
                                "status 1"));
    }
    // The Jobs view names a run by what it does and shows the command line that does the same.
    void aRunIsListedAsTheCommandLineThatDoesTheSame()
    {
        using Kind = DeployRunner::Kind;
        const RunDescription deploy =
            describeRun(Kind::Deploy, QStringLiteral("production"), QStringLiteral("v2"));
        QCOMPARE(deploy.title, QStringLiteral("deploy v2"));
        QCOMPARE(deploy.command, QStringLiteral("opsdeck deploy production --ref v2"));
        QCOMPARE(describeRun(Kind::Rollback, QStringLiteral("staging"), {}).command,
                 QStringLiteral("opsdeck rollback staging"));
        QCOMPARE(describeRun(Kind::Rollback, QStringLiteral("staging"), QStringLiteral("r1")).title,
                 QStringLiteral("rollback to r1"));
        const RunDescription run =
            describeRun(Kind::Command, QStringLiteral("swarm"), QStringLiteral("cat /tmp/it's"),
                        QStringLiteral("web"));
        QCOMPARE(run.title, QStringLiteral("run: cat /tmp/it's"));
        QCOMPARE(run.command,
                 QStringLiteral("opsdeck run swarm --service web -- 'cat /tmp/it'\\''s'"));
    }
};

QTEST_GUILESS_MAIN(TestDeploySteps)
#include "tst_deploysteps.moc"
