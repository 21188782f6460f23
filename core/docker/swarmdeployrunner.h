// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "deploy/deployrunner.h"
#include "dockerengine.h"
#include "swarmlock.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>

class QJsonArray;
class QNetworkAccessManager;

namespace Opsdeck {

class HealthGate;
class Job;
class SshPool;

/**
 * A deploy or rollback of a swarm stack, as a state machine on the calling thread driven by
 * the Docker engine's answers and one SSH job (nothing here waits).
 *
 * Deploy: preflight (the stack's services, no update running) → lock (a swarm config) → build
 * on the build host (`git archive REV | docker build`, labelled with the revision and the ref;
 * pushed when a registry is set) → release phase (a one-off swarm job from the new image with
 * the service's environment and mounts) → update every service that runs the workspace's image,
 * with the workspace's update config → wait for Swarm to finish → health gate → unlock. A
 * failure before the update changes no service; Swarm's own rollback, or Opsdeck's after a
 * failed gate, puts every service back on the image it ran, and the failing tasks' errors and
 * last 50 log lines are shown. Rollback: the same update to an earlier image (or each
 * service's previous spec), without build and release phase. Run: a command in a one-off task
 * of a service (no lock: it changes no service).
 *
 * A compose project (`kind: compose`) goes the same way on its one host's engine, with
 * containers for tasks: the lock is a container that never runs, one-off containers stand in
 * for one-off tasks, and the update recreates each container of each service from the new
 * image (stop, keep under another name, create with the same config, start), as `docker
 * compose up -d --no-deps SERVICE` does after an image change. The old containers are kept,
 * stopped, until the new ones pass the monitor time and the health gate: a failure puts those
 * very containers back; a success removes them.
 */
class SwarmDeployRunner final : public QObject
{
    Q_OBJECT

public:
    using Phase = DeployRunner::Phase;
    using Outcome = DeployRunner::Outcome;
    static constexpr int kLogLines = 50;

    SwarmDeployRunner(SshPool *pool, DockerEngine *engine, const EnvironmentSpec &environment,
                      QObject *parent = nullptr);
    ~SwarmDeployRunner() override;

    void deploy(const QString &ref, const QString &comment);
    /** `image` empty: each service's previous spec (Swarm's own rollback). */
    void rollback(const QString &image, const QString &comment);
    /**
     * Runs `command` once in a new task of `service` ("web" or "minitwit_web"): its image,
     * environment, mounts and networks, like `kamal app exec`; the output when it ends.
     */
    void runCommand(const QString &service, const QString &command, const QString &comment);
    /**
     * Runs `command` in a task of `service` that is running already (`docker exec`): `task` is
     * its id (or a prefix) or its name ("web.1", "minitwit_web.1"); empty: any running task, one
     * on the manager first. Only tasks on the manager are reached.
     */
    void execInTask(const QString &service, const QString &task, const QString &command,
                    const QString &comment);
    void cancel();

    bool isCompose() const { return m_spec.kind == ContainerDeploySpec::Kind::Compose; }
    bool isRunning() const { return m_phase != Phase::Idle && m_phase != Phase::Done; }
    DeployRunner::Kind kind() const { return m_kind; }
    Phase phase() const { return m_phase; }
    Outcome outcome() const { return m_outcome; }
    QString summary() const { return m_summary; }
    QString ref() const { return m_ref; }
    QString revision() const { return m_revision; }
    /** The image the services are updated to ("minitwit:3f2a1b9c0d12"), once known. */
    QString image() const { return m_image; }
    /** Each updated service's image before the run (what a failure goes back to). */
    QHash<QString, QString> previousImages() const { return m_previousImages; }
    /** The failing tasks' errors and last log lines, when the run failed after the update. */
    QStringList failureReport() const { return m_failureReport; }
    QString stepsText() const { return m_steps.text(m_clock.isValid() ? m_clock.elapsed() : 0); }
    ActionResult actionResult() const;

    /** The script the build host runs: mirror, `git archive REV | docker build`, push. */
    static QString buildScript(const ContainerDeploySpec &spec, const QString &stack,
                               const QString &ref);
    /** "minitwit" for "reg.example/minitwit:v2@sha256:…": what an image is an image of. */
    static QString repositoryOf(const QString &image);

signals:
    void phaseChanged(Opsdeck::DeployRunner::Phase phase, const QString &label);
    /** Output as it arrives; `source` is a host, a service or empty for Opsdeck's own lines. */
    void output(const QString &source, const QByteArray &data);
    void finished(Opsdeck::DeployRunner::Outcome outcome, const QString &summary);

private:
    static constexpr int kPollMs = 500;
    static constexpr int kUpdateTimeoutMs = 15 * 60 * 1000;
    static constexpr int kOneOffTimeoutMs = 30 * 60 * 1000;
    static constexpr int kOneOffLogLines = 2000; // of a release phase or a run, shown when it ends
    static constexpr int kMaxExecLineBytes = 64 * 1024;
    /** How a one-off task ended: "complete", "failed", … and Docker's error. */
    using OneOffDone = std::function<void(const QString &state, const QString &error)>;

    struct Target
    {
        QString id;
        QString name;
        QJsonObject spec;      // as read before the update
        QString fromImage;     // its image then
        QString state;         // UpdateStatus.State as last seen
        QString message;       // UpdateStatus.Message as last seen
        QString startedBefore; // UpdateStatus.StartedAt before the run: not ours
        bool updated = false;  // Opsdeck sent it an update
        bool settled = false;
        QList<QJsonObject> containers; // compose: each container as inspected, by number
    };
    /** One compose container being replaced, and how far that went (what a failure undoes). */
    struct Recreation
    {
        QString service;
        QString name; // "minitwit-web-1"
        QString oldId;
        QJsonObject old; // as inspected
        QString newId;
        bool stopped = false;
        bool renamed = false;
    };

    void begin(DeployRunner::Kind kind, const QString &comment);
    /** `step`: the name in stepsText() ("Update", "Health gate"); the phase's name if empty. */
    void setPhase(Phase phase, const QString &label, const QString &step = {});
    void say(const QString &line, const QString &source = {});
    void preflight();
    void preflightCompose();
    void inspectComposeTargets();
    void readImageConfigs();
    void takeLock();
    void build();
    void releasePhase();
    void runInTask();
    void execInRunningTask();
    void chooseExecTask(const QString &service, const QJsonArray &tasks,
                        const QString &managerNode);
    void startExec(const QString &container, const QString &task);
    void execOutput(const QString &task, const QByteArray &chunk, bool last);
    void execEnded(const QString &task, const QString &execId, const QString &error);
    void cancelExec();
    void startOneOff(const Target &from, const QString &image, const QString &command,
                     const QString &source, OneOffDone done);
    void startOneOffContainer(const Target &from, const QString &image, const QString &command);
    void watchOneOffContainer();
    void chooseExecContainer();
    void watchOneOff();
    void oneOffEnded(const QString &state, const QString &error);
    static QString describeEnd(const QString &state, const QString &error);
    void update();
    void updateService(Target &target);
    void pollUpdates();
    void updatesSettled();
    void recreateContainers();
    void recreateNext(qsizetype index);
    void createReplacement(qsizetype index);
    void connectNetworks(const QString &container, QStringList networks, const QJsonObject &from,
                         std::function<void(const QString &error)> done);
    void monitorRecreated();
    void healthGate();
    /** Success: a compose update first removes the containers it kept for a failure. */
    void succeed(const QString &summary);
    void restoreContainers(const QString &why);
    void restoreNext(qsizetype index, const QString &why);
    void reportRecreated(const QString &why);
    void rollBackServices(const QString &why);
    void pollRollback(const QString &why);
    void reportFailingTasks(const QString &why);
    void conclude(Outcome outcome, const QString &summary);
    void unlockAndFinish();
    QJsonObject updatedSpec(const Target &target) const;
    /**
     * The body of POST /containers/create for a container like `inspected`, from `image`:
     * what the container's image gave it (`imageConfig`: its CMD, ENV, labels…) is left out,
     * so the new image's own apply, as when compose creates a container from its file.
     */
    static QJsonObject containerBody(const QJsonObject &inspected, const QJsonObject &imageConfig,
                                     const QString &image);
    QString keptName(const QString &name) const;

    SshPool *m_pool;
    QPointer<DockerEngine> m_engine;
    EnvironmentSpec m_environment;
    ContainerDeploySpec m_spec;
    QNetworkAccessManager *m_network;
    DeployRunner::Kind m_kind = DeployRunner::Kind::Deploy;
    Phase m_phase = Phase::Idle;
    Outcome m_outcome = Outcome::Succeeded;
    QString m_summary;
    QString m_comment;
    QString m_ref;
    QString m_revision;
    QString m_image;
    QString m_runId;
    QList<Target> m_targets;
    QList<Recreation> m_recreations;            // compose
    QHash<QString, QJsonObject> m_imageConfigs; // compose: image id → its Config
    QHash<QString, QString> m_previousImages;
    QStringList m_failureReport;
    SwarmLock m_lock;
    QPointer<Job> m_build;
    QPointer<HealthGate> m_gate;
    QString m_service; // runCommand's and execInTask's
    QString m_command;
    QString m_execTask; // execInTask's: which task ("*": any running one); empty: a new task
    quint64 m_execFollow = 0;
    DockerLogDecoder m_execDecoder;
    QByteArray m_execPartial;
    QString m_oneOffService;
    QString m_oneOffSource;
    OneOffDone m_oneOffDone;
    bool m_cancelRequested = false;
    bool m_rollingBack = false;
    QElapsedTimer m_clock;
    QElapsedTimer m_waited;
    DeploySteps m_steps;
};

} // namespace Opsdeck
