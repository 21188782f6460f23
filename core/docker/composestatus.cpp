// SPDX-License-Identifier: GPL-3.0-or-later
#include "composestatus.h"

#include "common/futures.h"
#include "dockerengine.h"
#include "dockerjson.h"

#include <QJsonArray>
#include <QPromise>
#include <QRegularExpression>

namespace Opsdeck {

namespace {

const QLatin1String kProjectLabel("com.docker.compose.project");
const QLatin1String kServiceLabel("com.docker.compose.service");
const QLatin1String kNumberLabel("com.docker.compose.container-number");
const QLatin1String kRevisionLabel("org.opencontainers.image.revision");

SwarmTask containerTask(const QJsonObject &c, const QString &host)
{
    const QJsonObject labels = c.value(QLatin1String("Labels")).toObject();
    SwarmTask task;
    task.id = c.value(QLatin1String("Id")).toString();
    task.containerId = task.id;
    task.slot = labels.value(kNumberLabel).toString().toInt();
    task.node = host;
    task.state = c.value(QLatin1String("State")).toString();    // running, exited, restarting…
    task.message = c.value(QLatin1String("Status")).toString(); // "Up 3 minutes", "Exited (1) …"
    const QRegularExpressionMatch exited =
        QRegularExpression(QStringLiteral("^Exited \\((\\d+)\\)")).match(task.message);
    if (exited.hasMatch()) {
        task.exitCode = exited.captured(1).toInt();
        if (task.exitCode != 0) // stopped by a person or `compose stop` exits 0 (or 137/143)
            task.error = task.message;
    }
    // Compose wants every container of the project running; one that is not ended by itself.
    task.desiredState = QStringLiteral("running");
    task.image = c.value(QLatin1String("Image")).toString().section(QLatin1Char('@'), 0, 0);
    task.updated =
        QDateTime::fromSecsSinceEpoch(c.value(QLatin1String("Created")).toInteger(), Qt::UTC);
    return task;
}

} // namespace

SwarmStatus composeStatusOf(const QString &project, const QString &host,
                            const QJsonDocument &containers, const QDateTime &now)
{
    SwarmStatus status;
    status.stack = project;
    status.readAt = now;
    QMap<QString, SwarmService> byName; // sorted by name, as swarm services are
    for (const QJsonValue &v : containers.array()) {
        const QJsonObject c = v.toObject();
        const QJsonObject labels = c.value(QLatin1String("Labels")).toObject();
        if (labels.value(kProjectLabel).toString() != project)
            continue;
        // A deploy's old container, kept stopped until the new one passes: not the service's.
        if (c.value(QLatin1String("Names"))
                .toArray()
                .first()
                .toString()
                .contains(QLatin1String(".opsdeck-kept-")))
            continue;
        const QString name = labels.value(kServiceLabel).toString();
        SwarmService &service = byName[name];
        service.name = name;
        service.mode = QStringLiteral("compose");
        const SwarmTask task = containerTask(c, host);
        service.image = task.image;
        const int colon = int(service.image.lastIndexOf(QLatin1Char(':')));
        if (colon > service.image.lastIndexOf(QLatin1Char('/')))
            service.tag = service.image.mid(colon + 1);
        service.revision = labels.value(kRevisionLabel).toString();
        ++service.desired;
        if (task.state == QLatin1String("running"))
            ++service.running;
        else if (task.exitCode > 0)
            ++service.restartsLastHour; // ended on its own: a failure to see
        service.tasks << task;
    }
    for (SwarmService &s : byName) {
        std::sort(s.tasks.begin(), s.tasks.end(),
                  [](const SwarmTask &a, const SwarmTask &b) { return a.slot < b.slot; });
        status.services << s;
    }
    return status;
}

QFuture<Result<SwarmStatus>> readComposeStatus(DockerEngine &engine, const QString &project)
{
    auto promise = std::make_shared<QPromise<Result<SwarmStatus>>>();
    promise->start();
    const QString filters = DockerJson::filtersQuery(
        {{QStringLiteral("label"),
          QJsonArray{QStringLiteral("%1=%2").arg(kProjectLabel, project)}}});
    DockerEngine *e = &engine;
    onFinished(engine.get(QStringLiteral("/containers/json?all=1&") + filters), e,
               [promise, e, project](const Result<QJsonDocument> &containers) {
                   if (containers)
                       promise->addResult(composeStatusOf(project, e->hostName(), *containers,
                                                          QDateTime::currentDateTimeUtc()));
                   else
                       promise->addResult(containers.error());
                   promise->finish();
               });
    return promise->future();
}

QFuture<Result<SwarmStatus>> readContainerStatus(DockerEngine &engine,
                                                 const ContainerDeploySpec &spec)
{
    return spec.kind == ContainerDeploySpec::Kind::Compose ? readComposeStatus(engine, spec.stack)
                                                           : readSwarmStatus(engine, spec.stack);
}

} // namespace Opsdeck
