// SPDX-License-Identifier: GPL-3.0-or-later
#include "swarmlock.h"

#include "common/futures.h"
#include "dockerengine.h"
#include "dockerjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPromise>
#include <QUrl>

namespace Opsdeck {

namespace {

constexpr qsizetype kMaxLockBytes = 64 * 1024; // a config holds at most 500 KB; ours a few lines

SwarmLock lockOf(const QJsonObject &config)
{
    SwarmLock lock;
    lock.configId = config.value(QLatin1String("ID")).toString();
    const QByteArray data = QByteArray::fromBase64(config.value(QLatin1String("Spec"))
                                                       .toObject()
                                                       .value(QLatin1String("Data"))
                                                       .toString()
                                                       .toLatin1());
    lock.details = QJsonDocument::fromJson(data.left(kMaxLockBytes)).object();
    return lock;
}

const QLatin1String kLockLabel("com.opsdeck.lock");
const QLatin1String kDetailsLabel("com.opsdeck.lock.details");

/** A lock container as `GET /containers/json` lists it. */
SwarmLock lockOfContainer(const QJsonObject &container)
{
    SwarmLock lock;
    lock.store = SwarmLock::Store::Container;
    lock.configId = container.value(QLatin1String("Id")).toString();
    const QString details = container.value(QLatin1String("Labels"))
                                .toObject()
                                .value(kDetailsLabel)
                                .toString()
                                .left(kMaxLockBytes);
    lock.details = QJsonDocument::fromJson(details.toUtf8()).object();
    return lock;
}

bool isNamed(const QJsonObject &container, const QString &name)
{
    for (const QJsonValue &n : container.value(QLatin1String("Names")).toArray())
        if (n.toString() == QLatin1Char('/') + name)
            return true;
    return false;
}

template<typename T>
std::shared_ptr<QPromise<T>> started()
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    return promise;
}

template<typename T>
void deliver(const std::shared_ptr<QPromise<T>> &promise, const T &value)
{
    promise->addResult(value);
    promise->finish();
}

} // namespace

QString SwarmLock::configName(const QString &stack)
{
    return QStringLiteral("opsdeck-lock.") + stack;
}

QString SwarmLock::placeName(Store store, const QString &stack)
{
    return (store == Store::Container ? QStringLiteral("container ")
                                      : QStringLiteral("swarm config ")) +
           configName(stack);
}

QString SwarmLock::describe() const
{
    const auto field = [this](const char *name) {
        return details.value(QLatin1String(name)).toString();
    };
    const QDateTime since = QDateTime::fromString(field("started"), Qt::ISODate).toLocalTime();
    QString text =
        QStringLiteral("%1 %2 since %3 by %4")
            .arg(field("action").isEmpty() ? QStringLiteral("deploying") : field("action"),
                 field("ref").isEmpty() ? QStringLiteral("(unknown ref)") : field("ref"),
                 since.isValid() ? since.toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                                 : QStringLiteral("(unknown time)"),
                 field("user").isEmpty() ? QStringLiteral("(unknown user)") : field("user"));
    if (!field("comment").isEmpty())
        text += QStringLiteral(" (%1)").arg(field("comment"));
    return text;
}

QFuture<Result<SwarmLock>> SwarmLock::read(DockerEngine &engine, const QString &stack, Store store)
{
    auto promise = started<Result<SwarmLock>>();
    const bool container = store == Store::Container;
    const QString filters =
        DockerJson::filtersQuery({{QStringLiteral("name"), QJsonArray{configName(stack)}}});
    const QString path = container ? QStringLiteral("/containers/json?all=1&") + filters
                                   : QStringLiteral("/configs?") + filters;
    onFinished(engine.get(path), &engine,
               [promise, stack, container](const Result<QJsonDocument> &answer) {
                   if (!answer) {
                       deliver(promise, Result<SwarmLock>(answer.error()));
                       return;
                   }
                   // The name filter matches parts of names too: the exact name only.
                   for (const QJsonValue &v : answer->array()) {
                       const QJsonObject found = v.toObject();
                       if (container && isNamed(found, configName(stack))) {
                           deliver(promise, Result<SwarmLock>(lockOfContainer(found)));
                           return;
                       }
                       if (!container && found.value(QLatin1String("Spec"))
                                                 .toObject()
                                                 .value(QLatin1String("Name"))
                                                 .toString() == configName(stack)) {
                           deliver(promise, Result<SwarmLock>(lockOf(found)));
                           return;
                       }
                   }
                   deliver(promise, Result<SwarmLock>(SwarmLock()));
               });
    return promise->future();
}

QFuture<Result<SwarmLock>> SwarmLock::take(DockerEngine &engine, const QString &stack,
                                           const QJsonObject &details, Store store,
                                           const QString &image)
{
    auto promise = started<Result<SwarmLock>>();
    const QByteArray data = QJsonDocument(details).toJson(QJsonDocument::Compact);
    QString path;
    QJsonObject body;
    if (store == Store::Container) {
        path = QStringLiteral("/containers/create?name=") + configName(stack);
        body = {{QStringLiteral("Image"), image},
                {QStringLiteral("Labels"),
                 QJsonObject{{kLockLabel, stack}, {kDetailsLabel, QString::fromUtf8(data)}}}};
    } else {
        path = QStringLiteral("/configs/create");
        body = {{QStringLiteral("Name"), configName(stack)},
                {QStringLiteral("Labels"), QJsonObject{{kLockLabel, stack}}},
                {QStringLiteral("Data"), QString::fromLatin1(data.toBase64())}};
    }
    DockerEngine *guard = &engine;
    onFinished(
        engine.send("POST", path, body), guard,
        [promise, guard, stack, details, store](const Result<QJsonDocument> &created) {
            if (created) {
                SwarmLock lock;
                lock.store = store;
                lock.configId = created->object().value(QLatin1String("ID")).toString();
                if (lock.configId.isEmpty()) // a container's is "Id"
                    lock.configId = created->object().value(QLatin1String("Id")).toString();
                lock.details = details;
                deliver(promise, Result<SwarmLock>(lock));
                return;
            }
            // Taken already (409, "name conflicts…" / "is already in use"), or no swarm: say
            // who holds it.
            onFinished(
                SwarmLock::read(*guard, stack, store), guard,
                [promise, error = created.errorString()](const Result<SwarmLock> &held) {
                    if (held && held->isHeld())
                        deliver(
                            promise,
                            Result<SwarmLock>::failure(
                                QStringLiteral("the stack is locked: %1").arg(held->describe())));
                    else
                        deliver(promise, Result<SwarmLock>::failure(error));
                });
        });
    return promise->future();
}

QFuture<Result<QJsonDocument>> SwarmLock::release(DockerEngine &engine, const SwarmLock &lock)
{
    return engine.send("DELETE", (lock.store == Store::Container ? QStringLiteral("/containers/")
                                                                 : QStringLiteral("/configs/")) +
                                     lock.configId);
}

QFuture<Result<SwarmLock>> SwarmLock::breakHeld(DockerEngine &engine, const QString &stack,
                                                Store store)
{
    auto promise = started<Result<SwarmLock>>();
    onFinished(read(engine, stack, store), &engine,
               [promise, engine = &engine](const Result<SwarmLock> &held) {
                   if (!held || !held->isHeld()) {
                       deliver(promise, held);
                       return;
                   }
                   onFinished(release(*engine, *held), engine,
                              [promise, lock = *held](const Result<QJsonDocument> &released) {
                                  deliver(promise, released ? Result<SwarmLock>(lock)
                                                            : Result<SwarmLock>(released.error()));
                              });
               });
    return promise->future();
}

} // namespace Opsdeck
