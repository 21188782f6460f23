// SPDX-License-Identifier: GPL-3.0-or-later
#include "swarmstatus.h"

#include "common/futures.h"
#include "dockerengine.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QPromise>
#include <QSet>
#include <QUrl>

#include <algorithm>

namespace Opsdeck {

namespace {

const QLatin1String kStackLabel("com.docker.stack.namespace");
const QLatin1String kRevisionLabel("org.opencontainers.image.revision");

QJsonObject objectAt(const QJsonObject &o, std::initializer_list<const char *> path)
{
    QJsonObject at = o;
    for (const char *key : path)
        at = at.value(QLatin1String(key)).toObject();
    return at;
}

QString withoutDigest(const QString &image)
{
    return image.section(QLatin1Char('@'), 0, 0);
}

SwarmTask taskOf(const QJsonObject &t, const QHash<QString, QString> &nodeNames)
{
    const QJsonObject status = t.value(QLatin1String("Status")).toObject();
    SwarmTask task;
    task.id = t.value(QLatin1String("ID")).toString();
    task.slot = t.value(QLatin1String("Slot")).toInt();
    const QString nodeId = t.value(QLatin1String("NodeID")).toString();
    task.node = nodeNames.value(nodeId, nodeId.left(12));
    task.state = status.value(QLatin1String("State")).toString();
    task.desiredState = t.value(QLatin1String("DesiredState")).toString();
    task.error = status.value(QLatin1String("Err")).toString();
    task.message = status.value(QLatin1String("Message")).toString();
    const QJsonObject container = status.value(QLatin1String("ContainerStatus")).toObject();
    task.containerId = container.value(QLatin1String("ContainerID")).toString();
    if (container.contains(QLatin1String("ExitCode")) && task.state != QLatin1String("running"))
        task.exitCode = container.value(QLatin1String("ExitCode")).toInt();
    task.image = withoutDigest(
        objectAt(t, {"Spec", "ContainerSpec"}).value(QLatin1String("Image")).toString());
    task.updated = QDateTime::fromString(status.value(QLatin1String("Timestamp")).toString(),
                                         Qt::ISODateWithMs);
    return task;
}

SwarmService serviceOf(const QJsonObject &s)
{
    const QJsonObject spec = s.value(QLatin1String("Spec")).toObject();
    SwarmService service;
    service.id = s.value(QLatin1String("ID")).toString();
    service.name = spec.value(QLatin1String("Name")).toString();
    service.image = withoutDigest(
        objectAt(spec, {"TaskTemplate", "ContainerSpec"}).value(QLatin1String("Image")).toString());
    const int colon = int(service.image.lastIndexOf(QLatin1Char(':')));
    if (colon > service.image.lastIndexOf(QLatin1Char('/')))
        service.tag = service.image.mid(colon + 1);
    const QJsonObject mode = spec.value(QLatin1String("Mode")).toObject();
    service.mode = mode.contains(QLatin1String("Global")) ? QStringLiteral("global")
                                                          : QStringLiteral("replicated");
    const QJsonObject counts = s.value(QLatin1String("ServiceStatus")).toObject();
    service.running = counts.value(QLatin1String("RunningTasks")).toInt();
    service.desired = counts.value(QLatin1String("DesiredTasks")).toInt();
    const QJsonObject update = s.value(QLatin1String("UpdateStatus")).toObject();
    service.updateState = update.value(QLatin1String("State")).toString();
    service.updateMessage = update.value(QLatin1String("Message")).toString();
    return service;
}

void sortTasks(QList<SwarmTask> &tasks)
{
    std::sort(tasks.begin(), tasks.end(), [](const SwarmTask &a, const SwarmTask &b) {
        if (a.isCurrent() != b.isCurrent())
            return a.isCurrent();
        if (a.isCurrent())
            return a.slot != b.slot ? a.slot < b.slot : a.node < b.node;
        return a.updated > b.updated;
    });
}

} // namespace

const SwarmService *SwarmStatus::service(const QString &name) const
{
    for (const SwarmService &s : services)
        if (s.name == name || s.name == stack + QLatin1Char('_') + name)
            return &s;
    return nullptr;
}

int SwarmStatus::running() const
{
    int n = 0;
    for (const SwarmService &s : services)
        n += s.running;
    return n;
}

int SwarmStatus::desired() const
{
    int n = 0;
    for (const SwarmService &s : services)
        n += s.desired;
    return n;
}

QString shortImage(const QString &image)
{
    return withoutDigest(image).section(QLatin1Char('/'), -1);
}

SwarmStatus swarmStatusOf(const QString &stack, const QJsonDocument &services,
                          const QJsonDocument &tasks, const QJsonDocument &nodes,
                          const QDateTime &now)
{
    QHash<QString, QString> nodeNames;
    for (const QJsonValue &n : nodes.array()) {
        const QJsonObject node = n.toObject();
        nodeNames.insert(
            node.value(QLatin1String("ID")).toString(),
            objectAt(node, {"Description"}).value(QLatin1String("Hostname")).toString());
    }
    SwarmStatus status;
    status.stack = stack;
    status.readAt = now;
    QHash<QString, qsizetype> byId;
    for (const QJsonValue &v : services.array()) {
        const QJsonObject s = v.toObject();
        const QJsonObject labels = objectAt(s, {"Spec", "Labels"});
        if (!stack.isEmpty() && labels.value(kStackLabel).toString() != stack)
            continue;
        status.services << serviceOf(s);
    }
    std::sort(status.services.begin(), status.services.end(),
              [](const SwarmService &a, const SwarmService &b) { return a.name < b.name; });
    for (qsizetype i = 0; i < status.services.size(); ++i)
        byId.insert(status.services[i].id, i);
    const QDateTime hourAgo = now.addSecs(-3600);
    for (const QJsonValue &v : tasks.array()) {
        const QJsonObject t = v.toObject();
        const auto it = byId.constFind(t.value(QLatin1String("ServiceID")).toString());
        if (it == byId.constEnd())
            continue;
        SwarmTask task = taskOf(t, nodeNames);
        SwarmService &service = status.services[*it];
        const bool recentFailure = task.failed() && task.updated >= hourAgo;
        if (recentFailure)
            ++service.restartsLastHour;
        if (task.isCurrent() || recentFailure)
            service.tasks << task;
    }
    for (SwarmService &s : status.services)
        sortTasks(s.tasks);
    return status;
}

QFuture<Result<SwarmStatus>> readSwarmStatus(DockerEngine &engine, const QString &stack)
{
    auto promise = std::make_shared<QPromise<Result<SwarmStatus>>>();
    promise->start();
    QFuture<Result<SwarmStatus>> future = promise->future();
    auto deliver = [promise](const Result<SwarmStatus> &r) {
        promise->addResult(r);
        promise->finish();
    };
    const QString filter = QString::fromUtf8(
        QUrl::toPercentEncoding(QStringLiteral("{\"label\":[\"%1=%2\"]}").arg(kStackLabel, stack)));
    const QStringList paths{QStringLiteral("/services?status=true&filters=") + filter,
                            QStringLiteral("/tasks"), QStringLiteral("/nodes")};
    DockerEngine *e = &engine;
    onFinished(
        engine.getAll(paths), e, [e, stack, deliver](const Result<QList<QJsonDocument>> &answers) {
            if (!answers) {
                deliver(answers.error());
                return;
            }
            auto status = std::make_shared<SwarmStatus>(
                swarmStatusOf(stack, answers->at(0), answers->at(1), answers->at(2),
                              QDateTime::currentDateTimeUtc()));
            // Each image's revision label (the git commit it was built from), once per image.
            QStringList images;
            for (const SwarmService &s : std::as_const(status->services))
                if (!s.image.isEmpty() && !images.contains(s.image))
                    images << s.image;
            QStringList paths;
            for (const QString &image : std::as_const(images))
                paths << QStringLiteral("/images/%1/json")
                             .arg(QString::fromUtf8(QUrl::toPercentEncoding(image, ":/")));
            onFinished(e->getAll(paths), e,
                       [status, images, deliver](const Result<QList<QJsonDocument>> &inspected) {
                           // An image the manager does not have (pulled by workers only) has no
                           // label here.
                           if (inspected) {
                               for (qsizetype i = 0; i < images.size(); ++i) {
                                   const QString revision = inspected->at(i)
                                                                .object()
                                                                .value(QLatin1String("Config"))
                                                                .toObject()
                                                                .value(QLatin1String("Labels"))
                                                                .toObject()
                                                                .value(kRevisionLabel)
                                                                .toString();
                                   for (SwarmService &s : status->services)
                                       if (s.image == images[i])
                                           s.revision = revision;
                               }
                           }
                           deliver(*status);
                       });
        });
    return future;
}

} // namespace Opsdeck
