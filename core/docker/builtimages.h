// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QFuture>
#include <QJsonArray>
#include <QStringList>

namespace Opsdeck {

class DockerEngine;

/** One image of the workspace's repository on the engine: what a rollback can go back to. */
struct BuiltImage
{
    QStringList tags;  // "registry/app:v2-1a2b3c4d5e6f"; an untagged image has none
    QString ref;       // the git ref it was built from (label org.opsdeck.ref); empty: unknown
    QString revision;  // the commit (label org.opencontainers.image.revision)
    QDateTime created; // UTC
};

/** /images/json's answer, newest first (what Docker lists in no promised order). */
QList<BuiltImage> parseBuiltImages(const QJsonArray &images);

/** The images of `repository` ("registry/app", no tag) the engine holds, newest first. */
QFuture<Result<QList<BuiltImage>>> listBuiltImages(DockerEngine &engine, const QString &repository);

} // namespace Opsdeck
