// SPDX-License-Identifier: GPL-3.0-or-later
#include "migrations.h"

#include "deploychanges.h"
#include "deploycontext.h"
#include "runtime/databasesession.h"

namespace Opsdeck {

QDateTime migrationCutoff(const QStringList &releasesNewestFirst, const QString &target)
{
    const qsizetype at = releasesNewestFirst.indexOf(target);
    if (at <= 0)
        return {};
    return releaseTime(releasesNewestFirst.at(at - 1));
}

QString migrationsSinceSql()
{
    return QStringLiteral(
        "select app, name, to_char(applied at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "from django_migrations where applied >= $1::timestamptz order by applied, id");
}

Result<QList<AppliedMigration>> parseMigrations(const Result<PgResultSet> &result)
{
    using R = Result<QList<AppliedMigration>>;
    if (!result)
        return R::failure(result.errorString());
    QList<AppliedMigration> out;
    for (const QList<QVariant> &row : result->rows)
        out << AppliedMigration{row.value(0).toString(), row.value(1).toString(),
                                QDateTime::fromString(row.value(2).toString(), Qt::ISODate)};
    return out;
}

QFuture<Result<QList<AppliedMigration>>> readMigrations(DatabaseSession &database,
                                                        const QDateTime &since)
{
    QFuture<Result<PgResultSet>> rows =
        since.isValid() ? database.query(migrationsSinceSql(), {since.toString(Qt::ISODate)})
                        : database.query(appliedMigrationsSql());
    return rows.then([](const Result<PgResultSet> &r) { return parseMigrations(r); });
}

} // namespace Opsdeck
