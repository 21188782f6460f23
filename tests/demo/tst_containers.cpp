// SPDX-License-Identifier: GPL-3.0-or-later
// A swarm environment on a real dockerd (tests/services/swarm.sh), reached the way a user's
// is: SSH through the bastion to web1, then the engine's unix socket forwarded over that
// session. What Opsdeck reports is compared with the Docker CLI's own view.
#include "docker/composestatus.h"
#include "docker/dockerengine.h"
#include "docker/swarmstatus.h"
#include "futurewait.h"
#include "logs/logcollector.h"
#include "metrics/prometheusclient.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "ssh/hostkey.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;

namespace {

QString diagnosticsText(const WorkspaceLoadResult &loaded)
{
    QStringList lines;
    for (const Diagnostic &d : loaded.diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestContainers final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_swarm;
    QHash<QString, QString> m_demo;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<EnvironmentContexts> m_contexts;

    static QString docker(const QStringList &args) { return TestServices::docker(args); }

    DockerEngine *engine() { return m_contexts->context(QStringLiteral("swarm"))->docker(); }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        m_swarm = TestServices::load(QStringLiteral("swarm"));
        QVERIFY2(!m_swarm.value(QStringLiteral("DOCKER_SOCKET")).isEmpty(),
                 "the swarm fixture did not start (see services.swarm.start)");
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_swarm.value(QStringLiteral("WORKSPACE")));
        QVERIFY2(loaded.ok(), qPrintable(diagnosticsText(loaded)));
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_contexts = std::make_unique<EnvironmentContexts>(*m_workspace, m_pool.get());
        // tst_swarmdeploy and the pane's tests leave the stack on what they deployed last; these
        // tests read v1, whichever ran before.
        const QString image =
            docker({QStringLiteral("service"), QStringLiteral("inspect"), QStringLiteral("-f"),
                    QStringLiteral("{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
                    QStringLiteral("minitwit_web")});
        if (!image.startsWith(QLatin1String("minitwit:v1")))
            docker({QStringLiteral("service"), QStringLiteral("update"), QStringLiteral("-q"),
                    QStringLiteral("--image"), QStringLiteral("minitwit:v1"),
                    QStringLiteral("minitwit_web")});
    }

    void theWorkspaceReadsASwarmEnvironment()
    {
        const EnvironmentSpec *swarm = m_workspace->environment(QStringLiteral("swarm"));
        QVERIFY(swarm && swarm->containers && !swarm->deploy);
        QCOMPARE(swarm->containers->kind, ContainerDeploySpec::Kind::Swarm);
        QCOMPARE(swarm->containers->host, QStringLiteral("web1"));
        QCOMPARE(swarm->containers->stack, QStringLiteral("minitwit"));
        QCOMPARE(swarm->containers->updateOrder, QStringLiteral("stop-first"));
        QVERIFY(swarm->containers->healthcheck.has_value());
        // Mistakes point at their line and column, like every other block.
        const WorkspaceLoadResult bad = WorkspaceLoader::loadText(
            "version: 1\nhosts: {m: {address: 127.0.0.1}}\nenvironments:\n  s:\n    hosts: [m]\n"
            "    deploy: {kind: swarm, manager: elsewhere, stack: x,\n"
            "             update: {order: sideways}}\n",
            QStringLiteral("/tmp/opsdeck.yaml"));
        QVERIFY(!bad.ok());
        const QString errors = diagnosticsText(bad);
        QVERIFY2(
            errors.contains(QStringLiteral("'elsewhere' is not one of this environment's hosts")),
            qPrintable(errors));
        QVERIFY2(errors.contains(QStringLiteral("'sideways': expected start-first or stop-first")),
                 qPrintable(errors));
        QVERIFY2(errors.contains(QStringLiteral("opsdeck.yaml:7:")), qPrintable(errors));
        // A compose project takes only `update.monitor`: the rest is how Opsdeck recreates.
        const QByteArray compose =
            "version: 1\nhosts: {m: {address: 127.0.0.1}}\nenvironments:\n  c:\n    hosts: [m]\n"
            "    deploy: {kind: compose, host: m, project: x, image: x,\n"
            "             update: {monitor: 2s}}\n";
        const WorkspaceLoadResult good =
            WorkspaceLoader::loadText(compose, QStringLiteral("/tmp/opsdeck.yaml"));
        QVERIFY2(good.ok(), qPrintable(diagnosticsText(good)));
        QCOMPARE(good.workspace->environment(QStringLiteral("c"))->containers->monitorMs, 2000);
        const WorkspaceLoadResult ordered = WorkspaceLoader::loadText(
            QByteArray(compose).replace("monitor: 2s", "order: start-first"),
            QStringLiteral("/tmp/opsdeck.yaml"));
        // Unknown keys are warnings, as everywhere in a workspace; the order is not taken.
        QVERIFY2(diagnosticsText(ordered).contains(
                     QLatin1String("unknown key 'order' (known: monitor)")) &&
                     diagnosticsText(ordered).contains(QStringLiteral("opsdeck.yaml:7:")),
                 qPrintable(diagnosticsText(ordered)));
    }

    void theApiVersionIsNegotiated()
    {
        QCOMPARE(DockerEngine::negotiate(QStringLiteral("1.40")), QString());
        QCOMPARE(DockerEngine::negotiate(QStringLiteral("1.41")), QStringLiteral("1.41"));
        QCOMPARE(DockerEngine::negotiate(QStringLiteral("1.47")), QStringLiteral("1.43"));
        QVERIFY(wait(engine()->get(QStringLiteral("/info"))).ok());
        QCOMPARE(engine()->apiVersion(), QStringLiteral("1.41")); // Debian's 20.10
        QVERIFY(engine()->engineVersion().startsWith(QLatin1String("20.10")));
    }

    void theStatusIsDockersOwn()
    {
        const Result<SwarmStatus> status =
            wait(readSwarmStatus(*engine(), QStringLiteral("minitwit")));
        QVERIFY2(status.ok(), qPrintable(status.errorString()));
        QStringList ours;
        for (const SwarmService &s : status->services)
            ours << QStringLiteral("%1 %2/%3 %4")
                        .arg(s.name)
                        .arg(s.running)
                        .arg(s.desired)
                        .arg(s.image);
        QCOMPARE(
            ours.join(QLatin1Char('\n')),
            docker({QStringLiteral("service"), QStringLiteral("ls"), QStringLiteral("--format"),
                    QStringLiteral("{{.Name}} {{.Replicas}} {{.Image}}")}));
        const SwarmService *web = status->service(QStringLiteral("web"));
        QVERIFY(web);
        QCOMPARE(web->tag, QStringLiteral("v1"));
        QProcess git;
        git.start(QStringLiteral("git"),
                  {QStringLiteral("-C"), m_demo.value(QStringLiteral("GIT_REPO")),
                   QStringLiteral("rev-parse"), QStringLiteral("v1")});
        QVERIFY(git.waitForFinished());
        QCOMPARE(web->revision, QString::fromUtf8(git.readAllStandardOutput()).trimmed());
        QStringList tasks;
        for (const SwarmTask &t : web->tasks)
            if (t.isCurrent())
                tasks << QStringLiteral("%1 %2 %3").arg(t.id.left(12), t.node, t.desiredState);
        QCOMPARE(tasks.join(QLatin1Char('\n')),
                 docker({QStringLiteral("service"), QStringLiteral("ps"),
                         QStringLiteral("minitwit_web"), QStringLiteral("--filter"),
                         QStringLiteral("desired-state=running"), QStringLiteral("--format"),
                         QStringLiteral("{{.ID}} {{.Node}} {{lower .DesiredState}}")})
                     .split(QLatin1Char('\n'))
                     .join(QLatin1Char('\n')));
    }

    void aTaskKilledByHandArrivesThroughTheEventStream()
    {
        DockerEngine *e = engine();
        QSignalSpy connected(e, &DockerEngine::eventsConnectedChanged);
        QList<QJsonObject> deaths;
        connect(e, &DockerEngine::eventReceived, this, [&deaths](const QJsonObject &event) {
            if (event.value(QLatin1String("Action")).toString() == QLatin1String("die"))
                deaths << event;
        });
        e->watchEvents(
            QJsonObject{{QStringLiteral("type"), QJsonArray{QStringLiteral("container")}}});
        QVERIFY(connected.wait(30'000));
        QCOMPARE(connected.last().at(0).toBool(), true);
        const QString victim = TestServices::killOneTaskOf(QStringLiteral("minitwit_web"));
        QVERIFY(!victim.isEmpty());
        // Pushed by the engine, not found by polling: nothing here asks until the event came.
        QTRY_VERIFY_WITH_TIMEOUT(!deaths.isEmpty(), 30'000);
        QVERIFY(victim.startsWith(deaths.first().value(QLatin1String("id")).toString().left(12)));
        // Swarm marks the task failed right after the container's death.
        std::optional<SwarmTask> killed;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const Result<SwarmStatus> status =
                    wait(readSwarmStatus(*e, QStringLiteral("minitwit")));
                const SwarmService *web = status ? status->service(QStringLiteral("web")) : nullptr;
                for (const SwarmTask &t : web ? web->tasks : QList<SwarmTask>())
                    if (t.containerId.startsWith(victim) && t.failed() &&
                        web->restartsLastHour >= 1)
                        killed = t;
                return killed.has_value();
            }(),
            15'000);
        QCOMPARE(killed->state, QStringLiteral("failed"));
        QCOMPARE(killed->error, QStringLiteral("task: non-zero exit (137)"));
        QCOMPARE(killed->exitCode, 137);
        e->stopEvents();
        // Swarm replaces it (restart_policy): 2/2 again, as `docker service ls` says.
        QTRY_VERIFY_WITH_TIMEOUT(
            wait(readSwarmStatus(*e, QStringLiteral("minitwit")))->running() == 2, 60'000);
    }

    void aWrongSocketIsSaidInPlainWords()
    {
        SshClient *web1 = m_pool->client(QStringLiteral("web1"));
        DockerEngine nowhere(web1, QStringLiteral("/nonexistent/docker.sock"));
        const Result<QJsonDocument> answer = wait(nowhere.get(QStringLiteral("/info")));
        QVERIFY(!answer.ok());
        QVERIFY2(answer.errorString().contains(
                     QStringLiteral("cannot reach Docker on web1 (/nonexistent/docker.sock)")),
                 qPrintable(answer.errorString()));
        // Docker's own words for a request it refuses.
        const Result<QJsonDocument> missing = wait(engine()->get(QStringLiteral("/services/nope")));
        QVERIFY2(missing.errorString().contains(
                     QStringLiteral("Docker on web1: service nope not found")),
                 qPrintable(missing.errorString()));
    }

    void aComposeProjectIsItsContainers()
    {
        // Compose marks its containers with labels, and that is all Opsdeck reads: containers
        // made with the same labels by `docker run` are a compose project to it.
        const QString project =
            QStringLiteral("composetest%1").arg(QCoreApplication::applicationPid());
        const auto run = [&](const QString &service, int number, const QString &command) {
            return docker(
                {QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"),
                 QStringLiteral("%1_%2_%3").arg(project, service).arg(number),
                 QStringLiteral("--label"), QStringLiteral("com.docker.compose.project=") + project,
                 QStringLiteral("--label"), QStringLiteral("com.docker.compose.service=") + service,
                 QStringLiteral("--label"),
                 QStringLiteral("com.docker.compose.container-number=%1").arg(number),
                 QStringLiteral("--network"), QStringLiteral("host"), QStringLiteral("--mount"),
                 QStringLiteral("type=bind,source=/usr,target=/usr,readonly"),
                 QStringLiteral("minitwit-base:demo"), QStringLiteral("/usr/bin/sh"),
                 QStringLiteral("-c"), command});
        };
        QVERIFY(!run(QStringLiteral("web"), 1, QStringLiteral("exec sleep 300")).isEmpty());
        QVERIFY(!run(QStringLiteral("web"), 2, QStringLiteral("exec sleep 300")).isEmpty());
        QVERIFY(!run(QStringLiteral("worker"), 1, QStringLiteral("echo boom; exit 3")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            docker({QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
                    QStringLiteral("label=com.docker.compose.project=") + project,
                    QStringLiteral("--format"), QStringLiteral("{{.Status}}")})
                .contains(QLatin1String("Exited (3)")),
            20'000);
        const Result<SwarmStatus> status = wait(readComposeStatus(*engine(), project));
        QVERIFY2(status, qPrintable(status.errorString()));
        QCOMPARE(status->services.size(), 2);
        const SwarmService &web = status->services[0];
        QCOMPARE(web.name, QStringLiteral("web"));
        QCOMPARE(web.running, 2);
        QCOMPARE(web.desired, 2);
        QCOMPARE(web.tasks.size(), 2);
        QCOMPARE(web.tasks[1].slot, 2);
        QCOMPARE(web.tasks[1].node, QStringLiteral("web1"));
        QCOMPARE(web.image, QStringLiteral("minitwit-base:demo"));
        const SwarmService &worker = status->services[1];
        QCOMPARE(worker.running, 0);
        QCOMPARE(worker.desired, 1);
        QCOMPARE(worker.tasks.first().exitCode, 3);
        QVERIFY2(worker.tasks.first().error.startsWith(QLatin1String("Exited (3)")),
                 qPrintable(worker.tasks.first().error));
        QVERIFY(worker.tasks.first().failed());
        QCOMPARE(worker.restartsLastHour, 1);
        docker({QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("%1_web_1").arg(project),
                QStringLiteral("%1_web_2").arg(project),
                QStringLiteral("%1_worker_1").arg(project)});
    }

    // `logs: [{docker: web}]`: the service's tasks' output through the engine, with Docker's
    // times and the lines' own levels; a request to a replica shows up when followed.
    void aServiceIsALogSource()
    {
        LogCollector collector(*m_contexts->context(QStringLiteral("swarm")));
        QList<LogEntry> entries;
        connect(&collector, &LogCollector::entriesReceived, this,
                [&entries](const QList<LogEntry> &batch) { entries += batch; });
        LogQuery query;
        query.lines = 50;
        query.follow = true;
        QVERIFY(collector.start(query).ok());
        QTRY_VERIFY_WITH_TIMEOUT(collector.hasHistoryEnded(), 30000);
        QVERIFY2(collector.problems().isEmpty(),
                 qPrintable(collector.problems().join(QLatin1Char('\n'))));
        // The history may be empty: initTestCase may just have replaced the tasks (another test
        // left the stack on another image) and a fresh task need not have printed yet. The line a
        // request makes, followed, is what every check below reads at least.
        const int base = m_swarm.value(QStringLiteral("SWARM_PORT_BASE")).toInt();
        QVERIFY(base > 0);
        const QString probe = QStringLiteral("/up?logs=%1").arg(QCoreApplication::applicationPid());
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-s"),
                    QStringLiteral("http://127.0.0.1:%1%2").arg(base + 1).arg(probe)});
        QVERIFY(curl.waitForFinished(20000));
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(entries.begin(), entries.end(),
                                             [&probe](const LogEntry &e) {
                                                 return e.field(QStringLiteral("path")) == probe;
                                             }),
                                 20000);
        for (const LogEntry &e : std::as_const(entries)) {
            QCOMPARE(e.host, QStringLiteral("web1"));
            QCOMPARE(e.source, QStringLiteral("web"));
            QVERIFY(!e.timeGuessed);
        }
        QVERIFY(std::any_of(entries.begin(), entries.end(),
                            [](const LogEntry &e) { return e.level == LogLevel::Info; }));
    }

    // The demo's Prometheus scrapes each replica (and the compose container) with the
    // environment's label, so the dashboards and alerts of `swarm` and `compose` have data; it is
    // read here the way the Metrics pane reads it, through the environment's own tunnel.
    void theReplicasAreScrapedWithTheirEnvironment()
    {
        PrometheusClient *prometheus = m_contexts->context(QStringLiteral("swarm"))->prometheus();
        QVERIFY2(prometheus, "the swarm environment has no prometheus: block");
        const auto upBySlot = [&](const QString &env) {
            const qint64 now = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
            const PanelResult answer = wait(prometheus->queryRange(
                QStringLiteral("up{job=\"minitwit-containers\",env=\"%1\"}").arg(env),
                QueryGrid{now - 10000, now, 1000}));
            QMap<QString, double> up;
            if (!answer.error.isEmpty() || answer.grid.stepMs == 0)
                return up;
            for (const TimeSeries &series : std::as_const(answer.series))
                up.insert(series.labels.value(QStringLiteral("slot")), series.stats().last);
            return up;
        };
        using Up = QMap<QString, double>;
        // The targets file is read within 5 s and scraped every 2 s; a task being replaced by
        // another test's deploy answers again within its restart delay.
        QTRY_COMPARE_WITH_TIMEOUT(upBySlot(QStringLiteral("swarm")),
                                  (Up{{QStringLiteral("1"), 1.0}, {QStringLiteral("2"), 1.0}}),
                                  60000);
        if (!m_swarm.value(QStringLiteral("COMPOSE_PROJECT")).isEmpty())
            QTRY_COMPARE_WITH_TIMEOUT(upBySlot(QStringLiteral("compose")), (Up{{QString(), 1.0}}),
                                      60000);
        // The app's own metrics carry the label too: the dashboards' {env="$env"} finds them.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const Result<QStringList> values = wait(prometheus->labelValues(
                    QStringLiteral("env"),
                    QStringLiteral("django_http_requests_before_middlewares_total")));
                return values && values->contains(QStringLiteral("swarm"));
            },
            30000));
    }

    void cleanupTestCase()
    {
        m_contexts.reset();
        m_pool.reset();
    }
};

QTEST_GUILESS_MAIN(TestContainers)
#include "tst_containers.moc"
