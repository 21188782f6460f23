// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "pg/pgtypes.h"

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QString>

namespace Opsdeck {

class DatabaseSession;

/** A row of Django's `django_migrations`. */
struct AppliedMigration
{
    QString app;
    QString name;
    QDateTime applied;
};

/**
 * Migrations a rollback to `target` leaves applied: those run since the first release after it
 * was created (its release phase ran then). Invalid when `target` is the newest release.
 */
QDateTime migrationCutoff(const QStringList &releasesNewestFirst, const QString &target);

/** SQL for migrations applied at or after $1 (an ISO timestamp), oldest first. */
QString migrationsSinceSql();
Result<QList<AppliedMigration>> parseMigrations(const Result<PgResultSet> &result);

/** The migrations applied at or after `since` (all of them when invalid), oldest first. */
QFuture<Result<QList<AppliedMigration>>> readMigrations(DatabaseSession &database,
                                                        const QDateTime &since = {});

} // namespace Opsdeck
