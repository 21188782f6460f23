// SPDX-License-Identifier: GPL-3.0-or-later
#include "builtimages.h"

#include "dockerengine.h"
#include "dockerjson.h"

#include <QJsonObject>

#include <algorithm>

namespace Opsdeck {

QList<BuiltImage> parseBuiltImages(const QJsonArray &images)
{
    QList<BuiltImage> built;
    for (const QJsonValue &value : images) {
        const QJsonObject image = value.toObject();
        const QJsonObject labels = image.value(QLatin1String("Labels")).toObject();
        BuiltImage b;
        for (const QJsonValue &tag : image.value(QLatin1String("RepoTags")).toArray())
            if (tag.toString() != QLatin1String("<none>:<none>"))
                b.tags << tag.toString();
        b.ref = labels.value(QLatin1String("org.opsdeck.ref")).toString();
        b.revision = labels.value(QLatin1String("org.opencontainers.image.revision")).toString();
        b.created = QDateTime::fromSecsSinceEpoch(image.value(QLatin1String("Created")).toInteger(),
                                                  Qt::UTC);
        built << b;
    }
    std::stable_sort(built.begin(), built.end(), [](const BuiltImage &a, const BuiltImage &b) {
        return a.created > b.created;
    });
    return built;
}

QFuture<Result<QList<BuiltImage>>> listBuiltImages(DockerEngine &engine, const QString &repository)
{
    const QString filters = DockerJson::filtersQuery(
        QJsonObject{{QStringLiteral("reference"), QJsonArray{repository}}});
    return engine.get(QStringLiteral("/images/json?") + filters)
        .then([](const Result<QJsonDocument> &answer) {
            if (!answer)
                return Result<QList<BuiltImage>>(answer.error());
            return Result<QList<BuiltImage>>(parseBuiltImages(answer->array()));
        });
}

} // namespace Opsdeck
