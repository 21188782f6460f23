// SPDX-License-Identifier: GPL-3.0-or-later
#include "swarmdeployrunner.h"

#include "audit/auditlog.h"
#include "common/futures.h"
#include "deploy/healthgate.h"
#include "deploy/runlisting.h"
#include "dockerengine.h"
#include "dockerjson.h"
#include "jobs/job.h"
#include "runtime/sshpool.h"
#include "swarmstatus.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QTimer>
#include <QUuid>

namespace Opsdeck {

namespace {

using DockerJson::at;
using DockerJson::filtersQuery;
using DockerJson::imageOfSpec;

const QLatin1String kStackLabel("com.docker.stack.namespace");

} // namespace

SwarmDeployRunner::SwarmDeployRunner(SshPool *pool, DockerEngine *engine,
                                     const EnvironmentSpec &environment, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_engine(engine)
    , m_environment(environment)
    , m_spec(environment.containers.value_or(ContainerDeploySpec()))
    , m_network(new QNetworkAccessManager(this))
{}

SwarmDeployRunner::~SwarmDeployRunner() = default;

// ---- starting ---------------------------------------------------------------------------------

void SwarmDeployRunner::begin(DeployRunner::Kind kind, const QString &comment)
{
    m_kind = kind;
    m_comment = comment;
    m_runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_outcome = Outcome::Succeeded;
    m_summary.clear();
    m_revision.clear();
    m_targets.clear();
    m_recreations.clear();
    m_previousImages.clear();
    m_failureReport.clear();
    m_lock = {};
    m_oneOffService.clear();
    m_execTask.clear();
    m_cancelRequested = m_rollingBack = false;
    m_steps.clear();
    m_clock.start();
}

void SwarmDeployRunner::deploy(const QString &ref, const QString &comment)
{
    begin(DeployRunner::Kind::Deploy, comment);
    m_ref = ref;
    m_image.clear();
    listRunAsJob(this, DeployRunner::Kind::Deploy, m_environment.name, ref);
    preflight();
}

void SwarmDeployRunner::runCommand(const QString &service, const QString &command,
                                   const QString &comment)
{
    begin(DeployRunner::Kind::Command, comment);
    m_service = service;
    m_command = command;
    m_ref.clear();
    m_image.clear();
    listRunAsJob(this, DeployRunner::Kind::Command, m_environment.name, command, service);
    preflight();
}

void SwarmDeployRunner::rollback(const QString &image, const QString &comment)
{
    begin(DeployRunner::Kind::Rollback, comment);
    m_ref = image.isEmpty() ? tr("the previous image") : image;
    m_image = image;
    listRunAsJob(this, DeployRunner::Kind::Rollback, m_environment.name, image);
    preflight();
}

void SwarmDeployRunner::cancel()
{
    if (!isRunning() || m_cancelRequested)
        return;
    m_cancelRequested = true;
    say(tr("cancel requested"));
    if (m_build)
        m_build->cancel(); // the build job says "cancelled"; build() concludes
    if (m_gate)
        m_gate->cancel();
    if (m_execFollow)
        cancelExec();
}

void SwarmDeployRunner::setPhase(Phase phase, const QString &label, const QString &step)
{
    if (m_phase != Phase::Idle && m_phase != Phase::Done)
        m_steps.end(m_clock.elapsed());
    m_phase = phase;
    if (phase != Phase::Done && phase != Phase::Idle)
        m_steps.begin(step.isEmpty() ? DeployRunner::phaseName(phase) : step, m_clock.elapsed());
    emit phaseChanged(phase, label);
}

void SwarmDeployRunner::say(const QString &line, const QString &source)
{
    emit output(source, (line + QLatin1Char('\n')).toUtf8());
}

// ---- preflight and lock -----------------------------------------------------------------------

void SwarmDeployRunner::preflight()
{
    if (!m_engine || !m_environment.containers)
        return conclude(
            Outcome::Refused,
            tr("environment '%1' is not a container environment").arg(m_environment.name));
    if (isCompose()) {
        setPhase(Phase::Preflight, tr("Reading the compose project %1").arg(m_spec.stack));
        return preflightCompose();
    }
    setPhase(Phase::Preflight, tr("Reading the stack %1").arg(m_spec.stack));
    const QString filters =
        filtersQuery({{QStringLiteral("label"),
                       QJsonArray{QStringLiteral("%1=%2").arg(kStackLabel, m_spec.stack)}}});
    onFinished(m_engine->get(QStringLiteral("/services?") + filters), this,
               [this](const Result<QJsonDocument> &services) {
                   if (!services)
                       return conclude(Outcome::Refused, services.errorString());
                   for (const QJsonValue &v : services->array()) {
                       const QJsonObject s = v.toObject();
                       const QJsonObject spec = s.value(QLatin1String("Spec")).toObject();
                       const QJsonObject mode = spec.value(QLatin1String("Mode")).toObject();
                       if (mode.contains(QLatin1String("ReplicatedJob")) ||
                           mode.contains(QLatin1String("GlobalJob")))
                           continue; // a one-off task (a release phase, a run): never updated
                       if (m_kind == DeployRunner::Kind::Command) {
                           const QString name = spec.value(QLatin1String("Name")).toString();
                           if (name != m_service && name != m_spec.stack + u'_' + m_service)
                               continue;
                       } else if (repositoryOf(imageOfSpec(spec)) != repositoryOf(m_spec.image)) {
                           continue; // a database or a proxy of the stack: not ours to change
                       }
                       Target t;
                       t.id = s.value(QLatin1String("ID")).toString();
                       t.name = spec.value(QLatin1String("Name")).toString();
                       t.spec = spec;
                       t.fromImage = imageOfSpec(spec);
                       t.state = at(s, {"UpdateStatus"}).value(QLatin1String("State")).toString();
                       t.startedBefore =
                           at(s, {"UpdateStatus"}).value(QLatin1String("StartedAt")).toString();
                       if (t.state == QLatin1String("updating") ||
                           t.state == QLatin1String("rollback_started"))
                           return conclude(Outcome::Refused,
                                           tr("%1 is being updated already (%2): wait for it, or "
                                              "look at it in `opsdeck services %3`")
                                               .arg(t.name, t.state, m_environment.name));
                       m_targets << t;
                   }
                   if (m_targets.isEmpty() && m_kind == DeployRunner::Kind::Command)
                       return conclude(
                           Outcome::Refused,
                           tr("the stack '%1' has no service '%2'").arg(m_spec.stack, m_service));
                   if (m_targets.isEmpty())
                       return conclude(Outcome::Refused,
                                       tr("no service of the stack '%1' runs an image of '%2'")
                                           .arg(m_spec.stack, m_spec.image));
                   if (m_kind == DeployRunner::Kind::Command)
                       return m_execTask.isEmpty() ? runInTask() : execInRunningTask();
                   std::sort(m_targets.begin(), m_targets.end(),
                             [](const Target &a, const Target &b) { return a.name < b.name; });
                   for (const Target &t : std::as_const(m_targets)) {
                       m_previousImages.insert(t.name, shortImage(t.fromImage));
                       say(tr("%1 runs %2").arg(t.name, shortImage(t.fromImage)));
                   }
                   takeLock();
               });
}

void SwarmDeployRunner::takeLock()
{
    setPhase(Phase::Lock, tr("Locking %1").arg(m_spec.stack));
    const QJsonObject details{
        {QStringLiteral("id"), m_runId},
        {QStringLiteral("action"), m_kind == DeployRunner::Kind::Deploy
                                       ? QStringLiteral("deploying")
                                       : QStringLiteral("rolling back to")},
        {QStringLiteral("ref"), m_ref},
        {QStringLiteral("user"), AuditLog::currentUser()},
        {QStringLiteral("comment"), m_comment},
        {QStringLiteral("started"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    const SwarmLock::Store store =
        isCompose() ? SwarmLock::Store::Container : SwarmLock::Store::SwarmConfig;
    onFinished(
        SwarmLock::take(*m_engine, m_spec.stack, details, store, m_targets.first().fromImage), this,
        [this, store](const Result<SwarmLock> &lock) {
            if (!lock)
                return conclude(Outcome::Refused, lock.errorString());
            m_lock = *lock;
            say(tr("locked %1 (%2)").arg(m_spec.stack, SwarmLock::placeName(store, m_spec.stack)));
            if (m_cancelRequested)
                return conclude(Outcome::Cancelled, tr("cancelled before anything changed"));
            if (m_kind == DeployRunner::Kind::Deploy)
                build();
            else
                update();
        });
}

// ---- build and release phase ------------------------------------------------------------------

void SwarmDeployRunner::build()
{
    const QString host = m_spec.buildHost.isEmpty() ? m_spec.host : m_spec.buildHost;
    setPhase(Phase::Build, tr("Building %1 on %2").arg(m_ref, host));
    SshClient *client = m_pool->client(host);
    if (!client)
        return conclude(Outcome::Failed, tr("no host '%1' in the workspace").arg(host));
    m_build = Job::remote(tr("build"), client, buildScript(m_spec, m_spec.stack, m_ref), this);
    m_build->setTimeout(std::chrono::minutes(30));
    m_build->setEnvironment(m_environment.name);
    connect(m_build, &Job::lineReceived, this, [this, host](const QString &line) {
        if (line.startsWith(QLatin1String("revision ")))
            m_revision = line.mid(9).trimmed();
        else if (line.startsWith(QLatin1String("image ")))
            m_image = line.mid(6).trimmed();
        say(line, host);
    });
    connect(m_build, &Job::finished, this, [this, host](const Result<QString> &r) {
        m_build->deleteLater();
        if (m_cancelRequested)
            return conclude(Outcome::Cancelled,
                            tr("cancelled during the build; no service changed"));
        if (!r || m_image.isEmpty())
            return conclude(Outcome::Failed,
                            tr("the build of %1 on %2 failed (%3); no service changed")
                                .arg(m_ref, host, r ? tr("no image") : r.errorString()));
        releasePhase();
    });
    m_build->start();
}

void SwarmDeployRunner::releasePhase()
{
    if (m_spec.release.isEmpty())
        return update();
    const QString command = m_spec.release.join(QStringLiteral(" && "));
    setPhase(Phase::Release, tr("Release phase: %1").arg(command));
    startOneOff(m_targets.first(), m_image, command, tr("release"),
                [this](const QString &state, const QString &error) {
                    if (m_cancelRequested)
                        return conclude(Outcome::Cancelled,
                                        tr("cancelled in the release phase; no service changed"));
                    if (state != QLatin1String("complete"))
                        return conclude(Outcome::Failed,
                                        tr("the release phase failed (%1); no service changed")
                                            .arg(describeEnd(state, error)));
                    update();
                });
}

void SwarmDeployRunner::runInTask()
{
    const Target &from = m_targets.first();
    setPhase(Phase::Rollout, tr("Running in a one-off task of %1").arg(from.name), tr("Run"));
    startOneOff(from, from.fromImage, m_command, from.name,
                [this](const QString &state, const QString &error) {
                    if (m_cancelRequested)
                        return conclude(Outcome::Cancelled, tr("cancelled"));
                    if (state != QLatin1String("complete"))
                        return conclude(
                            Outcome::Failed,
                            tr("the command failed (%1)").arg(describeEnd(state, error)));
                    conclude(Outcome::Succeeded, tr("the command succeeded"));
                });
}

QString SwarmDeployRunner::describeEnd(const QString &state, const QString &error)
{
    return error.isEmpty() ? state : QStringLiteral("%1: %2").arg(state, error);
}

void SwarmDeployRunner::startOneOff(const Target &from, const QString &image,
                                    const QString &command, const QString &source, OneOffDone done)
{
    // A swarm job with the service's task template: the same environment, mounts and networks
    // its tasks have, Kamal's `app exec` in a new container. It runs once and is removed.
    m_oneOffSource = source;
    m_oneOffDone = std::move(done);
    if (isCompose())
        return startOneOffContainer(from, image, command);
    const QString name = QStringLiteral("%1-%2-%3")
                             .arg(from.name,
                                  m_kind == DeployRunner::Kind::Command ? QStringLiteral("run")
                                                                        : QStringLiteral("release"),
                                  m_runId.left(8));
    QJsonObject task = from.spec.value(QLatin1String("TaskTemplate")).toObject();
    QJsonObject container = task.value(QLatin1String("ContainerSpec")).toObject();
    container.insert(QStringLiteral("Image"), image);
    container.insert(QStringLiteral("Command"),
                     QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"), command});
    container.remove(QStringLiteral("Args"));
    container.remove(QStringLiteral("Healthcheck"));
    task.insert(QStringLiteral("ContainerSpec"), container);
    task.insert(QStringLiteral("RestartPolicy"),
                QJsonObject{{QStringLiteral("Condition"), QStringLiteral("none")}});
    task.remove(QStringLiteral("ForceUpdate"));
    const QJsonObject job{
        {QStringLiteral("Name"), name},
        {QStringLiteral("Labels"),
         QJsonObject{{kStackLabel, m_spec.stack}, {QStringLiteral("com.opsdeck.run"), m_runId}}},
        {QStringLiteral("TaskTemplate"), task},
        {QStringLiteral("Mode"),
         QJsonObject{{QStringLiteral("ReplicatedJob"),
                      QJsonObject{{QStringLiteral("MaxConcurrent"), 1},
                                  {QStringLiteral("TotalCompletions"), 1}}}}}};
    say(tr("one-off task %1 from %2").arg(name, shortImage(image)));
    onFinished(m_engine->send("POST", QStringLiteral("/services/create"), job), this,
               [this](const Result<QJsonDocument> &created) {
                   if (!created) {
                       m_oneOffDone(QStringLiteral("not started"), created.errorString());
                       return;
                   }
                   m_oneOffService = created->object().value(QLatin1String("ID")).toString();
                   m_waited.start();
                   watchOneOff();
               });
}

void SwarmDeployRunner::watchOneOff()
{
    if (isCompose())
        return watchOneOffContainer();
    const QString filters =
        filtersQuery({{QStringLiteral("service"), QJsonArray{m_oneOffService}}});
    onFinished(m_engine->get(QStringLiteral("/tasks?") + filters), this,
               [this](const Result<QJsonDocument> &tasks) {
                   QString state, error;
                   if (tasks)
                       for (const QJsonValue &v : tasks->array()) {
                           const QJsonObject status =
                               v.toObject().value(QLatin1String("Status")).toObject();
                           state = status.value(QLatin1String("State")).toString();
                           error = status.value(QLatin1String("Err")).toString();
                       }
                   const bool ended =
                       state == QLatin1String("complete") || state == QLatin1String("failed") ||
                       state == QLatin1String("rejected") || state == QLatin1String("shutdown");
                   if (ended || m_cancelRequested || m_waited.elapsed() > kOneOffTimeoutMs)
                       return oneOffEnded(ended ? state : QStringLiteral("timed out"), error);
                   QTimer::singleShot(kPollMs, this, &SwarmDeployRunner::watchOneOff);
               });
}

void SwarmDeployRunner::oneOffEnded(const QString &state, const QString &error)
{
    const QString serviceId = m_oneOffService;
    const QString kind = isCompose() ? QStringLiteral("containers") : QStringLiteral("services");
    const QString logs = QStringLiteral("/%1/%2/logs?stdout=1&stderr=1&tail=%3")
                             .arg(kind, serviceId)
                             .arg(kOneOffLogLines);
    onFinished(
        m_engine->getRaw(logs), this,
        [this, serviceId, kind, state, error](const Result<QByteArray> &raw) {
            if (raw)
                for (const QByteArray &line : DockerEngine::demultiplexLogs(*raw).split('\n'))
                    if (!line.isEmpty())
                        say(QString::fromUtf8(line), m_oneOffSource);
            // Done with it either way (a cancelled one stops with it); gone before the
            // run goes on, so no later step sees it among the stack's services.
            const QString remove =
                QStringLiteral("/%1/%2%3")
                    .arg(kind, serviceId, isCompose() ? QStringLiteral("?force=1") : QString());
            onFinished(m_engine->send("DELETE", remove), this,
                       [this, state, error](const Result<QJsonDocument> &removed) {
                           if (!removed)
                               say(tr("warning: %1").arg(removed.errorString()));
                           m_oneOffService.clear();
                           m_oneOffDone(state, error);
                       });
        });
}

} // namespace Opsdeck
