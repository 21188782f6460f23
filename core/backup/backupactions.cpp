// SPDX-License-Identifier: GPL-3.0-or-later
#include "backupactions.h"

#include "common/formatting.h"
#include "pg/pgconnection.h"

#include <QFileInfo>

namespace Opsdeck {

QString databaseName(const DatabaseSpec &database)
{
    const Result<PgTarget> target = PgConnection::target(database.conninfo);
    return target ? target->database : QString();
}

ActionRequest backupRequest(const QString &workspace, const QString &environment,
                            const QString &database)
{
    ActionRequest request;
    request.kind = ActionKind::DatabaseBackup;
    request.workspace = workspace;
    request.environment = environment;
    request.isProtected = false; // nothing in the environment changes
    request.target = QStringLiteral("database ") + database;
    request.description = QStringLiteral("Back up %1 of %2").arg(database, environment);
    return request;
}

ActionRequest restoreRequest(const QString &workspace, const EnvironmentSpec &target,
                             const QString &dumpFile, const QString &database, bool replace)
{
    ActionRequest request;
    request.kind = ActionKind::DatabaseRestore;
    request.workspace = workspace;
    request.environment = target.name; // whose server gets the database
    request.isProtected = target.isProtected;
    request.target = QStringLiteral("database %1 (%2)").arg(database, target.name);
    request.before = QFileInfo(dumpFile).fileName();
    request.description =
        replace ? QStringLiteral("Restore %1 into %2 on %3's server. If %2 exists, it is "
                                 "replaced and kept under another name.")
                      .arg(request.before, database, target.name)
                : QStringLiteral("Restore %1 into a new database %2 on %3's server.")
                      .arg(request.before, database, target.name);
    return request;
}

ActionRequest cloneRequest(const QString &workspace, const QString &source,
                           const QString &sourceDatabase, const EnvironmentSpec &target,
                           const QString &scrubFile)
{
    const QString targetDatabase = target.database ? databaseName(*target.database) : QString();
    ActionRequest request;
    request.kind = ActionKind::DatabaseClone;
    request.workspace = workspace;
    request.environment = target.name; // what is changed: the target's database
    request.isProtected = target.isProtected;
    request.target = QStringLiteral("database %1 (%2)").arg(targetDatabase, target.name);
    request.before = targetDatabase;
    request.after = QStringLiteral("a copy of %1 (%2)").arg(sourceDatabase, source);
    request.description = QStringLiteral("Replace %1's database %2 with a copy of %3's %4.")
                              .arg(target.name, targetDatabase, source, sourceDatabase);
    request.changes =
        QStringLiteral(
            "1. dump %1 (%2) into the backups location\n"
            "2. restore it beside %3 on %4's server\n"
            "3. %5\n"
            "4. switch: %3 is renamed %3_before_<time> (kept until you drop it), the copy "
            "becomes %3; %4's sessions on it are ended")
            .arg(sourceDatabase, source, targetDatabase, target.name,
                 scrubFile.isEmpty()
                     ? QStringLiteral("no scrub (backups.scrub is not set): the data as it is")
                     : QStringLiteral("scrub it with %1").arg(QFileInfo(scrubFile).fileName()));
    return request;
}

ActionResult backupResult(const Result<BackupManifest> &m)
{
    if (!m)
        return Result<QString>(m.error());
    ActionResult result(QStringLiteral("%1: %2 in %3 s, verified (%4 entries)")
                            .arg(m->file, formatBytes(m->sizeBytes))
                            .arg(m->seconds, 0, 'f', 1)
                            .arg(m->tocEntries));
    result.auditOutcome = QStringLiteral("succeeded: ") + m->file;
    result.after = QStringLiteral("%1 (%2, sha256 %3)")
                       .arg(m->file, formatBytes(m->sizeBytes), m->sha256.left(16));
    return result;
}

ActionResult restoreResult(const Result<RestoreSummary> &s)
{
    if (!s)
        return Result<QString>(s.error());
    ActionResult result(s->text());
    result.auditOutcome = s->countsMatch()
                              ? QStringLiteral("succeeded: %1 tables").arg(s->tables)
                              : QStringLiteral("succeeded: row counts differ from the source");
    result.after = s->keptAs.isEmpty()
                       ? s->database
                       : QStringLiteral("%1 (old kept as %2)").arg(s->database, s->keptAs);
    return result;
}

ActionResult cloneResult(const Result<CloneResult> &r)
{
    if (!r)
        return Result<QString>(r.error());
    ActionResult result(r->restore.text());
    result.auditOutcome = QStringLiteral("succeeded: ") + r->restore.database;
    result.after = QStringLiteral("%1 from %2; old kept as %3")
                       .arg(r->restore.database, r->dump.file, r->restore.keptAs);
    return result;
}

} // namespace Opsdeck
