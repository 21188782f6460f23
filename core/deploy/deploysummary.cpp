// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploysummary.h"

#include "common/futures.h"
#include "runtime/databasesession.h"
#include "runtime/sshpool.h"

#include <QPromise>

#include <memory>

namespace Opsdeck {

namespace {

QStringList bulleted(const QStringList &lines)
{
    QStringList items;
    for (const QString &line : lines)
        items << QStringLiteral("  • ") + line;
    return items;
}

/** The applied migrations, then the summary; `deliver` is called exactly once. */
void readPending(DatabaseSession *database, const DeployChanges &changes,
                 std::function<void(const std::optional<QStringList> &, const QString &)> deliver)
{
    database->whenReady(
        database, [database, changes, deliver](PgConnection *pg, const QString &error) {
            if (!pg) {
                deliver(std::nullopt,
                        QStringLiteral("Could not read django_migrations: %1").arg(error));
                return;
            }
            onFinished(pg->query(appliedMigrationsSql()), database,
                       [changes, deliver](const Result<PgResultSet> &result) {
                           const Result<QList<AppliedMigration>> applied = parseMigrations(result);
                           if (!applied)
                               deliver(std::nullopt,
                                       QStringLiteral("Could not read django_migrations: %1")
                                           .arg(applied.errorString()));
                           else
                               deliver(pendingMigrations(changes.migrationsInCode, *applied), {});
                       });
        });
}

} // namespace

DeploySummary deploySummary(const DeployStep &step, const DeployChanges &changes,
                            const std::optional<QStringList> &pending, const QString &why,
                            const EnvironmentSpec &environment)
{
    DeploySummary summary;
    summary.headline = deployHeadline(step.fromRef, step.toRef, changes, pending, environment);
    if (!changes.commits.isEmpty())
        summary.details << QStringLiteral("Commits:") << bulleted(changes.commits);
    if (changes.commitCount && *changes.commitCount > changes.commits.size())
        summary.details
            << QStringLiteral("… and %1 more").arg(*changes.commitCount - changes.commits.size());
    if (pending && !pending->isEmpty())
        summary.details << QStringLiteral("Migrations the release phase will apply:")
                        << bulleted(*pending);
    if (!why.isEmpty())
        summary.details << why;
    return summary;
}

QFuture<DeploySummary> readDeploySummary(SshPool *pool, DatabaseSession *database,
                                         const EnvironmentSpec &environment, const DeployStep &step)
{
    auto promise = std::make_shared<QPromise<DeploySummary>>();
    promise->start();
    auto deliver = [promise](const DeploySummary &summary) {
        promise->addResult(summary);
        promise->finish();
    };
    if (!environment.deploy) {
        deliver({QStringLiteral("%1 has no deploy: block").arg(environment.name), {}});
        return promise->future();
    }
    onFinished(
        readDeployChanges(pool, *environment.deploy, step.fromRevision, step.revision), pool,
        [database, environment, step, deliver](const Result<DeployChanges> &changes) {
            if (!changes) {
                deliver(
                    {QStringLiteral("Could not read the changes: %1").arg(changes.errorString()),
                     {}});
                return;
            }
            const auto summarise = [=](const std::optional<QStringList> &pending,
                                       const QString &why) {
                deliver(deploySummary(step, *changes, pending, why, environment));
            };
            // No migrations in the code: none pending. Migrations but no database: unknown.
            if (changes->migrationsInCode.isEmpty())
                summarise(QStringList(), {});
            else if (!database)
                summarise(std::nullopt, {});
            else
                readPending(database, *changes, summarise);
        });
    return promise->future();
}

} // namespace Opsdeck
