// SPDX-License-Identifier: GPL-3.0-or-later
#include "swarmdeployrunner.h"

#include "audit/auditlog.h"
#include "common/futures.h"
#include "deploy/healthgate.h"
#include "dockerengine.h"
#include "dockerjson.h"
#include "jobs/job.h"
#include "runtime/sshpool.h"
#include "swarmstatus.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QTimer>
#include <QUrl>
#include <QUuid>

namespace Opsdeck {

namespace {

using DockerJson::at;
using DockerJson::filtersQuery;

const QLatin1String kStackLabel("com.docker.stack.namespace");

QString imageOfSpec(const QJsonObject &spec)
{
    return at(spec, {"TaskTemplate", "ContainerSpec"}).value(QLatin1String("Image")).toString();
}

bool isSettledState(const QString &state)
{
    return state == QLatin1String("completed") || state == QLatin1String("paused") ||
           state == QLatin1String("rollback_completed") ||
           state == QLatin1String("rollback_paused");
}

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
    preflight();
}

void SwarmDeployRunner::rollback(const QString &image, const QString &comment)
{
    begin(DeployRunner::Kind::Rollback, comment);
    m_ref = image.isEmpty() ? tr("the previous image") : image;
    m_image = image;
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

// ---- the update -------------------------------------------------------------------------------

QJsonObject SwarmDeployRunner::updatedSpec(const Target &target) const
{
    QJsonObject spec = target.spec;
    QJsonObject task = spec.value(QLatin1String("TaskTemplate")).toObject();
    QJsonObject container = task.value(QLatin1String("ContainerSpec")).toObject();
    container.insert(QStringLiteral("Image"), m_image);
    task.insert(QStringLiteral("ContainerSpec"), container);
    spec.insert(QStringLiteral("TaskTemplate"), task);
    QJsonObject labels = spec.value(QLatin1String("Labels")).toObject();
    if (labels.contains(QLatin1String("com.docker.stack.image"))) // what `stack deploy` keeps
        labels.insert(QStringLiteral("com.docker.stack.image"), m_image);
    spec.insert(QStringLiteral("Labels"), labels);
    const QString action = m_spec.failureAction;
    spec.insert(QStringLiteral("UpdateConfig"),
                QJsonObject{{QStringLiteral("Parallelism"), m_spec.updateParallelism},
                            {QStringLiteral("Order"), m_spec.updateOrder},
                            {QStringLiteral("FailureAction"), action},
                            {QStringLiteral("Monitor"), double(m_spec.monitorMs) * 1e6}});
    // Swarm's own rollback goes back the way the update came, as carefully.
    if (!spec.contains(QLatin1String("RollbackConfig")))
        spec.insert(QStringLiteral("RollbackConfig"),
                    QJsonObject{{QStringLiteral("Parallelism"), m_spec.updateParallelism},
                                {QStringLiteral("Order"), m_spec.updateOrder},
                                {QStringLiteral("Monitor"), double(m_spec.monitorMs) * 1e6}});
    return spec;
}

void SwarmDeployRunner::update()
{
    if (isCompose())
        return recreateContainers();
    const bool previous = m_kind == DeployRunner::Kind::Rollback && m_image.isEmpty();
    setPhase(Phase::Rollout,
             previous ? tr("Rolling back to each service's previous image")
                      : tr("Updating to %1").arg(shortImage(m_image)),
             tr("Update"));
    m_waited.start();
    for (Target &t : m_targets)
        updateService(t);
}

void SwarmDeployRunner::updateService(Target &target)
{
    const bool previous = m_kind == DeployRunner::Kind::Rollback && m_image.isEmpty();
    if (!previous && target.fromImage == m_image) {
        say(tr("%1 runs %2 already").arg(target.name, shortImage(m_image)));
        target.settled = true;
        target.state = QStringLiteral("completed");
        if (std::all_of(m_targets.cbegin(), m_targets.cend(),
                        [](const Target &t) { return t.settled; }))
            QTimer::singleShot(0, this, &SwarmDeployRunner::updatesSettled);
        return;
    }
    // The version read now, not at preflight: a change in between is Swarm's to refuse.
    const QString id = target.id;
    onFinished(m_engine->get(QStringLiteral("/services/") + id), this,
               [this, id, previous](const Result<QJsonDocument> &current) {
                   auto t = std::find_if(m_targets.begin(), m_targets.end(),
                                         [&](const Target &x) { return x.id == id; });
                   if (t == m_targets.end())
                       return;
                   if (!current)
                       return rollBackServices(current.errorString());
                   const QJsonObject service = current->object();
                   t->spec = service.value(QLatin1String("Spec")).toObject();
                   const qint64 version =
                       at(service, {"Version"}).value(QLatin1String("Index")).toInteger();
                   const QString path =
                       QStringLiteral("/services/%1/update?version=%2%3")
                           .arg(id)
                           .arg(version)
                           .arg(previous ? QStringLiteral("&rollback=previous") : QString());
                   const QJsonObject body = previous ? t->spec : updatedSpec(*t);
                   onFinished(
                       m_engine->send("POST", path, body), this,
                       [this, id](const Result<QJsonDocument> &sent) {
                           auto t = std::find_if(m_targets.begin(), m_targets.end(),
                                                 [&](const Target &x) { return x.id == id; });
                           if (t == m_targets.end())
                               return;
                           if (!sent)
                               return rollBackServices(sent.errorString());
                           t->updated = true;
                           for (const QJsonValue &w :
                                sent->object().value(QLatin1String("Warnings")).toArray())
                               say(w.toString(), t->name);
                           say(tr("update sent"), t->name);
                           if (std::all_of(m_targets.cbegin(), m_targets.cend(),
                                           [](const Target &x) { return x.updated || x.settled; }))
                               pollUpdates();
                       });
               });
}

void SwarmDeployRunner::pollUpdates()
{
    QStringList paths;
    for (const Target &t : std::as_const(m_targets))
        paths << QStringLiteral("/services/") + t.id;
    onFinished(m_engine->getAll(paths), this, [this](const Result<QList<QJsonDocument>> &answers) {
        if (!answers) {
            say(tr("warning: %1").arg(answers.errorString()));
        } else {
            for (qsizetype i = 0; i < m_targets.size() && i < answers->size(); ++i) {
                Target &t = m_targets[i];
                if (t.settled)
                    continue;
                const QJsonObject status = at(answers->at(i).object(), {"UpdateStatus"});
                const QString state = status.value(QLatin1String("State")).toString();
                const QString message = status.value(QLatin1String("Message")).toString();
                // The status of the update before ours (its start time) until Swarm begins ours;
                // compared as Swarm wrote it, so the two machines' clocks never matter.
                if (status.value(QLatin1String("StartedAt")).toString() == t.startedBefore)
                    continue;
                if (state != t.state || message != t.message)
                    say(message.isEmpty() ? state : QStringLiteral("%1: %2").arg(state, message),
                        t.name);
                t.state = state;
                t.message = message;
                t.settled = isSettledState(state);
            }
        }
        const bool all = std::all_of(m_targets.cbegin(), m_targets.cend(),
                                     [](const Target &t) { return t.settled; });
        if (all)
            return updatesSettled();
        if (m_waited.elapsed() > kUpdateTimeoutMs)
            return rollBackServices(
                tr("Swarm did not finish the update in %1 minutes").arg(kUpdateTimeoutMs / 60000));
        QTimer::singleShot(kPollMs, this, &SwarmDeployRunner::pollUpdates);
    });
}

void SwarmDeployRunner::updatesSettled()
{
    QStringList rolledBack, paused;
    for (const Target &t : std::as_const(m_targets)) {
        if (t.state.startsWith(QLatin1String("rollback")))
            rolledBack << QStringLiteral("%1 (%2)").arg(t.name, t.message);
        else if (t.state == QLatin1String("paused"))
            paused << QStringLiteral("%1 (%2)").arg(t.name, t.message);
    }
    if (!rolledBack.isEmpty())
        return reportFailingTasks(
            tr("Swarm rolled the update back: %1").arg(rolledBack.join(QStringLiteral("; "))));
    if (!paused.isEmpty())
        return rollBackServices(
            tr("Swarm paused the update: %1").arg(paused.join(QStringLiteral("; "))));
    if (m_cancelRequested)
        return rollBackServices(tr("cancelled"));
    healthGate();
}

void SwarmDeployRunner::healthGate()
{
    if (!m_spec.healthcheck)
        return succeed(tr("%1 updated to %2").arg(m_spec.stack, shortImage(m_image)));
    const QString image = m_image.isEmpty() ? tr("the previous image") : shortImage(m_image);
    if (m_spec.healthcheck->url.isEmpty()) {
        // `run:` runs in the new image, as a one-off task beside the updated ones: there is no
        // release directory on the manager to run it in.
        setPhase(Phase::Rollout, tr("Health gate: %1").arg(m_spec.healthcheck->run),
                 tr("Health gate"));
        startOneOff(m_targets.first(),
                    m_image.isEmpty() ? imageOfSpec(m_targets.first().spec) : m_image,
                    m_spec.healthcheck->run, tr("health"),
                    [this, image](const QString &state, const QString &error) {
                        if (m_cancelRequested)
                            return rollBackServices(tr("cancelled"));
                        if (state != QLatin1String("complete"))
                            return rollBackServices(
                                tr("the health check `%1` failed (%2)")
                                    .arg(m_spec.healthcheck->run, describeEnd(state, error)));
                        succeed(tr("%1 updated to %2, healthy").arg(m_spec.stack, image));
                    });
        return;
    }
    SshClient *client = m_pool->client(m_spec.host);
    DeployContext context;
    context.environment = m_environment.name;
    context.hosts = {m_spec.host};
    context.spec.healthcheck = m_spec.healthcheck;
    context.spec.path = QStringLiteral("/");
    setPhase(Phase::Rollout, tr("Health gate on %1").arg(m_spec.host), tr("Health gate"));
    m_gate = new HealthGate(client, context, m_spec.host, QString(), m_network, this);
    connect(m_gate, &HealthGate::progress, this, &SwarmDeployRunner::output);
    connect(m_gate, &HealthGate::finished, this,
            [this, image](const QString &, bool healthy, const QString &detail) {
                m_gate->deleteLater();
                if (m_cancelRequested)
                    return rollBackServices(tr("cancelled"));
                if (!healthy)
                    return rollBackServices(detail);
                say(tr("healthy: %1").arg(detail));
                succeed(tr("%1 updated to %2, healthy").arg(m_spec.stack, image));
            });
    m_gate->start();
}

} // namespace Opsdeck
