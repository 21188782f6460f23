// SPDX-License-Identifier: GPL-3.0-or-later
// The parts of backups that need no server: versions and the pg_dump refusal, the tools'
// conninfo (no password on a command line), manifests, the freshness check, `backups:`.
#include "backup/backupmanifest.h"
#include "backup/backupstore.h"
#include "backup/dumpoperation.h"
#include "backup/pgtools.h"
#include "backup/restoreoperation.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

BackupManifest manifest(const QString &environment, const QDateTime &takenAt, bool verified = true)
{
    BackupManifest m;
    m.environment = environment;
    m.database = QStringLiteral("minitwit_prod");
    m.file = backupBaseName(m.database, takenAt) + QStringLiteral(".dump");
    m.takenAt = takenAt;
    m.verified = verified;
    m.sizeBytes = 726'000;
    m.serverVersion = 150018;
    m.dumpVersion = 150018;
    m.biggestTables = {{QStringLiteral("public.auth_user"), 3000}};
    return m;
}

QString errors(const WorkspaceLoadResult &r)
{
    QStringList lines;
    for (const Diagnostic &d : r.diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestBackup final : public QObject
{
    Q_OBJECT

private slots:
    void versions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("number");
        QTest::newRow("pg_dump") << "pg_dump (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)" << 150010;
        QTest::newRow("server") << "16.4 (Ubuntu 16.4-1.pgdg22.04+1)" << 160004;
        QTest::newRow("beta") << "pg_dump (PostgreSQL) 17beta1" << 170000;
        QTest::newRow("nine") << "pg_dump (PostgreSQL) 9.6.24" << 90624;
        QTest::newRow("nothing") << "command not found" << 0;
    }
    void versions()
    {
        QFETCH(QString, text);
        QFETCH(int, number);
        QCOMPARE(parsePgVersion(text), number);
    }

    void versionText()
    {
        QCOMPARE(pgVersionText(150010), QStringLiteral("15.10"));
        QCOMPARE(pgVersionText(90624), QStringLiteral("9.6.24"));
    }

    /** pgadmin4#5678: an older pg_dump is refused before it runs, with both versions named. */
    void olderPgDumpIsRefused()
    {
        const int server = parsePgVersion(QStringLiteral("16.4 (Ubuntu 16.4-1.pgdg22.04+1)"));
        const Status refused = checkDumpToolVersion(
            QStringLiteral("/usr/bin/pg_dump"),
            parsePgVersion(QStringLiteral("pg_dump (PostgreSQL) 15.10")), server);
        QVERIFY(!refused);
        QVERIFY2(refused.errorString().contains(
                     QStringLiteral("pg_dump 15.10 is older than the server (PostgreSQL 16.4)")),
                 qPrintable(refused.errorString()));
        QVERIFY(refused.errorString().contains(QStringLiteral("postgresql-client-16")));
        // Newer or the same major is fine: pg_dump reads older servers.
        QVERIFY(checkDumpToolVersion(QStringLiteral("pg_dump"), 170002, 160004).ok());
        QVERIFY(checkDumpToolVersion(QStringLiteral("pg_dump"), 160001, 160004).ok());
        QVERIFY(!checkDumpToolVersion(QStringLiteral("pg_dump"), 0, 160004).ok());
    }

    void toolFoundForTheServer()
    {
        const QString dump = findPgTool(QStringLiteral("pg_dump"), 150000);
        QVERIFY2(dump.endsWith(QStringLiteral("/pg_dump")), qPrintable(dump));
        QVERIFY(findPgTool(QStringLiteral("no-such-pg-tool"), 150000).isEmpty());
    }

    void toolConnectionKeepsThePasswordOff()
    {
        const Result<ToolConnection> t = toolConnection(
            QStringLiteral(
                "host=db.internal port=5432 dbname=app user=deploy password='se cr\\'et' "
                "sslmode=verify-full application_name=x"),
            40001, QStringLiteral("app_copy"), QStringLiteral("opsdeck-backup"));
        QVERIFY(t.ok());
        QCOMPARE(t->password, QByteArray("se cr'et"));
        QVERIFY(!t->conninfo.contains(QStringLiteral("password")));
        QVERIFY(!t->conninfo.contains(QStringLiteral("se cr")));
        QVERIFY(t->conninfo.contains(QStringLiteral("host='db.internal'"))); // TLS checks the name
        QVERIFY(t->conninfo.contains(QStringLiteral("hostaddr=127.0.0.1 port=40001")));
        QVERIFY(t->conninfo.contains(QStringLiteral("dbname='app_copy'")));
        QVERIFY(!t->conninfo.contains(QStringLiteral("dbname='app'")));
        QVERIFY(t->conninfo.contains(QStringLiteral("sslmode='verify-full'")));
        QVERIFY(t->conninfo.contains(QStringLiteral("application_name='opsdeck-backup'")));
        QVERIFY(!toolConnection(QStringLiteral("nonsense"), 0, {}, {}).ok());
        // A URI works as well.
        const Result<ToolConnection> uri = toolConnection(
            QStringLiteral("postgresql://deploy:pw@db:5433/app"), 0, {}, QStringLiteral("o"));
        QVERIFY(uri.ok());
        QCOMPARE(uri->password, QByteArray("pw"));
        QVERIFY(uri->conninfo.contains(QStringLiteral("port='5433'")));
    }

    /** Table names as format('%I.%I') quotes them, in a text[] as the server prints it. */
    void textArrays()
    {
        // {public.auth_user,"public.\"odd, name\""}
        const QString text = QStringLiteral("{public.auth_user,\"public.\\\"odd, name\\\"\"}");
        const QStringList expected{QStringLiteral("public.auth_user"),
                                   QStringLiteral("public.\"odd, name\"")};
        QCOMPARE(parseTextArray(text), expected);
        QCOMPARE(parseTextArray(QStringLiteral("{}")), QStringList());
        QCOMPARE(parseTextArray(QVariant()), QStringList());
    }

    void newDatabaseNames()
    {
        QVERIFY(checkNewDatabaseName(QStringLiteral("minitwit_staging_copy")).ok());
        QVERIFY(!checkNewDatabaseName(QStringLiteral("a\"; drop database x; --")).ok());
        QVERIFY(!checkNewDatabaseName(QStringLiteral("1abc")).ok());
        QVERIFY(!checkNewDatabaseName(QString(64, QLatin1Char('a'))).ok());
    }

    void manifestRoundTrip()
    {
        QTemporaryDir dir;
        const BackupManifest m = manifest(QStringLiteral("production"),
                                          QDateTime(QDate(2026, 12, 6), QTime(19, 30), Qt::UTC));
        QCOMPARE(m.file, QStringLiteral("minitwit_prod-20261206T193000Z.dump"));
        const QString path = dir.filePath(manifestPathFor(m.file));
        QVERIFY(writeManifest(m, path).ok());
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        const Result<BackupManifest> read = readManifest(path);
        QVERIFY2(read.ok(), qPrintable(read.errorString()));
        QCOMPARE(read->takenAt, m.takenAt);
        QCOMPARE(read->serverVersion, 150018);
        QCOMPARE(read->biggestTables.size(), 1);
        QCOMPARE(read->biggestTables[0].rows, 3000);
        QCOMPARE(read->dumpPath(), dir.filePath(m.file));
    }

    /** A manifest is a file anyone could have put there: it cannot point outside its folder. */
    void hostileManifests()
    {
        QTemporaryDir dir;
        auto write = [&](const QString &name, const QByteArray &text) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        QJsonObject escaping =
            manifest(QStringLiteral("production"), QDateTime::currentDateTimeUtc()).toJson();
        escaping.insert(QStringLiteral("file"), QStringLiteral("../../etc/passwd"));
        write(QStringLiteral("a.manifest.json"), QJsonDocument(escaping).toJson());
        write(QStringLiteral("b.manifest.json"), "{not json");
        write(QStringLiteral("c.manifest.json"), QByteArray(2 << 20, ' '));
        write(QStringLiteral("d.manifest.json"),
              QJsonDocument(
                  manifest(QStringLiteral("production"), QDateTime::currentDateTimeUtc()).toJson())
                  .toJson());
        QVERIFY(readManifest(dir.filePath(QStringLiteral("a.manifest.json")))
                    .errorString()
                    .contains(QStringLiteral("names no dump file")));
        QVERIFY(readManifest(dir.filePath(QStringLiteral("c.manifest.json")))
                    .errorString()
                    .contains(QStringLiteral("larger than a manifest")));
        int skipped = 0;
        QCOMPARE(listBackups(dir.path(), QStringLiteral("production"), &skipped).size(), 1);
        QCOMPARE(skipped, 3);
    }

    void listedNewestFirst()
    {
        QTemporaryDir dir;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const BackupManifest &m : {manifest(QStringLiteral("production"), now.addDays(-2)),
                                        manifest(QStringLiteral("production"), now.addSecs(-60)),
                                        manifest(QStringLiteral("staging"), now)})
            QVERIFY(writeManifest(m, dir.filePath(manifestPathFor(m.file + m.environment))).ok());
        const QList<BackupManifest> production =
            listBackups(dir.path(), QStringLiteral("production"));
        QCOMPARE(production.size(), 2);
        QCOMPARE(production[0].takenAt, now.addSecs(-60));
        QCOMPARE(listBackups(dir.path()).size(), 3);
    }

    void freshness()
    {
        const QDateTime now(QDate(2026, 12, 6), QTime(12, 0), Qt::UTC);
        const QString prod = QStringLiteral("production");
        CheckResult c =
            backupFreshnessCheck({manifest(prod, now.addSecs(-3600))}, prod, 26, true, now);
        QCOMPARE(c.verdict, Verdict::Ok);
        QVERIFY(c.summary.contains(QStringLiteral("minitwit_prod-20261206T110000Z.dump")));
        c = backupFreshnessCheck({manifest(prod, now.addSecs(-27 * 3600))}, prod, 26, true, now);
        QCOMPARE(c.verdict, Verdict::Warning);
        QVERIFY2(c.findings.value(0).detail.contains(QStringLiteral("older than 26 h")),
                 qPrintable(c.findings.value(0).detail));
        // An unverified dump does not count: a backup nobody read back is a hope.
        c = backupFreshnessCheck(
            {manifest(prod, now.addSecs(-60), false), manifest(prod, now.addSecs(-30 * 3600))},
            prod, 26, true, now);
        QCOMPARE(c.verdict, Verdict::Warning);
        c = backupFreshnessCheck({}, prod, 26, true, now);
        QCOMPARE(c.verdict, Verdict::Critical);
        QCOMPARE(c.findings.value(0).fix, QStringLiteral("opsdeck db backup production"));
        // Staging, never backed up: not a problem nobody asked for.
        c = backupFreshnessCheck({manifest(prod, now)}, QStringLiteral("staging"), 26, false, now);
        QCOMPARE(c.verdict, Verdict::Skipped);
    }

    void workspaceBackups()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("opsdeck.yaml"));
        WorkspaceLoadResult r =
            WorkspaceLoader::loadText("version: 1\nname: t\nenvironments:\n  staging: {}\n"
                                      "backups:\n  location: dumps\n  max_age: 2d\n",
                                      path);
        QVERIFY2(r.ok(), qPrintable(errors(r)));
        QCOMPARE(r.workspace->backups.directory, dir.filePath(QStringLiteral("dumps")));
        QCOMPARE(r.workspace->backups.maxAgeHours, 48);
        QCOMPARE(backupsDirectory(*r.workspace), dir.filePath(QStringLiteral("dumps")));

        r = WorkspaceLoader::loadText(
            "version: 1\nenvironments:\n  staging: {}\n"
            "backups:\n  location: bastion:/var/backups\n  max_age: soon\n",
            path);
        QVERIFY(!r.ok());
        QVERIFY2(errors(r).contains(
                     QStringLiteral(":5:13: error: backups.location: unknown host 'bastion'")),
                 qPrintable(errors(r)));
        QVERIFY2(errors(r).contains(
                     QStringLiteral(":6:12: error: backups.max_age: expected hours or days")),
                 qPrintable(errors(r)));
    }

    void backupsOnAHost()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("opsdeck.yaml"));
        const QByteArray hosts = "version: 1\nname: t\nhosts:\n  bastion: {address: 10.0.0.1}\n"
                                 "environments:\n  staging: {}\n";
        WorkspaceLoadResult r = WorkspaceLoader::loadText(
            hosts + "backups:\n  location: bastion:/var/backups/opsdeck/\n", path);
        QVERIFY2(r.ok(), qPrintable(errors(r)));
        const BackupsSpec &spec = r.workspace->backups;
        QVERIFY(spec.isConfigured() && spec.isRemote());
        QCOMPARE(spec.host, QStringLiteral("bastion"));
        QCOMPARE(spec.hostPath, QStringLiteral("/var/backups/opsdeck"));
        QCOMPARE(spec.location(), QStringLiteral("bastion:/var/backups/opsdeck"));
        // Dumps are made here first, in a folder of their own, not in the workspace.
        QVERIFY(!backupsDirectory(*r.workspace).startsWith(dir.path()));

        BackupStore store(*r.workspace, nullptr);
        QVERIFY(store.isRemote());
        QCOMPARE(store.location(), spec.location());
        DumpRequest dump;
        store.prepare(dump);
        QCOMPARE(dump.directory, backupsDirectory(*r.workspace));
        QCOMPARE(dump.uploadHost, QStringLiteral("bastion"));
        QCOMPARE(dump.uploadDirectory, QStringLiteral("/var/backups/opsdeck"));
        BackupManifest there;
        there.file = QStringLiteral("db-20261206T000000Z.dump");
        there.manifestPath = QStringLiteral("/var/backups/opsdeck/db-20261206T000000Z.dump") +
                             QStringLiteral(".manifest.json");
        there.host = QStringLiteral("bastion");
        QCOMPARE(there.location(),
                 QStringLiteral("bastion:/var/backups/opsdeck/db-20261206T000000Z.dump"));
        RestoreRequest restore;
        store.prepare(restore, there);
        QVERIFY(restore.remoteDump);
        QCOMPARE(restore.remoteDump->location(), there.location());
        QVERIFY(!restore.fetchDirectory.isEmpty());
        // A local backup is read where it is.
        BackupManifest here = there;
        here.host.clear();
        RestoreRequest local;
        store.prepare(local, here);
        QVERIFY(!local.remoteDump);
        QCOMPARE(local.dumpPath, QStringLiteral("/var/backups/opsdeck/db-20261206T000000Z.dump"));

        for (const char *bad : {"bastion:var/backups", "bastion:/var/../etc", "nowhere:/x"}) {
            r = WorkspaceLoader::loadText(hosts + "backups:\n  location: " + bad + "\n", path);
            QVERIFY2(!r.ok(), bad);
            QVERIFY2(errors(r).contains(QStringLiteral("backups.location")), qPrintable(errors(r)));
        }
    }

    void manifestsFromAnywhereAreParsedAlike()
    {
        BackupManifest m;
        m.file = QStringLiteral("db.dump");
        m.environment = QStringLiteral("staging");
        m.database = QStringLiteral("db");
        m.takenAt = QDateTime(QDate(2026, 12, 6), QTime(10, 0), Qt::UTC);
        m.sha256 = QStringLiteral("ab");
        const QByteArray json = QJsonDocument(m.toJson()).toJson();
        const Result<BackupManifest> parsed =
            parseManifest(json, QStringLiteral("/there/db.dump.manifest.json"));
        QVERIFY2(parsed.ok(), qPrintable(parsed.errorString()));
        QCOMPARE(parsed->manifestPath, QStringLiteral("/there/db.dump.manifest.json"));
        QCOMPARE(parsed->dumpPath(), QStringLiteral("/there/db.dump"));
        QCOMPARE(parsed->environment, QStringLiteral("staging"));
        const Result<BackupManifest> broken =
            parseManifest("{\"file\": ", QStringLiteral("/there/x.manifest.json"));
        QVERIFY(!broken.ok());
        QVERIFY(broken.errorString().startsWith(QStringLiteral("/there/x.manifest.json: ")));
    }
};

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
