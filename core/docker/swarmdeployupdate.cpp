// SPDX-License-Identifier: GPL-3.0-or-later
// A swarm deploy's update: each service's spec with the new image, Swarm's rolling update
// watched until it settles, then the health gate.
#include "swarmdeployrunner.h"

#include "common/futures.h"
#include "deploy/healthgate.h"
#include "dockerengine.h"
#include "dockerjson.h"
#include "runtime/sshpool.h"
#include "swarmstatus.h"

#include <QJsonArray>
#include <QTimer>

namespace Opsdeck {

namespace {

using DockerJson::at;
using DockerJson::imageOfSpec;

bool isSettledState(const QString &state)
{
    return state == QLatin1String("completed") || state == QLatin1String("paused") ||
           state == QLatin1String("rollback_completed") ||
           state == QLatin1String("rollback_paused");
}

} // namespace

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
    connect(m_gate, &Job::lineReceived, this,
            [this](const QString &line) { emit output(m_spec.host, (line + u'\n').toUtf8()); });
    connect(m_gate, &Job::finished, this, [this, image](const Result<QString> &healthy) {
        m_gate->deleteLater();
        if (m_cancelRequested)
            return rollBackServices(tr("cancelled"));
        if (!healthy)
            return rollBackServices(healthy.errorString());
        say(tr("healthy: %1").arg(m_gate->lastAnswer()));
        succeed(tr("%1 updated to %2, healthy").arg(m_spec.stack, image));
    });
    m_gate->start();
}

} // namespace Opsdeck
