// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "migrations.h"
#include "workspace/workspace.h"

#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

class SshPool;

/** What a deploy brings, as the repository on the lock host tells it (DeployScripts::changes). */
struct DeployChanges
{
    std::optional<int> commitCount; // unknown when nothing is deployed or its commit is unknown
    QStringList commits;            // "b64dc5c Add likes to messages (alice)", newest first
    QStringList migrationsInCode;   // "twit.0002_message_likes", in the tree's order

    static DeployChanges parse(const QByteArray &output);
};

/**
 * Reads what deploying `revision` over `fromRevision` (empty: nothing deployed) brings, from the
 * repository on the lock host.
 */
QFuture<Result<DeployChanges>> readDeployChanges(SshPool *pool, const DeploySpec &spec,
                                                 const QString &fromRevision,
                                                 const QString &revision);

/** "twit.0002_message_likes" for "twit/migrations/0002_message_likes.py"; empty otherwise. */
QString migrationOfPath(const QString &path);

/** Every applied migration, for comparison with the release's code. */
QString appliedMigrationsSql();
/** Migrations in the code that django_migrations does not list: what `migrate` will apply. */
QStringList pendingMigrations(const QStringList &inCode, const QList<AppliedMigration> &applied);

/**
 * The plan in one line: "v1 → v2: 3 commits, 1 migration (twit.0002_message_likes); web1 then
 * web2; health check http://127.0.0.1:8000/up" (or "health check runs bin/check"). `pending` is
 * unset when the database could not be read (then said so).
 */
QString deployHeadline(const QString &fromRef, const QString &toRef, const DeployChanges &changes,
                       const std::optional<QStringList> &pending,
                       const EnvironmentSpec &environment);

} // namespace Opsdeck
