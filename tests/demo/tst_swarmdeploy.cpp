// SPDX-License-Identifier: GPL-3.0-or-later
// Deploys of the demo's swarm stack (tests/services/swarm.sh) on a real dockerd, through the
// bastion and web1's SSH session as a user's would go: v1 → v2 built from the git tag on the
// build host and rolled out; the lock refusing a second deploy; v3-broken-migration stopped in
// the release phase with no service changed; v4-unhealthy failing the health gate and every
// replica put back on the image it ran, with the failing tasks' errors and logs; commands run
// in one-off tasks of a service; the same through `opsdeck deploy|run` on the command line.
// What Opsdeck says is checked against the Docker CLI's own view.
#include "containerrun.h"
#include "docker/dockerengine.h"
#include "docker/swarmdeployrunner.h"
#include "docker/swarmlock.h"
#include "futurewait.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "ssh/hostkey.h"
#include "stallmeter.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QDateTime>
#include <QProcess>

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace Opsdeck;

class TestSwarmDeploy final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    QHash<QString, QString> m_swarm;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<EnvironmentContexts> m_contexts;
    QString m_v2Image; // what the v1 → v2 deploy built

    static QString docker(const QStringList &args) { return TestServices::docker(args); }
    static QString service() { return QStringLiteral("minitwit_web"); }

    DockerEngine *engine() { return m_contexts->context(QStringLiteral("swarm"))->docker(); }
    const EnvironmentSpec &environment() const
    {
        return *m_workspace->environment(QStringLiteral("swarm"));
    }

    /** The image the service's spec names, as `docker service inspect` says it. */
    static QString specImage()
    {
        return docker({QStringLiteral("service"), QStringLiteral("inspect"), QStringLiteral("-f"),
                       QStringLiteral("{{.Spec.TaskTemplate.ContainerSpec.Image}}"), service()});
    }

    /** The images of the tasks Swarm wants running, one line each. */
    static QStringList runningImages()
    {
        return docker({QStringLiteral("service"), QStringLiteral("ps"), QStringLiteral("--filter"),
                       QStringLiteral("desired-state=running"), QStringLiteral("--format"),
                       QStringLiteral("{{.Image}} {{.CurrentState}}"), service()})
            .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

    QString gitRevision(const QString &ref) const
    {
        QProcess git;
        git.start(QStringLiteral("git"),
                  {QStringLiteral("-C"), m_demo.value(QStringLiteral("GIT_REPO")),
                   QStringLiteral("rev-parse"), ref + QStringLiteral("^{commit}")});
        git.waitForFinished();
        return QString::fromUtf8(git.readAllStandardOutput()).trimmed();
    }

    /** `opsdeck -w SWARM_WORKSPACE ARGS…` with its audit log under `home`; the exit code. */
    int runCli(const QString &home, const QStringList &args, QString *out, int timeoutMs = 60'000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home);
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("OPSDECK_BINARY"),
                QStringList{QStringLiteral("-w"), m_swarm.value(QStringLiteral("WORKSPACE"))} +
                    args);
        p.waitForFinished(timeoutMs);
        *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitCode();
    }

    using Run = ContainerRun;

    static Run deploy(SwarmDeployRunner &runner, const std::function<void()> &start)
    {
        return driveContainerRun(runner, start);
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        m_swarm = TestServices::load(QStringLiteral("swarm"));
        QVERIFY2(!m_swarm.value(QStringLiteral("DOCKER_SOCKET")).isEmpty(),
                 "the swarm fixture did not start (see services.swarm.start)");
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_swarm.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_contexts = std::make_unique<EnvironmentContexts>(*m_workspace, m_pool.get());
        // Whatever an earlier test left: start from v1.
        if (!specImage().startsWith(QLatin1String("minitwit:v1")))
            docker({QStringLiteral("service"), QStringLiteral("update"), QStringLiteral("-q"),
                    QStringLiteral("--image"), QStringLiteral("minitwit:v1"), service()});
    }

    void v1ToV2BuildsTheTagAndEveryTaskRunsIt()
    {
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        const Run run =
            deploy(runner, [&] { runner.deploy(QStringLiteral("v2"), QStringLiteral("test")); });
        QVERIFY2(run.outcome == SwarmDeployRunner::Outcome::Succeeded, qPrintable(run.output));
        const QString revision = gitRevision(QStringLiteral("v2"));
        QCOMPARE(runner.revision(), revision);
        QCOMPARE(runner.image(), QStringLiteral("minitwit:") + revision.left(12));
        m_v2Image = runner.image();
        // The image was built from the tag, labelled with its commit and ref.
        QCOMPARE(
            docker({QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("-f"),
                    QStringLiteral("{{index .Config.Labels \"org.opencontainers.image.revision\"}} "
                                   "{{index .Config.Labels \"org.opsdeck.ref\"}}"),
                    runner.image()}),
            revision + QStringLiteral(" v2"));
        QCOMPARE(specImage(), runner.image());
        const QStringList tasks = runningImages();
        QCOMPARE(tasks.size(), 2);
        for (const QString &task : tasks)
            QVERIFY2(task.startsWith(runner.image() + QStringLiteral(" Running")),
                     qPrintable(task));
        // The release phase ran v2's migration once, as a one-off task that is gone now.
        QVERIFY2(run.output.contains(QLatin1String("release | ")), qPrintable(run.output));
        QVERIFY(!docker({QStringLiteral("service"), QStringLiteral("ls"),
                         QStringLiteral("--format"), QStringLiteral("{{.Name}}")})
                     .contains(QLatin1String("-release-")));
        QCOMPARE(runner.previousImages().value(service()), QStringLiteral("minitwit:v1"));
        // The lock is gone with the run.
        const Result<SwarmLock> lock = wait(SwarmLock::read(*engine(), QStringLiteral("minitwit")));
        QVERIFY(lock && !lock->isHeld());
    }

    void aLockedStackRefusesASecondDeploy()
    {
        QVERIFY(!m_v2Image.isEmpty());
        const Result<SwarmLock> held = wait(
            SwarmLock::take(*engine(), QStringLiteral("minitwit"),
                            {{QStringLiteral("id"), QStringLiteral("someone-else")},
                             {QStringLiteral("ref"), QStringLiteral("main")},
                             {QStringLiteral("user"), QStringLiteral("ann@laptop")},
                             {QStringLiteral("comment"), QStringLiteral("hotfix")},
                             {QStringLiteral("started"), QStringLiteral("2026-12-06T10:00:00Z")}}));
        QVERIFY2(held, qPrintable(held.errorString()));
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        const Run run = deploy(runner, [&] { runner.deploy(QStringLiteral("v1"), {}); });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Refused);
        QVERIFY2(run.summary.contains(QLatin1String("locked: deploying main since")) &&
                     run.summary.contains(QLatin1String("by ann@laptop (hotfix)")),
                 qPrintable(run.summary));
        // Refused before anything changed, and the other run's lock is still there.
        QCOMPARE(specImage(), m_v2Image);
        const Result<SwarmLock> still =
            wait(SwarmLock::read(*engine(), QStringLiteral("minitwit")));
        QVERIFY(still && still->holderId() == QLatin1String("someone-else"));
        QVERIFY(wait(SwarmLock::release(*engine(), *still)));
    }

    void theCommandLineBreaksALockLeftBehind()
    {
        // A run killed before it could release its lock leaves the config object behind.
        const Result<SwarmLock> left = wait(
            SwarmLock::take(*engine(), QStringLiteral("minitwit"),
                            {{QStringLiteral("id"), QStringLiteral("killed-run")},
                             {QStringLiteral("ref"), QStringLiteral("v2")},
                             {QStringLiteral("user"), QStringLiteral("bob@laptop")},
                             {QStringLiteral("started"), QStringLiteral("2026-12-06T09:00:00Z")}}));
        QVERIFY2(left, qPrintable(left.errorString()));
        QTemporaryDir home; // the CLI's audit log goes here
        const auto opsdeck = [&](const QStringList &args, QString *out) {
            return runCli(home.path(), args, out);
        };
        QString out;
        QCOMPARE(
            opsdeck({QStringLiteral("unlock"), QStringLiteral("swarm"), QStringLiteral("--yes"),
                     QStringLiteral("-m"), QStringLiteral("bob's run was killed")},
                    &out),
            0);
        QVERIFY2(out.contains(QLatin1String("unlocked minitwit (it was deploying v2 since")) &&
                     out.contains(QLatin1String("by bob@laptop")),
                 qPrintable(out));
        Result<SwarmLock> now = wait(SwarmLock::read(*engine(), QStringLiteral("minitwit")));
        QVERIFY(now && !now->isHeld());
        QCOMPARE(opsdeck({QStringLiteral("unlock"), QStringLiteral("swarm"),
                          QStringLiteral("--yes"), QStringLiteral("-m"), QStringLiteral("again")},
                         &out),
                 0);
        QVERIFY2(out.contains(QLatin1String("minitwit is not locked")), qPrintable(out));

        // Locked by hand for maintenance: a deploy is refused and names it; then unlocked.
        QCOMPARE(opsdeck({QStringLiteral("lock"), QStringLiteral("swarm"), QStringLiteral("-m"),
                          QStringLiteral("disk swap"), QStringLiteral("--yes")},
                         &out),
                 0);
        QVERIFY2(out.contains(QLatin1String("locked minitwit")), qPrintable(out));
        QCOMPARE(opsdeck({QStringLiteral("lock"), QStringLiteral("swarm"), QStringLiteral("-m"),
                          QStringLiteral("twice"), QStringLiteral("--yes")},
                         &out),
                 1);
        QVERIFY2(out.contains(QLatin1String("disk swap")), qPrintable(out));
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        const Run run = deploy(runner, [&] { runner.deploy(QStringLiteral("v1"), {}); });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Refused);
        QVERIFY2(run.summary.contains(QLatin1String("(disk swap)")), qPrintable(run.summary));
        QCOMPARE(opsdeck({QStringLiteral("unlock"), QStringLiteral("swarm"),
                          QStringLiteral("--yes"), QStringLiteral("-m"), QStringLiteral("swapped")},
                         &out),
                 0);
        now = wait(SwarmLock::read(*engine(), QStringLiteral("minitwit")));
        QVERIFY(now && !now->isHeld());
    }

    void ctrlCCancelsACommandLineRun()
    {
        QTemporaryDir home;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(qEnvironmentVariable("OPSDECK_BINARY"),
                {QStringLiteral("-w"), m_swarm.value(QStringLiteral("WORKSPACE")),
                 QStringLiteral("run"), QStringLiteral("swarm"), QStringLiteral("--service"),
                 QStringLiteral("web"), QStringLiteral("--yes"), QStringLiteral("-m"),
                 QStringLiteral("ctrl-c test"), QStringLiteral("--"), QStringLiteral("sleep 300")});
        QByteArray out;
        QVERIFY(QTest::qWaitFor(
            [&] {
                out += p.readAll();
                return out.contains("one-off task") || p.state() == QProcess::NotRunning;
            },
            120'000));
        QVERIFY2(p.state() == QProcess::Running, out.constData());
        ::kill(pid_t(p.processId()), SIGINT); // what a terminal's Ctrl-C sends
        // Long before the task's 300 s: the run stops its task and says so.
        QVERIFY2(p.waitForFinished(120'000), out.constData());
        out += p.readAll();
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(out.contains("cancel requested") && out.contains("cancelled"), out.constData());
        const QString services = docker({QStringLiteral("service"), QStringLiteral("ls"),
                                         QStringLiteral("--format"), QStringLiteral("{{.Name}}")});
        QVERIFY2(!services.contains(QLatin1String("-run-")),
                 qPrintable(services)); // the task is gone
        const Result<SwarmLock> lock = wait(SwarmLock::read(*engine(), QStringLiteral("minitwit")));
        QVERIFY(lock && !lock->isHeld());
    }

    void aBrokenMigrationStopsInTheReleasePhase()
    {
        QVERIFY(!m_v2Image.isEmpty());
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        const Run run =
            deploy(runner, [&] { runner.deploy(QStringLiteral("v3-broken-migration"), {}); });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Failed);
        QVERIFY2(run.summary.startsWith(QLatin1String("the release phase failed")) &&
                     run.summary.contains(QLatin1String("no service changed")),
                 qPrintable(run.summary));
        // The migration's own error is in the output, from the one-off task's log.
        QVERIFY2(run.output.contains(QLatin1String("release | ")), qPrintable(run.output));
        QCOMPARE(specImage(), m_v2Image);
        for (const QString &task : runningImages())
            QVERIFY2(task.startsWith(m_v2Image + QStringLiteral(" Running")), qPrintable(task));
        QVERIFY(!docker({QStringLiteral("service"), QStringLiteral("ls"),
                         QStringLiteral("--format"), QStringLiteral("{{.Name}}")})
                     .contains(QLatin1String("-release-")));
    }

    void aCommandRunsOnceInANewTaskOfTheService()
    {
        QVERIFY(!m_v2Image.isEmpty());
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        Run run = deploy(runner, [&] {
            runner.runCommand(QStringLiteral("web"),
                              QStringLiteral("python3 manage.py showmigrations twit"), {});
        });
        QVERIFY2(run.outcome == SwarmDeployRunner::Outcome::Succeeded, qPrintable(run.output));
        // The service's image, environment (its database) and mounts: v2's migration is applied.
        QVERIFY2(run.output.contains(QLatin1String("minitwit_web |  [X] 0002_message_likes")),
                 qPrintable(run.output));
        SwarmDeployRunner failing(m_pool.get(), engine(), environment());
        run = deploy(failing, [&] {
            failing.runCommand(QStringLiteral("minitwit_web"), QStringLiteral("echo no; exit 3"),
                               {});
        });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Failed);
        QVERIFY2(run.summary.contains(QLatin1String("non-zero exit (3)")), qPrintable(run.summary));
        QVERIFY(run.output.contains(QLatin1String("minitwit_web | no")));
        SwarmDeployRunner unknown(m_pool.get(), engine(), environment());
        run = deploy(unknown, [&] {
            unknown.runCommand(QStringLiteral("worker"), QStringLiteral("true"), {});
        });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Refused);
        QCOMPARE(run.summary, QStringLiteral("the stack 'minitwit' has no service 'worker'"));
        // No task was left behind, and no service changed.
        QVERIFY(!docker({QStringLiteral("service"), QStringLiteral("ls"),
                         QStringLiteral("--format"), QStringLiteral("{{.Name}}")})
                     .contains(QLatin1String("-run-")));
        QCOMPARE(specImage(), m_v2Image);
    }

    void aCommandRunsInARunningTaskAndInNoOther()
    {
        QVERIFY(!m_v2Image.isEmpty());
        // Slot 1's running task and its container, as `docker service ps` and inspect say.
        const QString task =
            docker({QStringLiteral("service"), QStringLiteral("ps"), QStringLiteral("--filter"),
                    QStringLiteral("desired-state=running"), QStringLiteral("--format"),
                    QStringLiteral("{{.ID}} {{.Name}}"), QStringLiteral("--no-trunc"), service()})
                .split(QLatin1Char('\n'))
                .filter(QStringLiteral(" minitwit_web.1"))
                .value(0)
                .section(QLatin1Char(' '), 0, 0);
        QVERIFY(!task.isEmpty());
        const QString container =
            docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                    QStringLiteral("{{.Status.ContainerStatus.ContainerID}}"), task});
        const QString probe = QStringLiteral("probe-%1").arg(QDateTime::currentMSecsSinceEpoch());

        SwarmDeployRunner writer(m_pool.get(), engine(), environment());
        Run run = deploy(writer, [&] {
            writer.execInTask(QStringLiteral("web"), QStringLiteral("web.1"),
                              QStringLiteral("echo %1 > /tmp/opsdeck-exec; echo wrote").arg(probe),
                              {});
        });
        QVERIFY2(run.outcome == SwarmDeployRunner::Outcome::Succeeded, qPrintable(run.output));
        QVERIFY2(
            run.output.contains(QStringLiteral("in the running task minitwit_web.1 (container ") +
                                container.left(12)),
            qPrintable(run.output));
        QVERIFY2(run.output.contains(QLatin1String("minitwit_web.1 | wrote")),
                 qPrintable(run.output));
        // The file is in that container, and in no new one.
        QCOMPARE(docker({QStringLiteral("exec"), container, QStringLiteral("cat"),
                         QStringLiteral("/tmp/opsdeck-exec")}),
                 probe);

        SwarmDeployRunner failing(m_pool.get(), engine(), environment());
        run = deploy(failing, [&] {
            failing.execInTask(QStringLiteral("web"), task.left(10),
                               QStringLiteral("cat /tmp/opsdeck-exec; echo oops >&2; exit 3"), {});
        });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Failed);
        QCOMPARE(run.summary, QStringLiteral("the command failed (exit code 3)"));
        QVERIFY2(run.output.contains(QStringLiteral("minitwit_web.1 | ") + probe) &&
                     run.output.contains(QLatin1String("minitwit_web.1 | oops")),
                 qPrintable(run.output));

        SwarmDeployRunner missing(m_pool.get(), engine(), environment());
        run = deploy(missing, [&] {
            missing.execInTask(QStringLiteral("web"), QStringLiteral("web.9"),
                               QStringLiteral("true"), {});
        });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Refused);
        QVERIFY2(run.summary.startsWith(QLatin1String(
                     "minitwit_web has no running task 'web.9' (running: minitwit_web.1")),
                 qPrintable(run.summary));

        // The command line: --exec picks a running task; --task names one.
        QTemporaryDir home;
        QString out;
        QCOMPARE(runCli(home.path(),
                        {QStringLiteral("run"), QStringLiteral("swarm"),
                         QStringLiteral("--service"), QStringLiteral("web"),
                         QStringLiteral("--task"), QStringLiteral("web.1"), QStringLiteral("--yes"),
                         QStringLiteral("--"), QStringLiteral("cat /tmp/opsdeck-exec")},
                        &out),
                 0);
        QVERIFY2(out.contains(QStringLiteral("minitwit_web.1 | ") + probe), qPrintable(out));
        QCOMPARE(
            runCli(home.path(),
                   {QStringLiteral("run"), QStringLiteral("swarm"), QStringLiteral("--service"),
                    QStringLiteral("web"), QStringLiteral("--exec"), QStringLiteral("--yes"),
                    QStringLiteral("--"), QStringLiteral("exit 4")},
                   &out),
            1);
        QVERIFY2(out.contains(QLatin1String("exit code 4")), qPrintable(out));
        QCOMPARE(specImage(), m_v2Image); // nothing changed the service
    }

    void theCommandLineDeploysAndRunsTheSameWay()
    {
        QVERIFY(!m_v2Image.isEmpty());
        QTemporaryDir home; // the CLI's audit log goes here
        const auto opsdeck = [&](const QStringList &args, QString *out) {
            return runCli(home.path(), args, out, 240'000);
        };
        QString out;
        QCOMPARE(
            opsdeck({QStringLiteral("deploy"), QStringLiteral("swarm"), QStringLiteral("--ref"),
                     QStringLiteral("v1"), QStringLiteral("--dry-run")},
                    &out),
            0);
        QVERIFY2(out.contains(QStringLiteral("update minitwit_web (now ") + m_v2Image) &&
                     out.contains(QLatin1String("docker build")),
                 qPrintable(out));
        QCOMPARE(specImage(), m_v2Image); // a dry run changes nothing
        // A rollback's dry run lists the images to go back to, as the pane's Rollback… does.
        QCOMPARE(opsdeck({QStringLiteral("rollback"), QStringLiteral("swarm"),
                          QStringLiteral("--dry-run")},
                         &out),
                 0);
        QVERIFY2(out.contains(QLatin1String("images to roll back to")) &&
                     out.contains(QRegularExpression(
                         QStringLiteral("\\n    minitwit:v1  .+ [0-9a-f]{12}  built 20"))),
                 qPrintable(out));
        QCOMPARE(specImage(), m_v2Image);
        QCOMPARE(
            opsdeck({QStringLiteral("run"), QStringLiteral("swarm"), QStringLiteral("--service"),
                     QStringLiteral("web"), QStringLiteral("--yes"), QStringLiteral("--"),
                     QStringLiteral("echo hello from a task")},
                    &out),
            0);
        QVERIFY2(out.contains(QLatin1String("minitwit_web | hello from a task")), qPrintable(out));
        QCOMPARE(opsdeck({QStringLiteral("run"), QStringLiteral("swarm"), QStringLiteral("--"),
                          QStringLiteral("true")},
                         &out),
                 2);
        QVERIFY2(out.contains(QLatin1String("which service? (--service web)")), qPrintable(out));
    }

    void anUnhealthyImageIsRolledBackWithItsErrorsAndLogs()
    {
        QVERIFY(!m_v2Image.isEmpty());
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        const Run run = deploy(runner, [&] { runner.deploy(QStringLiteral("v4-unhealthy"), {}); });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Failed);
        QVERIFY2(run.summary.contains(QLatin1String("503")), qPrintable(run.summary));
        QVERIFY2(run.summary.contains(QStringLiteral("back: minitwit_web on ") + m_v2Image),
                 qPrintable(run.summary));
        // Every replica runs the image it ran before, and Swarm says it rolled back.
        QCOMPARE(specImage(), m_v2Image);
        QTRY_VERIFY_WITH_TIMEOUT(runningImages().size() == 2 &&
                                     runningImages().filter(QStringLiteral(" Running")).size() == 2,
                                 60'000);
        for (const QString &task : runningImages())
            QVERIFY2(task.startsWith(m_v2Image + QStringLiteral(" Running")), qPrintable(task));
        QCOMPARE(docker({QStringLiteral("service"), QStringLiteral("inspect"), QStringLiteral("-f"),
                         QStringLiteral("{{.UpdateStatus.State}}"), service()}),
                 QStringLiteral("rollback_completed"));
        // What failed: the v4 tasks with their state, and the last lines they logged.
        const QStringList report = runner.failureReport();
        QVERIFY2(
            !report.filter(QRegularExpression(QStringLiteral("^minitwit_web\\.[12]: "))).isEmpty(),
            qPrintable(report.join(QLatin1Char('\n'))));
        QVERIFY2(!report.filter(QStringLiteral("last 50 lines of minitwit_web.")).isEmpty(),
                 qPrintable(report.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestSwarmDeploy)
#include "tst_swarmdeploy.moc"
