// SPDX-License-Identifier: GPL-3.0-or-later
// The deploy engine against the demo world's real sshd hosts and the real Minitwit app: every
// assertion is read back from the hosts' file systems or from the app itself over HTTP.
#include "audit/auditlog.h"
#include "deploy/deployrunner.h"
#include "deploy/deployscripts.h"
#include "deploy/deploystatusquery.h"
#include "deploy/hostlines.h"
#include "deploytestworld.h"
#include "runtime/sshpool.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace Opsdeck;
using Outcome = DeployRunner::Outcome;

namespace {

/** Walks up from `pid` to the sshd process serving its session. */
pid_t sshdSessionOf(pid_t pid)
{
    for (int hops = 0; pid > 1 && hops < 20; ++hops) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray text = stat.readAll();
        const QByteArray comm =
            text.mid(text.indexOf('(') + 1, text.lastIndexOf(')') - text.indexOf('(') - 1);
        if (comm.startsWith("sshd"))
            return pid;
        pid = text.mid(text.lastIndexOf(')') + 2).split(' ').value(1).toInt();
    }
    return -1;
}

} // namespace

class TestDeployEngine final : public QObject
{
    Q_OBJECT

    std::unique_ptr<DeployTestWorld> m_world;
    Workspace m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    QTemporaryDir m_auditDir;
    std::unique_ptr<AuditLog> m_audit;
    QByteArray m_output;

    /** Runs one job to its end; the combined output is kept in m_output. */
    Outcome run(const QString &environment, const std::function<void(DeployRunner &)> &start,
                const std::function<void(DeployRunner &)> &during = {},
                DeployRunner **keep = nullptr)
    {
        auto *runner = new DeployRunner(m_pool.get(), *m_workspace.environment(environment), this);
        runner->setAuditLog(m_audit.get(), m_workspace.name);
        m_output.clear();
        auto lines =
            std::make_shared<HostLineSplitter>([this](const QString &host, const QByteArray &line) {
                m_output += (host.isEmpty() ? QByteArray() : host.toUtf8() + " | ") + line + '\n';
            });
        connect(runner, &DeployRunner::output, this,
                [lines](const QString &host, const QByteArray &data) { lines->write(host, data); });
        connect(runner, &DeployRunner::finished, this, [lines] { lines->flush(); });
        QSignalSpy finished(runner, &DeployRunner::finished);
        start(*runner);
        if (during)
            during(*runner);
        if (finished.isEmpty())
            finished.wait(180000);
        if (finished.isEmpty())
            qWarning().noquote() << "did not finish:\n" << m_output;
        const Outcome outcome = runner->outcome();
        if (keep)
            *keep = runner;
        else
            runner->deleteLater();
        return outcome;
    }

    Outcome deploy(const QString &environment, const QString &ref)
    {
        return run(environment, [&](DeployRunner &r) { r.deploy(ref, QStringLiteral("test")); });
    }

    EnvironmentDeployState status(const QString &environment)
    {
        DeployStatusQuery query(m_pool.get(), *m_workspace.environment(environment));
        QSignalSpy done(&query, &DeployStatusQuery::finished);
        query.start();
        done.wait(30000);
        return done.value(0).value(0).value<EnvironmentDeployState>();
    }

    void useWorkspace(const QString &deployExtra = {}, const QString &health = {})
    {
        m_pool.reset();
        m_workspace = m_world->workspace(deployExtra, health);
        m_pool = std::make_unique<SshPool>(m_workspace, &m_reject);
    }

private slots:
    void initTestCase()
    {
        qRegisterMetaType<EnvironmentDeployState>();
        m_world = std::make_unique<DeployTestWorld>();
        QVERIFY2(m_world->isReady(), qPrintable(m_world->error()));
        m_audit = std::make_unique<AuditLog>(m_auditDir.filePath(QStringLiteral("audit.sqlite")));
        useWorkspace();
        QVERIFY(m_workspace.environment(QStringLiteral("prod")));
    }

    void cleanupTestCase()
    {
        m_pool.reset();
        m_world.reset();
    }

    void unreachableHostStopsPreflightBeforeAnyChange()
    {
        QCOMPARE(deploy(QStringLiteral("withghost"), QStringLiteral("v1")), Outcome::Refused);
        QVERIFY2(m_output.contains("ghost"), m_output.constData());
        QVERIFY(!m_world->lockExists());
        QVERIFY(m_world->releases(QStringLiteral("web1")).isEmpty());
    }

    void dryRunPrintsThePlanAndChangesNothing()
    {
        QList<PlanStep> plan;
        const Outcome outcome = run(QStringLiteral("prod"), [&](DeployRunner &r) {
            r.setDryRun(true);
            connect(&r, &DeployRunner::planReady, this,
                    [&](const QList<PlanStep> &p) { plan = p; });
            r.deploy(QStringLiteral("v2"), {});
        });
        QCOMPARE(outcome, Outcome::Succeeded);
        const QString text = formatPlan(plan);
        QVERIFY2(text.contains(m_world->revisionOf(QStringLiteral("v2"))), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("manage.py migrate")));
        QVERIFY(m_world->releases(QStringLiteral("web1")).isEmpty());
        QVERIFY(!m_world->lockExists());
    }

    void unknownRefIsRefusedWithTheKnownOnes()
    {
        QCOMPARE(deploy(QStringLiteral("prod"), QStringLiteral("no-such-branch")),
                 Outcome::Refused);
        QVERIFY2(m_output.contains("unknown ref 'no-such-branch'") && m_output.contains("v2"),
                 m_output.constData());
    }

    void aRefThatMovedSinceThePlanIsRefused()
    {
        // The plan showed v1's commit; by the time the deploy starts "v2" is asked for (as if
        // the branch had been pushed): nothing may ship.
        const QString shown = m_world->revisionOf(QStringLiteral("v1"));
        const Outcome outcome = run(QStringLiteral("prod"), [&](DeployRunner &r) {
            r.setExpectedRevision(shown);
            r.deploy(QStringLiteral("v2"), QStringLiteral("test"));
        });
        QCOMPARE(outcome, Outcome::Refused);
        QVERIFY2(m_output.contains("now points at") && m_output.contains(shown.left(12).toUtf8()),
                 m_output.constData());
        QVERIFY(m_world->releases(QStringLiteral("web1")).isEmpty());
        QVERIFY(!m_world->lockExists());
    }

    void deployReachesBothHostsAndTheAppServesTheNewRevision()
    {
        // The audit row exists as soon as the deploy starts (a killed run still leaves it).
        const Outcome first = run(
            QStringLiteral("prod"),
            [](DeployRunner &r) { r.deploy(QStringLiteral("v1"), QStringLiteral("test")); },
            [this](DeployRunner &) {
                const AuditEntry started = m_audit->recent(1).value(0);
                QCOMPARE(started.action, QStringLiteral("deploy"));
                QCOMPARE(started.outcome, QStringLiteral("started"));
            });
        QCOMPARE(first, Outcome::Succeeded);
        QCOMPARE(m_audit->recent(1).value(0).outcome, QStringLiteral("succeeded"));
        QCOMPARE(deploy(QStringLiteral("prod"), QStringLiteral("v2")), Outcome::Succeeded);
        const QString v2 = m_world->revisionOf(QStringLiteral("v2"));
        for (const QString &host : {QStringLiteral("web1"), QStringLiteral("web2")}) {
            QCOMPARE(m_world->servedRevision(host), v2);
            QVERIFY(m_world->current(host).endsWith(v2.left(7)));
            QCOMPARE(m_world->releases(host).size(), 2);
        }
        QVERIFY(!m_world->lockExists());
        // The migration ran once (release phase), on the first host only.
        QVERIFY2(m_output.count("Applying twit.0002_message_likes... OK") == 1,
                 m_output.constData());
        QVERIFY(m_output.contains("web1 | $ venv/bin/python manage.py migrate"));
        QVERIFY(!m_output.contains("web2 | $ venv/bin/python manage.py migrate"));
        // Every host has the same history; so does the local audit log.
        const EnvironmentDeployState state = status(QStringLiteral("prod"));
        QCOMPARE(state.history.value(0).result, HistoryEntry::Result::Succeeded);
        QCOMPARE(state.history.value(0).ref, QStringLiteral("v2"));
        for (const HostDeployState &h : state.hosts)
            QCOMPARE(h.history.size(), 4); // started + success, twice
        QCOMPARE(m_audit->recent(1).value(0).action, QStringLiteral("deploy"));
        QCOMPARE(m_audit->recent(1).value(0).outcome, QStringLiteral("succeeded"));
    }

    void releasePhaseFailureLeavesCurrentUntouched()
    {
        const QString before = m_world->current(QStringLiteral("web1"));
        QCOMPARE(deploy(QStringLiteral("prod"), QStringLiteral("v3-broken-migration")),
                 Outcome::Failed);
        QVERIFY2(m_output.contains("twit_no_such_table"), m_output.constData());
        for (const QString &host : {QStringLiteral("web1"), QStringLiteral("web2")}) {
            QCOMPARE(m_world->current(host), before);
            QCOMPARE(m_world->releases(host).size(), 2); // the failed release was removed
        }
        QVERIFY(!m_world->lockExists());
        QCOMPARE(status(QStringLiteral("prod")).history.value(0).result,
                 HistoryEntry::Result::Failed);
    }

    void healthFailureInTheCanaryStopsTheRollout()
    {
        const QString before = m_world->current(QStringLiteral("web2"));
        const QString v2 = m_world->revisionOf(QStringLiteral("v2"));
        DeployRunner *runner = nullptr;
        QCOMPARE(run(
                     QStringLiteral("canary"),
                     [](DeployRunner &r) { r.deploy(QStringLiteral("v4-unhealthy"), {}); }, {},
                     &runner),
                 Outcome::Failed);
        std::unique_ptr<DeployRunner> owned(runner);
        QCOMPARE(runner->batches().size(), 2);
        QVERIFY2(m_output.contains("web1 | health check failed"), m_output.constData());
        // With the app's newest log lines (gunicorn's error log, from the workspace's logs:).
        QVERIFY2(m_output.contains("the last ") && m_output.contains("lines of web1's logs"),
                 m_output.constData());
        QVERIFY2(m_output.contains("web1 | ") && m_output.contains(" error.log  "),
                 m_output.constData());
        // Batch 1 (web1) was switched back; batch 2 (web2) never left the old release.
        QCOMPARE(runner->hostState(QStringLiteral("web1")), DeployRunner::HostState::Reverted);
        QCOMPARE(runner->hostState(QStringLiteral("web2")), DeployRunner::HostState::Built);
        QVERIFY(!m_output.contains("web2 | current ->"));
        // Said in plain words: what the gate got, for how long, and where web1 is now (the ref
        // the previous release was deployed from, not its directory name).
        QVERIFY2(runner->summary().startsWith(
                     QStringLiteral("web1's health check `bin/healthcheck` kept failing for ")),
                 qPrintable(runner->summary()));
        QVERIFY2(runner->summary().endsWith(QStringLiteral("; web1 was switched back to v2")),
                 qPrintable(runner->summary()));
        QVERIFY2(runner->stepsText().contains(QStringLiteral("Batch 1/2 ")),
                 qPrintable(runner->stepsText()));
        QVERIFY(!runner->stepsText().contains(QStringLiteral("Batch 2/2")));
        QCOMPARE(m_world->current(QStringLiteral("web1")), before);
        QCOMPARE(m_world->current(QStringLiteral("web2")), before);
        QCOMPARE(m_world->servedRevision(QStringLiteral("web1")), v2);
        QCOMPARE(m_world->servedRevision(QStringLiteral("web2")), v2);
        QVERIFY(!m_world->lockExists());
    }

    void lockHeldByAnotherDeployBlocksASecondOne()
    {
        // Someone else's deploy, as their console writes it.
        LockInfo theirs;
        theirs.id = QStringLiteral("someone-else");
        theirs.user = QStringLiteral("alice@laptop");
        theirs.since = QDateTime::currentDateTimeUtc();
        theirs.action = QStringLiteral("deploy");
        theirs.ref = QStringLiteral("hotfix-42");
        theirs.comment = QStringLiteral("urgent fix");
        HostFanOut lock(m_pool.get());
        QSignalSpy locked(&lock, &HostFanOut::finished);
        lock.start({QStringLiteral("web1")}, [&](const QString &) {
            return DeployScripts::lock(*m_workspace.environment(QStringLiteral("prod"))->deploy,
                                       theirs.toJson());
        });
        QVERIFY(locked.wait(20000));
        QVERIFY(lock.outcomes().value(0).ok());
        QVERIFY(m_world->lockExists());

        QCOMPARE(deploy(QStringLiteral("prod"), QStringLiteral("v2")), Outcome::Refused);
        QVERIFY2(m_output.contains("locked by alice@laptop") && m_output.contains("urgent fix"),
                 m_output.constData());
        QVERIFY(m_world->lockExists()); // theirs: untouched
        const EnvironmentDeployState state = status(QStringLiteral("prod"));
        QVERIFY(state.lock);
        QCOMPARE(state.lock->user, QStringLiteral("alice@laptop"));

        // Breaking "the lock that was shown" leaves a newer one alone.
        const auto breakLock = [this](const QString &id) {
            HostFanOut unlock(m_pool.get());
            QSignalSpy unlocked(&unlock, &HostFanOut::finished);
            unlock.start({QStringLiteral("web1")}, [&](const QString &) {
                return DeployScripts::breakLock(
                    *m_workspace.environment(QStringLiteral("prod"))->deploy, id);
            });
            unlocked.wait(20000);
            return unlock.outcomes().value(0);
        };
        const HostOutcome stale = breakLock(QStringLiteral("an-older-lock"));
        QCOMPARE(stale.exitStatus, 4);
        QVERIFY(m_world->lockExists());
        QVERIFY(breakLock(QStringLiteral("someone-else")).ok());
        QVERIFY(!m_world->lockExists());
    }

    void cancelDuringTheBuildLeavesCurrentUntouched()
    {
        useWorkspace(QStringLiteral("build: [\"echo building; sleep 60\"]"));
        const QString before = m_world->current(QStringLiteral("web1"));
        const QStringList releasesBefore = m_world->releases(QStringLiteral("web1"));
        const Outcome outcome = run(
            QStringLiteral("prod"), [](DeployRunner &r) { r.deploy(QStringLiteral("v2"), {}); },
            [this](DeployRunner &r) {
                QVERIFY(
                    QTest::qWaitFor([this] { return m_output.count("building\n") == 2; }, 30000));
                r.cancel();
            });
        QCOMPARE(outcome, Outcome::Cancelled);
        QCOMPARE(m_world->current(QStringLiteral("web1")), before);
        QCOMPARE(m_world->current(QStringLiteral("web2")), before);
        QCOMPARE(m_world->releases(QStringLiteral("web1")), releasesBefore);
        QVERIFY(!m_world->lockExists());
        QCOMPARE(status(QStringLiteral("prod")).history.value(0).result,
                 HistoryEntry::Result::Cancelled);
        useWorkspace();
    }

    void killedConnectionMidBuildLeavesTheLockAndAnInterruptedEntry()
    {
        // `$$` is the workspace's escape for a literal `$`, so the shell sees `$$`.
        useWorkspace(QStringLiteral("build: [\"echo $$$$ > build.pid; sleep 60\"]"));
        const QString before = m_world->current(QStringLiteral("web2"));
        const Outcome outcome = run(
            QStringLiteral("prod"), [](DeployRunner &r) { r.deploy(QStringLiteral("v2"), {}); },
            [this](DeployRunner &r) {
                QString pidFile;
                QVERIFY(QTest::qWaitFor(
                    [&] {
                        if (r.context().release.isEmpty())
                            return false;
                        pidFile = m_world->hostDir(QStringLiteral("web2")) +
                                  QStringLiteral("/releases/") + r.context().release +
                                  QStringLiteral("/build.pid");
                        return QFileInfo(pidFile).size() > 0;
                    },
                    30000));
                QFile file(pidFile);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray pid = file.readAll().trimmed();
                const pid_t sshd = sshdSessionOf(pid.toInt());
                QVERIFY2(sshd > 1, pid.constData());
                ::kill(sshd, SIGKILL); // web2's sshd session dies mid-build
            });
        QCOMPARE(outcome, Outcome::Interrupted);
        QVERIFY(m_world->lockExists());
        QCOMPARE(m_world->current(QStringLiteral("web2")), before);
        const EnvironmentDeployState state = status(QStringLiteral("prod"));
        QVERIFY(state.lock);
        QCOMPARE(state.history.value(0).result, HistoryEntry::Result::Interrupted);
        QVERIFY(m_audit->recent(1).value(0).outcome.startsWith(QStringLiteral("interrupted")));

        // A second deploy is refused until someone breaks the lock.
        QCOMPARE(deploy(QStringLiteral("prod"), QStringLiteral("v2")), Outcome::Refused);
        QDir(m_world->hostDir(QStringLiteral("web1")) + QStringLiteral("/.opsdeck-lock"))
            .removeRecursively();
        useWorkspace();
    }

    void rollbackSwitchesBackAndRestarts()
    {
        const QString v1 = m_world->revisionOf(QStringLiteral("v1"));
        QCOMPARE(run(QStringLiteral("prod"),
                     [](DeployRunner &r) { r.rollback({}, QStringLiteral("bad v2")); }),
                 Outcome::Succeeded);
        for (const QString &host : {QStringLiteral("web1"), QStringLiteral("web2")}) {
            QVERIFY(m_world->current(host).endsWith(v1.left(7)));
            QCOMPARE(m_world->servedRevision(host), v1);
        }
        const HistoryEntry last = status(QStringLiteral("prod")).history.value(0);
        QCOMPARE(last.action, QStringLiteral("rollback"));
        QCOMPARE(last.comment, QStringLiteral("bad v2"));
        QCOMPARE(last.result, HistoryEntry::Result::Succeeded);
    }

    void pruneKeepsTheConfiguredNumberOfReleases()
    {
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(deploy(QStringLiteral("prod"), QStringLiteral("v2")), Outcome::Succeeded);
            QTest::qWait(1000); // release names have one-second resolution
        }
        for (const QString &host : {QStringLiteral("web1"), QStringLiteral("web2")}) {
            const QStringList releases = m_world->releases(host);
            QCOMPARE(releases.size(), 3); // keep: 3
            QCOMPARE(m_world->current(host), releases.first());
        }
    }

    void adHocCommandFansOutAndReportsEachHost()
    {
        QCOMPARE(run(QStringLiteral("prod"),
                     [](DeployRunner &r) { r.runCommand(QStringLiteral("echo on-$HOST")); }),
                 Outcome::Succeeded);
        QVERIFY(m_output.contains("web1 | on-web1\n"));
        QVERIFY(m_output.contains("web2 | on-web2\n"));
        DeployRunner *runner = nullptr;
        QCOMPARE(run(
                     QStringLiteral("prod"),
                     [](DeployRunner &r) { r.runCommand(QStringLiteral("test $HOST = web1"), {}); },
                     {}, &runner),
                 Outcome::Failed);
        std::unique_ptr<DeployRunner> owned(runner);
        QCOMPARE(runner->hostState(QStringLiteral("web1")), DeployRunner::HostState::Done);
        QCOMPARE(runner->hostState(QStringLiteral("web2")), DeployRunner::HostState::Failed);
        QCOMPARE(m_audit->recent(1).value(0).action, QStringLiteral("run"));
        // The command's arguments (a password, say) are not kept; the program and a digest are.
        QCOMPARE(run(QStringLiteral("prod"),
                     [](DeployRunner &r) {
                         r.runCommand(QStringLiteral("test s3cret-pass = s3cret-pass"));
                     }),
                 Outcome::Succeeded);
        const AuditEntry audited = m_audit->recent(1).value(0);
        QVERIFY2(!audited.target.contains(QLatin1String("s3cret")), qPrintable(audited.target));
        QVERIFY2(audited.target.contains(QStringLiteral("`test …`")), qPrintable(audited.target));
    }

    void urlHealthCheckGoesThroughATunnelAndTheWebhookIsTold()
    {
        QTcpServer hook;
        QVERIFY(hook.listen(QHostAddress::LocalHost));
        QByteArray request;
        connect(&hook, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *s = hook.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [s, &request] {
                request += s->readAll();
                if (request.contains("\r\n\r\n") && request.endsWith("}")) {
                    s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
                    s->disconnectFromHost();
                }
            });
        });
        // The URL is as the host sees it; the request goes through each host's own SSH tunnel.
        // (All demo hosts share one loopback, so web1's app answers for both here.)
        useWorkspace(
            QStringLiteral("notify: { webhook: \"http://127.0.0.1:%1/hook\" }")
                .arg(hook.serverPort()),
            QStringLiteral(
                "{ url: \"http://127.0.0.1:%1/up\", interval: 300ms, timeout: 3s, budget: 10s }")
                .arg(m_world->appPort(QStringLiteral("web1"))));
        QCOMPARE(deploy(QStringLiteral("canary"), QStringLiteral("v2")), Outcome::Succeeded);
        // The app may still be starting when the first attempt lands; the gate retries until the
        // budget.
        QVERIFY2(m_output.contains(QByteArray("web1 | health check passed (attempt ")) &&
                     m_output.contains("HTTP 200"),
                 m_output.constData());
        QVERIFY2(m_output.contains("web2 | health check passed"), m_output.constData());
        QVERIFY(QTest::qWaitFor([&] { return request.endsWith("}"); }, 5000));
        const QJsonObject body =
            QJsonDocument::fromJson(request.mid(request.indexOf("\r\n\r\n") + 4)).object();
        QVERIFY2(body.value(QStringLiteral("text"))
                     .toString()
                     .contains(QStringLiteral("on canary succeeded")),
                 request.constData());
        useWorkspace();
    }
};

QTEST_GUILESS_MAIN(TestDeployEngine)
#include "tst_deployengine.moc"
