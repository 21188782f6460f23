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

} // namespace

DeployStep deployedStep(const EnvironmentDeployState &state, const QString &currentRelease)
{
    DeployStep step;
    if (const HistoryEntry *deploy = state.deployOf(currentRelease)) {
        step.fromRef = deploy->ref;
        for (const QString &prefix : {QStringLiteral("refs/tags/"), QStringLiteral("refs/heads/")})
            if (step.fromRef.startsWith(prefix))
                step.fromRef = step.fromRef.mid(prefix.size());
        step.fromRevision = deploy->revision;
    } else if (!currentRelease.isEmpty()) {
        step.fromRef = QStringLiteral("release %1").arg(currentRelease);
    }
    return step;
}

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
                summarise(std::nullopt,
                          QStringLiteral("%1 has no database: block: the migrations it has not "
                                         "applied cannot be read.")
                              .arg(environment.name));
            else
                onFinished(readMigrations(*database), database,
                           [changes = *changes,
                            summarise](const Result<QList<AppliedMigration>> &applied) {
                               if (!applied)
                                   summarise(std::nullopt,
                                             QStringLiteral("Could not read django_migrations: %1")
                                                 .arg(applied.errorString()));
                               else
                                   summarise(pendingMigrations(changes.migrationsInCode, *applied),
                                             {});
                           });
        });
    return promise->future();
}

} // namespace Opsdeck
