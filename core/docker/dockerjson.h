// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <initializer_list>

namespace Opsdeck::DockerJson {

/** `object.A.B.C` as an object (empty where a step is missing): Docker's answers nest deep. */
inline QJsonObject at(const QJsonObject &object, std::initializer_list<const char *> path)
{
    QJsonObject o = object;
    for (const char *key : path)
        o = o.value(QLatin1String(key)).toObject();
    return o;
}

/** "filters=…": the API's JSON filter form, percent-encoded for a query string. */
inline QString filtersQuery(const QJsonObject &filters)
{
    return QStringLiteral("filters=") +
           QString::fromLatin1(QUrl::toPercentEncoding(
               QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact))));
}

/** The image a service spec runs (TaskTemplate.ContainerSpec.Image). */
inline QString imageOfSpec(const QJsonObject &spec)
{
    return at(spec, {"TaskTemplate", "ContainerSpec"}).value(QLatin1String("Image")).toString();
}

} // namespace Opsdeck::DockerJson
