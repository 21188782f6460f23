// SPDX-License-Identifier: GPL-3.0-or-later
// Deploys of the demo's compose project (made by docker-compose itself in
// tests/services/swarm.sh) on a real dockerd, through web1's SSH session: v1 → v2 recreates
// the container from the image built from the tag, with compose's labels kept; the lock
// refuses a second deploy; v3-broken-migration stops in the release phase with the container
// untouched; v4-unhealthy fails the health gate and the very container that ran is started
// again, with the failing one's state and logs; commands run in one-off and running
// containers; the command line does the same. Checked against the Docker CLI's own view.
#include "containerrun.h"
#include "docker/composestatus.h"
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

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class TestComposeDeploy final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    QHash<QString, QString> m_swarm;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<EnvironmentContexts> m_contexts;
    QString m_v2Image;

    static QString docker(const QStringList &args) { return TestServices::docker(args); }
    QString project() const { return m_swarm.value(QStringLiteral("COMPOSE_PROJECT")); }

    DockerEngine *engine() { return m_contexts->context(QStringLiteral("compose"))->docker(); }
    const EnvironmentSpec &environment() const
    {
        return *m_workspace->environment(QStringLiteral("compose"));
    }

    /** Every container of the project, stopped ones too: "NAME IMAGE STATE" a line. */
    QStringList projectContainers() const
    {
        return docker({QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
                       QStringLiteral("label=com.docker.compose.project=") + project(),
                       QStringLiteral("--format"),
                       QStringLiteral("{{.Names}} {{.Image}} {{.State}}")})
            .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

    QString webId() const
    {
        return docker({QStringLiteral("ps"), QStringLiteral("-q"), QStringLiteral("--no-trunc"),
                       QStringLiteral("--filter"),
                       QStringLiteral("label=com.docker.compose.service=web"),
                       QStringLiteral("--filter"),
                       QStringLiteral("label=com.docker.compose.project=") + project()});
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

    using Run = ContainerRun;

    static Run drive(SwarmDeployRunner &runner, const std::function<void()> &start)
    {
        return driveContainerRun(runner, start);
    }

    Run deploy(const QString &ref)
    {
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        return drive(runner, [&] { runner.deploy(ref, QStringLiteral("test")); });
    }

    /** No one-off container, no kept old one, no lock left behind. */
    void verifyNothingLeft()
    {
        QCOMPARE(projectContainers().size(), 1);
        QVERIFY(docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                        QStringLiteral("label=com.opsdeck.run")})
                    .isEmpty());
        const Result<SwarmLock> lock =
            wait(SwarmLock::read(*engine(), project(), SwarmLock::Store::Container));
        QVERIFY(lock && !lock->isHeld());
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        m_swarm = TestServices::load(QStringLiteral("swarm"));
        QVERIFY2(!m_swarm.value(QStringLiteral("DOCKER_SOCKET")).isEmpty(),
                 "the swarm fixture did not start (see services.swarm.start)");
        QVERIFY2(!project().isEmpty(),
                 "the swarm fixture made no compose project (is docker-compose installed?)");
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_swarm.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_contexts = std::make_unique<EnvironmentContexts>(*m_workspace, m_pool.get());
        QCOMPARE(projectContainers(),
                 QStringList{project() + QStringLiteral("_web_1 minitwit:v1 running")});
    }

    void v1ToV2RecreatesTheContainerFromTheBuiltImage()
    {
        const QString before = webId();
        const Run run = deploy(QStringLiteral("v2"));
        QVERIFY2(run.outcome == SwarmDeployRunner::Outcome::Succeeded, qPrintable(run.output));
        const QString revision = gitRevision(QStringLiteral("v2"));
        m_v2Image = QStringLiteral("minitwit:") + revision.left(12);
        // Compose's name and labels, a new container from the new image; the old one gone.
        QCOMPARE(projectContainers(), QStringList{project() + QStringLiteral("_web_1 ") +
                                                  m_v2Image + QStringLiteral(" running")});
        QVERIFY(webId() != before);
        QCOMPARE(docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                         QStringLiteral("{{index .Config.Labels \"com.docker.compose.service\"}} "
                                        "{{index .Config.Labels "
                                        "\"org.opencontainers.image.revision\"}} "
                                        "{{.HostConfig.NetworkMode}}"),
                         webId()}),
                 QStringLiteral("web ") + revision + QStringLiteral(" host"));
        // Compose's config hash is not carried over: `docker-compose up` takes the container for
        // what it is (changed from the file) and would recreate it from the file.
        QVERIFY(
            docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                    QStringLiteral("{{index .Config.Labels \"com.docker.compose.config-hash\"}}"),
                    webId()})
                .isEmpty());
        // The release phase ran once, in a one-off container that is gone now.
        QVERIFY2(run.output.contains(QLatin1String("release | ")), qPrintable(run.output));
        verifyNothingLeft();
        // What the pane and `opsdeck services` show.
        const Result<SwarmStatus> status = wait(readComposeStatus(*engine(), project()));
        QVERIFY(status);
        QCOMPARE(status->services.size(), 1);
        QCOMPARE(status->services.first().revision, revision);
        QCOMPARE(status->running(), 1);
    }

    void aLockedProjectRefusesADeploy()
    {
        const Result<SwarmLock> taken =
            wait(SwarmLock::take(*engine(), project(),
                                 QJsonObject{{QStringLiteral("id"), QStringLiteral("other")},
                                             {QStringLiteral("user"), QStringLiteral("ann@laptop")},
                                             {QStringLiteral("ref"), QStringLiteral("hotfix")}},
                                 SwarmLock::Store::Container, QStringLiteral("minitwit:v1")));
        QVERIFY2(taken, qPrintable(taken.errorString()));
        // The lock container is no service of the project.
        const Result<SwarmStatus> status = wait(readComposeStatus(*engine(), project()));
        QVERIFY(status && status->services.size() == 1 && status->desired() == 1);
        const QString before = webId();
        const Run run = deploy(QStringLiteral("v1"));
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Refused);
        QVERIFY2(run.summary.contains(QLatin1String("locked")) &&
                     run.summary.contains(QLatin1String("ann@laptop")),
                 qPrintable(run.summary));
        QCOMPARE(webId(), before);
        // Taking it again fails: a container name is claimed once.
        QVERIFY(!wait(SwarmLock::take(*engine(), project(), {}, SwarmLock::Store::Container,
                                      QStringLiteral("minitwit:v1"))));
        QVERIFY(wait(SwarmLock::release(*engine(), *taken)));
        verifyNothingLeft();
    }

    void aBrokenMigrationChangesNoContainer()
    {
        QVERIFY(!m_v2Image.isEmpty());
        const QString before = webId();
        const Run run = deploy(QStringLiteral("v3-broken-migration"));
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Failed);
        QVERIFY2(run.summary.contains(QLatin1String("release phase failed")) &&
                     run.summary.contains(QLatin1String("no service changed")),
                 qPrintable(run.summary));
        QCOMPARE(webId(), before);
        verifyNothingLeft();
    }

    void anUnhealthyImagePutsTheVeryContainerBack()
    {
        QVERIFY(!m_v2Image.isEmpty());
        const QString before = webId();
        SwarmDeployRunner runner(m_pool.get(), engine(), environment());
        const Run run =
            drive(runner, [&] { runner.deploy(QStringLiteral("v4-unhealthy"), QString()); });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Failed);
        QVERIFY2(run.output.contains(QLatin1String("rolling back")), qPrintable(run.output));
        // The container that ran before, started again: same id, same image.
        QCOMPARE(webId(), before);
        QCOMPARE(projectContainers(), QStringList{project() + QStringLiteral("_web_1 ") +
                                                  m_v2Image + QStringLiteral(" running")});
        // The failing container's state and its last lines, read before it was removed.
        const QString report = runner.failureReport().join(u'\n');
        QVERIFY2(report.contains(QLatin1String("last 50 lines of ") + project() +
                                 QStringLiteral("_web_1")),
                 qPrintable(report));
        QVERIFY2(runner.summary().contains(QStringLiteral("back: web on ") + m_v2Image),
                 qPrintable(runner.summary()));
        verifyNothingLeft();
    }

    void commandsRunInOneOffAndRunningContainers()
    {
        SwarmDeployRunner oneOff(m_pool.get(), engine(), environment());
        Run run = drive(oneOff, [&] {
            oneOff.runCommand(QStringLiteral("web"), QStringLiteral("echo one-off on $PORT_BASE"),
                              QString());
        });
        QVERIFY2(run.outcome == SwarmDeployRunner::Outcome::Succeeded, qPrintable(run.output));
        QVERIFY2(run.output.contains(QStringLiteral("web | one-off on ") +
                                     m_swarm.value(QStringLiteral("COMPOSE_PORT"))),
                 qPrintable(run.output));
        SwarmDeployRunner exec(m_pool.get(), engine(), environment());
        run = drive(exec, [&] {
            exec.execInTask(QStringLiteral("web"), QString(),
                            QStringLiteral("echo exec in $HOSTNAME"), QString());
        });
        QVERIFY2(run.outcome == SwarmDeployRunner::Outcome::Succeeded, qPrintable(run.output));
        QVERIFY2(run.output.contains(QLatin1String("exec in ")), qPrintable(run.output));
        SwarmDeployRunner missing(m_pool.get(), engine(), environment());
        run = drive(missing, [&] {
            missing.runCommand(QStringLiteral("worker"), QStringLiteral("true"), QString());
        });
        QCOMPARE(run.outcome, SwarmDeployRunner::Outcome::Refused);
        QVERIFY2(run.summary.contains(QLatin1String("has no service 'worker'")),
                 qPrintable(run.summary));
        verifyNothingLeft();
    }

    void theCommandLineRollsBackToAChosenImage()
    {
        QTemporaryDir home; // the CLI's audit log goes here
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path());
        p.setProcessEnvironment(env);
        const auto opsdeck = [&](const QStringList &args) {
            p.start(qEnvironmentVariable("OPSDECK_BINARY"),
                    QStringList{QStringLiteral("-w"), m_swarm.value(QStringLiteral("WORKSPACE"))} +
                        args);
            p.waitForFinished(240'000);
            return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        };
        QString out = opsdeck({QStringLiteral("rollback"), QStringLiteral("compose")});
        QCOMPARE(p.exitCode(), 3); // refused: nothing to go back to without an image
        QVERIFY2(out.contains(QLatin1String("choose the image")), qPrintable(out));
        out = opsdeck({QStringLiteral("rollback"), QStringLiteral("compose"),
                       QStringLiteral("minitwit:v1"), QStringLiteral("--yes")});
        QVERIFY2(p.exitCode() == 0, qPrintable(out));
        QCOMPARE(projectContainers(),
                 QStringList{project() + QStringLiteral("_web_1 minitwit:v1 running")});
        out = opsdeck({QStringLiteral("services"), QStringLiteral("compose")});
        QVERIFY2(out.contains(QLatin1String("minitwit:v1")), qPrintable(out));
        verifyNothingLeft();
    }

    void dockerComposeTakesTheProjectBack()
    {
        // After Opsdeck's deploys, compose itself still manages the project: `up` with the file
        // recreates the container Opsdeck made (its config hash is not the file's) and keeps
        // its name, as for any container it made.
        const QString before = webId();
        QProcess compose;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DOCKER_HOST"),
                   QStringLiteral("unix://") + m_swarm.value(QStringLiteral("DOCKER_SOCKET")));
        env.insert(QStringLiteral("MINITWIT_TAG"), QStringLiteral("v1"));
        env.insert(QStringLiteral("MINITWIT_PORT"), m_swarm.value(QStringLiteral("COMPOSE_PORT")));
        env.insert(QStringLiteral("MINITWIT_DB_NAME"), QStringLiteral("minitwit_compose"));
        env.insert(QStringLiteral("MINITWIT_DB_PORT"), m_demo.value(QStringLiteral("PGPORT")));
        compose.setProcessEnvironment(env);
        const QString file = QFileInfo(m_swarm.value(QStringLiteral("WORKSPACE"))).absolutePath() +
                             QStringLiteral("/build/v1/compose.yml");
        compose.start(QStringLiteral("docker-compose"),
                      {QStringLiteral("-p"), project(), QStringLiteral("-f"), file,
                       QStringLiteral("up"), QStringLiteral("-d"), QStringLiteral("--no-deps"),
                       QStringLiteral("web")});
        QVERIFY(compose.waitForFinished(120'000));
        QVERIFY2(compose.exitCode() == 0, compose.readAllStandardError().constData());
        QVERIFY(webId() != before);
        QCOMPARE(projectContainers(),
                 QStringList{project() + QStringLiteral("_web_1 minitwit:v1 running")});
    }
};

QTEST_GUILESS_MAIN(TestComposeDeploy)
#include "tst_composedeploy.moc"
