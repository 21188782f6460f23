// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "dbhealth/healthreport.h"

#include <QDateTime>
#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Opsdeck {

/** A table's exact row count when the dump was taken ("public.auth_user", 3000). */
struct TableRowCount
{
    QString table;
    qint64 rows = 0;
};

/**
 * What is known of one dump, kept beside it as NAME.manifest.json: where it came from, what
 * made it, who, when, its size and SHA-256, whether `pg_restore --list` read it, and the exact
 * row counts of the source's biggest tables (what a restore is compared with).
 */
struct BackupManifest
{
    QString file; // the dump's file (or directory) name, beside the manifest
    QString format = QStringLiteral("custom"); // custom | directory
    QString environment;
    QString database;
    QString server; // host:port as the workspace names it
    int serverVersion = 0;
    int dumpVersion = 0;
    QDateTime takenAt;
    double seconds = 0;
    QString who;
    qint64 sizeBytes = 0;
    QString sha256;
    bool verified = false;
    int tocEntries = 0;
    int tables = 0;
    QList<TableRowCount> biggestTables;

    QString manifestPath; // where it was read from (not stored)
    QString host;         // not stored: the host both are on (backups.location HOST:/path)

    QString dumpPath() const;
    /** Where the dump is, as a user would write it: a path, or "bastion:/var/backups/x.dump". */
    QString location() const
    {
        return host.isEmpty() ? dumpPath() : host + QLatin1Char(':') + dumpPath();
    }
    QJsonObject toJson() const;
    static Result<BackupManifest> fromJson(const QJsonObject &json);
};

struct Workspace;
/** Where dumps are written here: the workspace's local `backups.location`, else the user's
 * data folder (…/opsdeck/backups/WORKSPACE); with a location on a host, the folder they wait in
 * (owner-only) until they are copied there. */
QString backupsDirectory(const Workspace &workspace);

/** "minitwit_prod-20261206T193000Z": a dump's name, sortable, without characters shells mind. */
QString backupBaseName(const QString &database, const QDateTime &takenAt);
/** The manifest's path for a dump's path. */
QString manifestPathFor(const QString &dumpPath);

/** Writes the manifest beside its dump atomically (QSaveFile), readable by the owner only. */
Status writeManifest(const BackupManifest &manifest, const QString &path);
/** Reads one manifest; at most 1 MiB is read (a manifest is a few KiB). */
Result<BackupManifest> readManifest(const QString &path);
/** A manifest's text, read from `path` (named in errors; becomes manifestPath). */
Result<BackupManifest> parseManifest(const QByteArray &json, const QString &path);
/** Newest first. */
void sortNewestFirst(QList<BackupManifest> &backups);
/** The largest manifest read; anything bigger is not one. */
constexpr qint64 kMaxManifestBytes = 1024 * 1024;

/**
 * Every backup in `directory` (newest first), optionally of one environment. Unreadable
 * manifests are skipped and counted in `skipped`.
 */
QList<BackupManifest> listBackups(const QString &directory, const QString &environment = {},
                                  int *skipped = nullptr);
/** listBackups() in the thread pool: the backups location may be a slow network mount. */
QFuture<QList<BackupManifest>> readBackups(const QString &directory, const QString &environment);

/**
 * The database health check "Backup freshness", built from the manifests (it needs no server):
 * warning when the newest verified backup is older than `maxAgeHours` (26 h: a daily backup
 * with some slack); without any, critical where backups are `expected` (protected
 * environments), else skipped — nobody wants a red staging for a backup never meant to exist.
 */
CheckResult backupFreshnessCheck(const QList<BackupManifest> &backups, const QString &environment,
                                 int maxAgeHours, bool expected, const QDateTime &now);

/** Backup freshness when the location could not be read (a host down): could not run. */
CheckResult backupsUnreadable(const QString &environment, const QString &location,
                              const QString &error);

/** SHA-256 of a dump file, or of a directory-format dump's files in name order. */
Result<QByteArray> sha256OfDump(const QString &path);
/** Bytes of a dump file, or of a directory-format dump's files. */
qint64 dumpSize(const QString &path);

} // namespace Opsdeck
