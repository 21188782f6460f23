// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploychanges.h"
#include "deploystatusquery.h"

#include <QFuture>
#include <QStringList>

#include <optional>

namespace Opsdeck {

class DatabaseSession;
class SshPool;

/** What the deploy dialog says a deploy brings, before anything is changed. */
struct DeploySummary
{
    QString headline;    // deployHeadline(), or why the changes could not be read
    QStringList details; // commits and pending migrations, as bulleted lines
};

/** Where a deploy starts from and goes to: refs as the user knows them, and their commits. */
struct DeployStep
{
    QString fromRef, fromRevision; // empty when nothing is deployed
    QString toRef, revision;
};

/** Where a deploy over `currentRelease` starts from: the ref that deployed it ("v1", not
 * "refs/tags/v1") and its commit, or "release NAME" when the history does not say. */
DeployStep deployedStep(const EnvironmentDeployState &state, const QString &currentRelease);

/**
 * The summary from what is known: the changes, the migrations still to apply (unset when the
 * database could not be read) and why not, if so.
 */
DeploySummary deploySummary(const DeployStep &step, const DeployChanges &changes,
                            const std::optional<QStringList> &pending, const QString &why,
                            const EnvironmentSpec &environment);

/**
 * Reads what `step` brings from the repository on the lock host, then which of its migrations
 * the environment's database has not applied yet (`database` may be null: no database: block).
 * Always finishes with a summary; a read that failed is said in it.
 */
QFuture<DeploySummary> readDeploySummary(SshPool *pool, DatabaseSession *database,
                                         const EnvironmentSpec &environment,
                                         const DeployStep &step);

} // namespace Opsdeck
