// SPDX-License-Identifier: GPL-3.0-or-later
#include "backupmanifest.h"

#include "common/formatting.h"
#include "pgtools.h"
#include "workspace/workspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace Opsdeck {

namespace {
constexpr int kMaxTables = 100;
const QString kManifestSuffix = QStringLiteral(".manifest.json");

QStringList dumpFiles(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isDir())
        return {path};
    QStringList files;
    QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}
} // namespace

QString BackupManifest::dumpPath() const
{
    return QFileInfo(manifestPath).dir().filePath(file);
}

QJsonObject BackupManifest::toJson() const
{
    QJsonArray tablesJson;
    for (const TableRowCount &t : biggestTables)
        tablesJson.append(
            QJsonObject{{QStringLiteral("table"), t.table}, {QStringLiteral("rows"), t.rows}});
    return {{QStringLiteral("opsdeck_backup"), 1},
            {QStringLiteral("file"), file},
            {QStringLiteral("format"), format},
            {QStringLiteral("environment"), environment},
            {QStringLiteral("database"), database},
            {QStringLiteral("server"), server},
            {QStringLiteral("server_version"), pgVersionText(serverVersion)},
            {QStringLiteral("dump_version"), pgVersionText(dumpVersion)},
            {QStringLiteral("taken_at"), takenAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("who"), who},
            {QStringLiteral("size_bytes"), sizeBytes},
            {QStringLiteral("sha256"), sha256},
            {QStringLiteral("verified"), verified},
            {QStringLiteral("toc_entries"), tocEntries},
            {QStringLiteral("tables"), tables},
            {QStringLiteral("biggest_tables"), tablesJson}};
}

Result<BackupManifest> BackupManifest::fromJson(const QJsonObject &json)
{
    if (json.value(QStringLiteral("opsdeck_backup")).toInt() != 1)
        return Result<BackupManifest>::failure(QStringLiteral("not an Opsdeck backup manifest"));
    BackupManifest m;
    m.file = json.value(QStringLiteral("file")).toString();
    // The dump sits beside its manifest: a name with a directory in it could point anywhere.
    if (m.file.isEmpty() || m.file.contains(QLatin1Char('/')) ||
        m.file.startsWith(QLatin1Char('.')))
        return Result<BackupManifest>::failure(QStringLiteral("the manifest names no dump file"));
    m.format = json.value(QStringLiteral("format")).toString(QStringLiteral("custom"));
    m.environment = json.value(QStringLiteral("environment")).toString();
    m.database = json.value(QStringLiteral("database")).toString();
    m.server = json.value(QStringLiteral("server")).toString();
    m.serverVersion = parsePgVersion(json.value(QStringLiteral("server_version")).toString());
    m.dumpVersion = parsePgVersion(json.value(QStringLiteral("dump_version")).toString());
    m.takenAt =
        QDateTime::fromString(json.value(QStringLiteral("taken_at")).toString(), Qt::ISODateWithMs);
    if (!m.takenAt.isValid())
        return Result<BackupManifest>::failure(
            QStringLiteral("the manifest has no valid taken_at"));
    m.seconds = json.value(QStringLiteral("seconds")).toDouble();
    m.who = json.value(QStringLiteral("who")).toString();
    m.sizeBytes = json.value(QStringLiteral("size_bytes")).toInteger();
    m.sha256 = json.value(QStringLiteral("sha256")).toString();
    m.verified = json.value(QStringLiteral("verified")).toBool();
    m.tocEntries = json.value(QStringLiteral("toc_entries")).toInt();
    m.tables = json.value(QStringLiteral("tables")).toInt();
    const QJsonArray tablesJson = json.value(QStringLiteral("biggest_tables")).toArray();
    for (qsizetype i = 0; i < std::min<qsizetype>(tablesJson.size(), kMaxTables); ++i) {
        const QJsonObject t = tablesJson.at(i).toObject();
        m.biggestTables.append({t.value(QStringLiteral("table")).toString(),
                                t.value(QStringLiteral("rows")).toInteger()});
    }
    return m;
}

QString backupsDirectory(const Workspace &workspace)
{
    if (workspace.backups.isRemote())
        return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
               QStringLiteral("/outgoing-backups/") +
               (workspace.name.isEmpty() ? QStringLiteral("workspace") : workspace.name);
    if (workspace.backups.isConfigured())
        return workspace.backups.directory;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/backups/") +
           (workspace.name.isEmpty() ? QStringLiteral("workspace") : workspace.name);
}

QString backupBaseName(const QString &database, const QDateTime &takenAt)
{
    QString safe = database;
    for (QChar &c : safe)
        if (!c.isLetterOrNumber() && c != QLatin1Char('_') && c != QLatin1Char('-'))
            c = QLatin1Char('_');
    return safe + QLatin1Char('-') +
           takenAt.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

QString manifestPathFor(const QString &dumpPath)
{
    QString base = dumpPath;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base + kManifestSuffix;
}

Status writeManifest(const BackupManifest &manifest, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(QStringLiteral("%1: %2").arg(path, file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(manifest.toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Status::failure(QStringLiteral("%1: %2").arg(path, file.errorString()));
    return success();
}

Result<BackupManifest> readManifest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<BackupManifest>::failure(
            QStringLiteral("%1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxManifestBytes)
        return Result<BackupManifest>::failure(
            QStringLiteral("%1: larger than a manifest can be (%2)")
                .arg(path, formatBytes(file.size())));
    return parseManifest(file.read(kMaxManifestBytes), QFileInfo(path).absoluteFilePath());
}

Result<BackupManifest> parseManifest(const QByteArray &json, const QString &path)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return Result<BackupManifest>::failure(QStringLiteral("%1: %2").arg(
            path, error.error == QJsonParseError::NoError ? QStringLiteral("not a JSON object")
                                                          : error.errorString()));
    Result<BackupManifest> manifest = BackupManifest::fromJson(doc.object());
    if (!manifest)
        return Result<BackupManifest>::failure(
            QStringLiteral("%1: %2").arg(path, manifest.errorString()));
    manifest.value().manifestPath = path;
    return manifest;
}

void sortNewestFirst(QList<BackupManifest> &backups)
{
    std::stable_sort(
        backups.begin(), backups.end(),
        [](const BackupManifest &a, const BackupManifest &b) { return a.takenAt > b.takenAt; });
}

QList<BackupManifest> listBackups(const QString &directory, const QString &environment,
                                  int *skipped)
{
    QList<BackupManifest> backups;
    int unreadable = 0;
    const QDir dir(directory);
    for (const QString &name :
         dir.entryList({QLatin1Char('*') + kManifestSuffix}, QDir::Files, QDir::Name)) {
        Result<BackupManifest> m = readManifest(dir.filePath(name));
        if (!m) {
            ++unreadable;
            continue;
        }
        if (environment.isEmpty() || m->environment == environment)
            backups << m.value();
    }
    sortNewestFirst(backups);
    if (skipped)
        *skipped = unreadable;
    return backups;
}

QFuture<QList<BackupManifest>> readBackups(const QString &directory, const QString &environment)
{
    return QtConcurrent::run(
        [directory, environment] { return listBackups(directory, environment); });
}

CheckResult backupsUnreadable(const QString &environment, const QString &location,
                              const QString &error)
{
    CheckResult check = backupFreshnessCheck({}, environment, 0, false, QDateTime());
    check.verdict = Verdict::NotRun;
    check.findings.clear();
    check.thresholds.clear();
    check.error = QStringLiteral("cannot read the backups in %1: %2").arg(location, error);
    check.summary = check.error;
    return check;
}

CheckResult backupFreshnessCheck(const QList<BackupManifest> &backups, const QString &environment,
                                 int maxAgeHours, bool expected, const QDateTime &now)
{
    CheckResult check;
    check.name = QStringLiteral("backup_freshness");
    check.title = QStringLiteral("Backup freshness");
    check.explanation = QStringLiteral(
        "The newest verified backup (pg_dump, read back with pg_restore --list) in the "
        "workspace's backups location. A backup nobody has taken since yesterday is the one "
        "missing on the day it is needed.");
    check.thresholds = {{QStringLiteral("max_age_hours"), maxAgeHours}};
    check.fixIsAdvice = true;
    const auto newest =
        std::find_if(backups.cbegin(), backups.cend(), [&](const BackupManifest &b) {
            return b.verified && (environment.isEmpty() || b.environment == environment);
        });
    if (newest == backups.cend() && !expected) {
        check.verdict = Verdict::Skipped;
        check.error = QStringLiteral("no backups of %1; checked where backups exist, and on "
                                     "protected environments")
                          .arg(environment);
        check.summary = check.error;
        return check;
    }
    if (newest == backups.cend()) {
        check.verdict = Verdict::Critical;
        check.summary = QStringLiteral("no verified backup of %1").arg(environment);
        check.findings.append({environment,
                               Verdict::Critical,
                               check.summary,
                               QStringLiteral("opsdeck db backup %1").arg(environment),
                               {}});
        return check;
    }
    const qint64 ageSeconds = newest->takenAt.secsTo(now);
    const QString when =
        QStringLiteral("%1 (%2, %3)")
            .arg(newest->file, formatAgo(newest->takenAt, now), formatBytes(newest->sizeBytes));
    if (ageSeconds > qint64(maxAgeHours) * 3600) {
        check.verdict = Verdict::Warning;
        check.summary =
            QStringLiteral("the newest backup is %1 old").arg(formatDuration(ageSeconds));
        check.findings.append(
            {newest->database,
             Verdict::Warning,
             QStringLiteral("newest backup %1, older than %2 h").arg(when).arg(maxAgeHours),
             QStringLiteral("opsdeck db backup %1 (and schedule it)").arg(environment),
             {}});
        return check;
    }
    check.summary = QStringLiteral("newest backup %1").arg(when);
    return check;
}

Result<QByteArray> sha256OfDump(const QString &path)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const bool isDirectory = QFileInfo(path).isDir();
    for (const QString &name : dumpFiles(path)) {
        QFile file(name);
        if (!file.open(QIODevice::ReadOnly))
            return Result<QByteArray>::failure(
                QStringLiteral("%1: %2").arg(name, file.errorString()));
        if (isDirectory) // names are part of a directory dump's identity
            hash.addData(QByteArray(QDir(path).relativeFilePath(name).toUtf8() + '\0'));
        if (!hash.addData(&file))
            return Result<QByteArray>::failure(
                QStringLiteral("%1: %2").arg(name, file.errorString()));
    }
    return hash.result().toHex();
}

qint64 dumpSize(const QString &path)
{
    qint64 total = 0;
    for (const QString &name : dumpFiles(path))
        total += QFileInfo(name).size();
    return total;
}

} // namespace Opsdeck
