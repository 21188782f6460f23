// SPDX-License-Identifier: GPL-3.0-or-later
// A compose project's deploy: its containers read, replaced one by one from the new image and,
// on a failure, the very containers that ran put back. The rest of the run (lock, build,
// release phase, health gate, report) is the swarm runner's own.
#include "swarmdeployrunner.h"

#include "common/futures.h"
#include "dockerengine.h"
#include "dockerjson.h"
#include "swarmstatus.h"

#include <QJsonArray>
#include <QMap>
#include <QTimer>

namespace Opsdeck {

using DockerJson::at;
using DockerJson::filtersQuery;

namespace {

const QLatin1String kProjectLabel("com.docker.compose.project");
const QLatin1String kServiceLabel("com.docker.compose.service");
const QLatin1String kNumberLabel("com.docker.compose.container-number");
const QLatin1String kOneOffLabel("com.docker.compose.oneoff");
constexpr int kStopSeconds = 10; // compose's default stop timeout

QString nameOf(const QJsonObject &inspected)
{
    return inspected.value(QLatin1String("Name")).toString().mid(1); // "/minitwit-web-1"
}

} // namespace

QString SwarmDeployRunner::keptName(const QString &name) const
{
    // Matched by the compose status, which leaves kept containers out.
    return QStringLiteral("%1.opsdeck-kept-%2").arg(name, m_runId.left(8));
}

QJsonObject SwarmDeployRunner::containerBody(const QJsonObject &inspected,
                                             const QJsonObject &imageConfig, const QString &image)
{
    QJsonObject body = inspected.value(QLatin1String("Config")).toObject();
    body.insert(QStringLiteral("Image"), image);
    // The daemon merges the image's defaults into a container's config; those of the old image
    // go, or they would stay in place of the new image's (its revision label, its CMD).
    QJsonObject labels = body.value(QLatin1String("Labels")).toObject();
    const QJsonObject imageLabels = imageConfig.value(QLatin1String("Labels")).toObject();
    for (auto it = imageLabels.begin(); it != imageLabels.end(); ++it)
        if (labels.value(it.key()) == it.value())
            labels.remove(it.key());
    // Compose's hash of the service's config and image: this container is no longer what the
    // file made, so the next `docker compose up` recreates it from the file (and does not take
    // it for the old one).
    labels.remove(QStringLiteral("com.docker.compose.config-hash"));
    body.insert(QStringLiteral("Labels"), labels);
    QJsonArray env;
    const QJsonArray imageEnv = imageConfig.value(QLatin1String("Env")).toArray();
    for (const QJsonValue &v : body.value(QLatin1String("Env")).toArray())
        if (!imageEnv.contains(v))
            env << v;
    body.insert(QStringLiteral("Env"), env);
    for (const char *key : {"Cmd", "Entrypoint", "WorkingDir", "User", "StopSignal", "Healthcheck",
                            "ExposedPorts", "Volumes"})
        if (!imageConfig.isEmpty() &&
            body.value(QLatin1String(key)) == imageConfig.value(QLatin1String(key)))
            body.remove(QLatin1String(key));
    const QString id = inspected.value(QLatin1String("Id")).toString();
    if (body.value(QLatin1String("Hostname")).toString() == id.left(12))
        body.remove(QStringLiteral("Hostname")); // the daemon's default: the old container's id
    const QJsonObject host = inspected.value(QLatin1String("HostConfig")).toObject();
    body.insert(QStringLiteral("HostConfig"), host);
    // One network at creation (what the API takes before 1.44); connectNetworks adds the rest.
    const QString mode = host.value(QLatin1String("NetworkMode")).toString();
    const QJsonObject endpoint =
        at(inspected, {"NetworkSettings", "Networks"}).value(mode).toObject();
    QJsonArray aliases; // compose's service name; not the old container's id
    for (const QJsonValue &alias : endpoint.value(QLatin1String("Aliases")).toArray())
        if (!id.startsWith(alias.toString()))
            aliases << alias;
    if (!aliases.isEmpty())
        body.insert(
            QStringLiteral("NetworkingConfig"),
            QJsonObject{{QStringLiteral("EndpointsConfig"),
                         QJsonObject{{mode, QJsonObject{{QStringLiteral("Aliases"), aliases}}}}}});
    return body;
}

// ---- preflight ----------------------------------------------------------------------------------

void SwarmDeployRunner::preflightCompose()
{
    if (m_kind == DeployRunner::Kind::Rollback && m_image.isEmpty())
        return conclude(Outcome::Refused,
                        tr("a compose project keeps no previous spec: choose the image to go "
                           "back to"));
    const QString filters =
        filtersQuery({{QStringLiteral("label"),
                       QJsonArray{QStringLiteral("%1=%2").arg(kProjectLabel, m_spec.stack)}}});
    onFinished(
        m_engine->get(QStringLiteral("/containers/json?all=1&") + filters), this,
        [this](const Result<QJsonDocument> &containers) {
            if (!containers)
                return conclude(Outcome::Refused, containers.errorString());
            QMap<QString, QList<QJsonObject>> byService;
            for (const QJsonValue &v : containers->array()) {
                const QJsonObject c = v.toObject();
                const QJsonObject labels = c.value(QLatin1String("Labels")).toObject();
                const QString name = c.value(QLatin1String("Names")).toArray().first().toString();
                if (labels.value(kOneOffLabel).toString() == QLatin1String("True") ||
                    name.contains(QLatin1String(".opsdeck-kept-")))
                    continue; // `compose run` containers, and a crashed run's kept ones
                const QString service = labels.value(kServiceLabel).toString();
                if (m_kind == DeployRunner::Kind::Command
                        ? service != m_service
                        : repositoryOf(c.value(QLatin1String("Image")).toString()) !=
                              repositoryOf(m_spec.image))
                    continue; // a database or a proxy of the project: not ours to change
                byService[service] << c;
            }
            for (auto it = byService.cbegin(); it != byService.cend(); ++it) {
                Target t;
                t.name = it.key();
                t.containers = it.value();
                m_targets << t;
            }
            if (m_targets.isEmpty() && m_kind == DeployRunner::Kind::Command)
                return conclude(Outcome::Refused, tr("the compose project '%1' has no service '%2'")
                                                      .arg(m_spec.stack, m_service));
            if (m_targets.isEmpty())
                return conclude(Outcome::Refused,
                                tr("no container of the compose project '%1' runs an image of '%2'")
                                    .arg(m_spec.stack, m_spec.image));
            inspectComposeTargets();
        });
}

void SwarmDeployRunner::inspectComposeTargets()
{
    // The list has a summary only: the full config (mounts, networks, restart policy) is what
    // a replacement is created from.
    QStringList paths;
    for (const Target &t : std::as_const(m_targets))
        for (const QJsonObject &c : t.containers)
            paths << QStringLiteral("/containers/%1/json")
                         .arg(c.value(QLatin1String("Id")).toString());
    onFinished(m_engine->getAll(paths), this, [this](const Result<QList<QJsonDocument>> &answers) {
        if (!answers)
            return conclude(Outcome::Refused, answers.errorString());
        qsizetype next = 0;
        for (Target &t : m_targets) {
            for (QJsonObject &c : t.containers)
                c = answers->value(next++).object();
            std::sort(
                t.containers.begin(), t.containers.end(),
                [](const QJsonObject &a, const QJsonObject &b) {
                    const auto number = [](const QJsonObject &c) {
                        return at(c, {"Config", "Labels"}).value(kNumberLabel).toString().toInt();
                    };
                    return number(a) < number(b);
                });
            t.spec = t.containers.first();
            t.id = t.spec.value(QLatin1String("Id")).toString();
            t.fromImage = at(t.spec, {"Config"}).value(QLatin1String("Image")).toString();
            for (const QJsonObject &c : std::as_const(t.containers)) {
                const QString image = at(c, {"Config"}).value(QLatin1String("Image")).toString();
                if (image != t.fromImage) // a half-done update: each container goes back alone
                    say(tr("%1 runs %2").arg(nameOf(c), shortImage(image)), t.name);
            }
        }
        readImageConfigs();
    });
}

void SwarmDeployRunner::readImageConfigs()
{
    QStringList ids;
    for (const Target &t : std::as_const(m_targets))
        for (const QJsonObject &c : t.containers)
            if (const QString id = c.value(QLatin1String("Image")).toString(); !ids.contains(id))
                ids << id;
    QStringList paths;
    for (const QString &id : std::as_const(ids))
        paths << QStringLiteral("/images/%1/json").arg(id);
    onFinished(
        m_engine->getAll(paths), this, [this, ids](const Result<QList<QJsonDocument>> &images) {
            if (!images)
                return conclude(Outcome::Refused, images.errorString());
            m_imageConfigs.clear();
            for (qsizetype i = 0; i < ids.size() && i < images->size(); ++i)
                m_imageConfigs.insert(
                    ids.at(i), images->at(i).object().value(QLatin1String("Config")).toObject());
            if (m_kind == DeployRunner::Kind::Command)
                return m_execTask.isEmpty() ? runInTask() : chooseExecContainer();
            for (const Target &t : std::as_const(m_targets)) {
                m_previousImages.insert(t.name, shortImage(t.fromImage));
                say(tr("%1 runs %2 (%n container(s))", nullptr, int(t.containers.size()))
                        .arg(t.name, shortImage(t.fromImage)));
            }
            takeLock();
        });
}

void SwarmDeployRunner::chooseExecContainer()
{
    const Target &service = m_targets.first();
    setPhase(Phase::Rollout, tr("Running in a container of %1").arg(service.name), tr("Run"));
    QStringList running;
    for (const QJsonObject &c : service.containers) {
        if (!at(c, {"State"}).value(QLatin1String("Running")).toBool())
            continue;
        const QString id = c.value(QLatin1String("Id")).toString();
        const QString name = nameOf(c);
        running << name;
        if (m_execTask == QLatin1String("*") || id.startsWith(m_execTask) || name == m_execTask)
            return startExec(id, name);
    }
    conclude(Outcome::Refused,
             m_execTask == QLatin1String("*")
                 ? tr("%1 has no running container to run the command in").arg(service.name)
                 : tr("%1 has no running container '%2' (running: %3)")
                       .arg(service.name, m_execTask,
                            running.isEmpty() ? tr("none") : running.join(u", ")));
}

// ---- one-off containers -----------------------------------------------------------------------

void SwarmDeployRunner::startOneOffContainer(const Target &from, const QString &image,
                                             const QString &command)
{
    // The service's container config (environment, mounts, network) in a container that runs
    // the command once, like `docker compose run --rm --no-deps`; no published ports (the
    // service holds them), no restart, no compose labels (compose would count it).
    QJsonObject body = containerBody(
        from.spec, m_imageConfigs.value(from.spec.value(QLatin1String("Image")).toString()), image);
    body.insert(QStringLiteral("Entrypoint"),
                QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"), command});
    body.insert(QStringLiteral("Cmd"), QJsonArray());
    body.remove(QStringLiteral("Healthcheck"));
    body.insert(QStringLiteral("Labels"),
                QJsonObject{{QStringLiteral("com.opsdeck.run"), m_runId}});
    QJsonObject host = body.value(QLatin1String("HostConfig")).toObject();
    host.remove(QStringLiteral("PortBindings"));
    host.insert(QStringLiteral("RestartPolicy"),
                QJsonObject{{QStringLiteral("Name"), QStringLiteral("no")}});
    body.insert(QStringLiteral("HostConfig"), host);
    const QString name = QStringLiteral("%1-%2-%3")
                             .arg(nameOf(from.spec),
                                  m_kind == DeployRunner::Kind::Command ? QStringLiteral("run")
                                                                        : QStringLiteral("release"),
                                  m_runId.left(8));
    say(tr("one-off container %1 from %2").arg(name, shortImage(image)));
    onFinished(
        m_engine->send("POST", QStringLiteral("/containers/create?name=") + name, body), this,
        [this](const Result<QJsonDocument> &created) {
            if (!created)
                return m_oneOffDone(QStringLiteral("not started"), created.errorString());
            m_oneOffService = created->object().value(QLatin1String("Id")).toString();
            onFinished(
                m_engine->send("POST", QStringLiteral("/containers/%1/start").arg(m_oneOffService)),
                this, [this](const Result<QJsonDocument> &started) {
                    if (!started)
                        return oneOffEnded(QStringLiteral("not started"), started.errorString());
                    m_waited.start();
                    watchOneOff();
                });
        });
}

void SwarmDeployRunner::watchOneOffContainer()
{
    const QString path = QStringLiteral("/containers/%1/json").arg(m_oneOffService);
    onFinished(m_engine->get(path), this, [this](const Result<QJsonDocument> &container) {
        const QJsonObject state = container
                                      ? container->object().value(QLatin1String("State")).toObject()
                                      : QJsonObject();
        const QString status = state.value(QLatin1String("Status")).toString();
        const bool ended =
            container && (status == QLatin1String("exited") || status == QLatin1String("dead"));
        if (ended) {
            const int code = state.value(QLatin1String("ExitCode")).toInt();
            const QString error = state.value(QLatin1String("Error")).toString();
            return oneOffEnded(code == 0 ? QStringLiteral("complete") : QStringLiteral("failed"),
                               code == 0 ? error
                                         : tr("exit code %1%2")
                                               .arg(code)
                                               .arg(error.isEmpty() ? QString() : u": " + error));
        }
        if (m_cancelRequested || m_waited.elapsed() > kOneOffTimeoutMs)
            return oneOffEnded(QStringLiteral("timed out"), QString());
        QTimer::singleShot(kPollMs, this, &SwarmDeployRunner::watchOneOff);
    });
}

// ---- the update -------------------------------------------------------------------------------

void SwarmDeployRunner::recreateContainers()
{
    setPhase(Phase::Rollout, tr("Recreating the containers from %1").arg(shortImage(m_image)),
             tr("Update"));
    m_recreations.clear();
    for (Target &t : m_targets) {
        for (const QJsonObject &c : std::as_const(t.containers)) {
            if (at(c, {"Config"}).value(QLatin1String("Image")).toString() == m_image) {
                say(tr("%1 runs %2 already").arg(nameOf(c), shortImage(m_image)), t.name);
                continue;
            }
            t.updated = true;
            Recreation r;
            r.service = t.name;
            r.name = nameOf(c);
            r.oldId = c.value(QLatin1String("Id")).toString();
            r.old = c;
            m_recreations << r;
        }
        t.settled = true;
    }
    m_waited.start();
    recreateNext(0);
}

void SwarmDeployRunner::recreateNext(qsizetype index)
{
    if (m_cancelRequested)
        return rollBackServices(tr("cancelled"));
    if (index == m_recreations.size())
        return m_recreations.isEmpty() ? healthGate() : monitorRecreated();
    const Recreation &r = m_recreations.at(index);
    say(tr("stopping %1").arg(r.name), r.service);
    const QString stop = QStringLiteral("/containers/%1/stop?t=%2").arg(r.oldId).arg(kStopSeconds);
    onFinished(
        m_engine->send("POST", stop, {}, (kStopSeconds + 30) * 1000), this,
        [this, index](const Result<QJsonDocument> &stopped) {
            Recreation &r = m_recreations[index];
            if (!stopped)
                return rollBackServices(tr("%1: %2").arg(r.name, stopped.errorString()));
            r.stopped = true;
            const QString rename =
                QStringLiteral("/containers/%1/rename?name=%2").arg(r.oldId, keptName(r.name));
            onFinished(m_engine->send("POST", rename), this,
                       [this, index](const Result<QJsonDocument> &renamed) {
                           Recreation &r = m_recreations[index];
                           if (!renamed)
                               return rollBackServices(
                                   tr("%1: %2").arg(r.name, renamed.errorString()));
                           r.renamed = true;
                           createReplacement(index);
                       });
        });
}

void SwarmDeployRunner::createReplacement(qsizetype index)
{
    const Recreation &r = m_recreations.at(index);
    const QString path = QStringLiteral("/containers/create?name=") + r.name;
    const QJsonObject body = containerBody(
        r.old, m_imageConfigs.value(r.old.value(QLatin1String("Image")).toString()), m_image);
    onFinished(m_engine->send("POST", path, body), this,
               [this, index](const Result<QJsonDocument> &created) {
                   Recreation &r = m_recreations[index];
                   if (!created)
                       return rollBackServices(tr("%1: %2").arg(r.name, created.errorString()));
                   r.newId = created->object().value(QLatin1String("Id")).toString();
                   QStringList others = at(r.old, {"NetworkSettings", "Networks"}).keys();
                   others.removeAll(
                       at(r.old, {"HostConfig"}).value(QLatin1String("NetworkMode")).toString());
                   connectNetworks(r.newId, others, r.old, [this, index](const QString &error) {
                       Recreation &r = m_recreations[index];
                       if (!error.isEmpty())
                           return rollBackServices(tr("%1: %2").arg(r.name, error));
                       const QString start = QStringLiteral("/containers/%1/start").arg(r.newId);
                       onFinished(m_engine->send("POST", start), this,
                                  [this, index](const Result<QJsonDocument> &started) {
                                      const Recreation &r = m_recreations.at(index);
                                      if (!started)
                                          return rollBackServices(
                                              tr("%1: %2").arg(r.name, started.errorString()));
                                      say(tr("%1 started from %2").arg(r.name, shortImage(m_image)),
                                          r.service);
                                      recreateNext(index + 1);
                                  });
                   });
               });
}

void SwarmDeployRunner::connectNetworks(const QString &container, QStringList networks,
                                        const QJsonObject &from,
                                        std::function<void(const QString &error)> done)
{
    if (networks.isEmpty())
        return done({});
    const QString network = networks.takeFirst();
    QJsonArray aliases;
    const QString oldId = from.value(QLatin1String("Id")).toString();
    const QJsonObject endpoint =
        at(from, {"NetworkSettings", "Networks"}).value(network).toObject();
    for (const QJsonValue &alias : endpoint.value(QLatin1String("Aliases")).toArray())
        if (!oldId.startsWith(alias.toString()))
            aliases << alias;
    const QJsonObject body{
        {QStringLiteral("Container"), container},
        {QStringLiteral("EndpointConfig"), QJsonObject{{QStringLiteral("Aliases"), aliases}}}};
    onFinished(m_engine->send("POST", QStringLiteral("/networks/%1/connect").arg(network), body),
               this,
               [this, container, networks, from, done](const Result<QJsonDocument> &connected) {
                   if (!connected)
                       return done(connected.errorString());
                   connectNetworks(container, networks, from, done);
               });
}

void SwarmDeployRunner::monitorRecreated()
{
    // Swarm's `monitor`: a container that exits, restarts or is unhealthy within it failed.
    QStringList paths;
    for (const Recreation &r : std::as_const(m_recreations))
        paths << QStringLiteral("/containers/%1/json").arg(r.newId);
    onFinished(m_engine->getAll(paths), this, [this](const Result<QList<QJsonDocument>> &answers) {
        if (!answers)
            return rollBackServices(answers.errorString());
        bool starting = false;
        for (qsizetype i = 0; i < answers->size() && i < m_recreations.size(); ++i) {
            const QJsonObject state =
                answers->at(i).object().value(QLatin1String("State")).toObject();
            const QString name = m_recreations.at(i).name;
            const QString health = state.value(QLatin1String("Health"))
                                       .toObject()
                                       .value(QLatin1String("Status"))
                                       .toString();
            if (!state.value(QLatin1String("Running")).toBool() ||
                state.value(QLatin1String("Restarting")).toBool() ||
                answers->at(i).object().value(QLatin1String("RestartCount")).toInt() > 0)
                return rollBackServices(
                    tr("%1 did not keep running (%2, exit code %3)")
                        .arg(name, state.value(QLatin1String("Status")).toString())
                        .arg(state.value(QLatin1String("ExitCode")).toInt()));
            if (health == QLatin1String("unhealthy"))
                return rollBackServices(tr("%1 is unhealthy (its HEALTHCHECK)").arg(name));
            starting = starting || health == QLatin1String("starting");
        }
        if (m_cancelRequested)
            return rollBackServices(tr("cancelled"));
        if (m_waited.elapsed() >= m_spec.monitorMs && !starting) {
            say(tr("every container kept running for %1 s").arg(m_spec.monitorMs / 1000));
            return healthGate();
        }
        if (m_waited.elapsed() > kUpdateTimeoutMs)
            return rollBackServices(tr("the containers were still starting after %1 minutes")
                                        .arg(kUpdateTimeoutMs / 60000));
        QTimer::singleShot(kPollMs, this, &SwarmDeployRunner::monitorRecreated);
    });
}

// ---- how it ends --------------------------------------------------------------------------------

void SwarmDeployRunner::succeed(const QString &summary)
{
    if (!isCompose() || m_recreations.isEmpty())
        return conclude(Outcome::Succeeded, summary);
    auto left = std::make_shared<qsizetype>(m_recreations.size());
    for (const Recreation &r : std::as_const(m_recreations))
        onFinished(
            m_engine->send("DELETE", QStringLiteral("/containers/") + r.oldId), this,
            [this, left, summary, name = r.name](const Result<QJsonDocument> &removed) {
                if (!removed)
                    say(tr("warning: the old %1 stays (%2)").arg(name, removed.errorString()));
                if (--*left == 0)
                    conclude(Outcome::Succeeded, summary);
            });
}

void SwarmDeployRunner::restoreContainers(const QString &why)
{
    setPhase(Phase::Rollout, tr("Putting the old containers back"), tr("Rollback"));
    reportRecreated(why);
}

void SwarmDeployRunner::reportRecreated(const QString &why)
{
    // The new containers' ends and last lines, read before they are removed.
    QList<qsizetype> made;
    for (qsizetype i = 0; i < m_recreations.size(); ++i)
        if (!m_recreations.at(i).newId.isEmpty())
            made << i;
    if (made.isEmpty() && m_recreations.isEmpty())
        return conclude(m_cancelRequested ? Outcome::Cancelled : Outcome::Failed,
                        why + tr("; no container changed"));
    if (made.isEmpty())
        return restoreNext(m_recreations.size() - 1, why);
    auto left = std::make_shared<qsizetype>(std::min<qsizetype>(made.size(), 2));
    for (qsizetype i : made.mid(0, 2)) {
        const Recreation &r = m_recreations.at(i);
        const QStringList paths{QStringLiteral("/containers/%1/json").arg(r.newId)};
        const QString logs = QStringLiteral("/containers/%1/logs?stdout=1&stderr=1&tail=%2")
                                 .arg(r.newId)
                                 .arg(kLogLines);
        onFinished(
            m_engine->getAll(paths), this,
            [this, why, left, logs, name = r.name](const Result<QList<QJsonDocument>> &c) {
                if (c) {
                    const QJsonObject state =
                        c->first().object().value(QLatin1String("State")).toObject();
                    const QString error = state.value(QLatin1String("Error")).toString();
                    const QString line =
                        tr("%1: %2 (exit code %3)%4")
                            .arg(name, state.value(QLatin1String("Status")).toString())
                            .arg(state.value(QLatin1String("ExitCode")).toInt())
                            .arg(error.isEmpty() ? QString() : QStringLiteral(" — ") + error);
                    m_failureReport << line;
                    say(line, tr("containers"));
                }
                onFinished(m_engine->getRaw(logs), this,
                           [this, why, left, name](const Result<QByteArray> &raw) {
                               if (raw) {
                                   m_failureReport
                                       << tr("last %1 lines of %2:").arg(kLogLines).arg(name);
                                   for (const QByteArray &line :
                                        DockerEngine::demultiplexLogs(*raw).split('\n'))
                                       if (!line.isEmpty()) {
                                           m_failureReport
                                               << QStringLiteral("  ") + QString::fromUtf8(line);
                                           say(QString::fromUtf8(line), name);
                                       }
                               }
                               if (--*left == 0)
                                   restoreNext(m_recreations.size() - 1, why);
                           });
            });
    }
}

void SwarmDeployRunner::restoreNext(qsizetype index, const QString &why)
{
    if (index < 0)
        return conclude(m_cancelRequested ? Outcome::Cancelled : Outcome::Failed, why);
    const Recreation r = m_recreations.at(index);
    const auto next = [this, index, why] {
        restoreNext(index - 1, why);
    };
    const auto warnThen = [this](const QString &what, auto then) {
        return [this, what, then](const Result<QJsonDocument> &answer) {
            if (!answer)
                say(tr("warning: %1: %2").arg(what, answer.errorString()));
            then();
        };
    };
    const auto start = [this, r, next, warnThen] {
        if (!r.stopped)
            return next();
        onFinished(
            m_engine->send("POST", QStringLiteral("/containers/%1/start").arg(r.oldId)), this,
            warnThen(tr("starting the old %1").arg(r.name), [this, r, next] {
                say(tr("%1 is back on %2")
                        .arg(r.name,
                             shortImage(
                                 at(r.old, {"Config"}).value(QLatin1String("Image")).toString())),
                    r.service);
                next();
            }));
    };
    const auto rename = [this, r, start, warnThen] {
        if (!r.renamed)
            return start();
        onFinished(
            m_engine->send("POST",
                           QStringLiteral("/containers/%1/rename?name=%2").arg(r.oldId, r.name)),
            this, warnThen(tr("renaming the old %1 back").arg(r.name), start));
    };
    if (r.newId.isEmpty())
        return rename();
    onFinished(m_engine->send("DELETE", QStringLiteral("/containers/%1?force=1").arg(r.newId)),
               this, warnThen(tr("removing the new %1").arg(r.name), rename));
}

} // namespace Opsdeck
