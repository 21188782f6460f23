// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "cloneoperation.h"

namespace Opsdeck {

/** The database a workspace's conninfo names ("minitwit_prod"), or empty. */
QString databaseName(const DatabaseSpec &database);

/**
 * The action requests of backups, the same in the Backups tab and `opsdeck db …`: what the
 * confirmation says and what the audit row records. Protection is the target's: a backup's
 * is nobody's (it reads; what it writes is the person's own file), a restore's the server's
 * environment, a clone's the environment whose database it replaces.
 */
ActionRequest backupRequest(const QString &workspace, const QString &environment,
                            const QString &database);
ActionRequest restoreRequest(const QString &workspace, const EnvironmentSpec &target,
                             const QString &dumpFile, const QString &database, bool replace);
ActionRequest cloneRequest(const QString &workspace, const QString &source,
                           const QString &sourceDatabase, const EnvironmentSpec &target,
                           const QString &scrubFile);

/** How each ended, for the pipeline (the message, the audit row's outcome and after). */
ActionResult backupResult(const Result<BackupManifest> &manifest);
ActionResult restoreResult(const Result<RestoreSummary> &summary);
ActionResult cloneResult(const Result<CloneResult> &clone);

} // namespace Opsdeck
