// SPDX-License-Identifier: GPL-3.0-or-later
// Config saves, locally and over the real sshd's SFTP (tests/services/sshd.sh): no mocks.
#include "config/configstorage.h"
#include "runtime/sshpool.h"
#include "ssh/sftpsession.h"
#include "ssh/sshclient.h"
#include "stallmeter.h"
#include "testservices.h"
#include "testssh.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Opsdeck;

namespace {

SshEndpoint web1(const QString &knownHosts = {}, int port = 0)
{
    return sshFixtureEndpoint(QStringLiteral("web1"), knownHosts, port);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

template<typename T>
Result<T> wait(QFuture<Result<T>> future, int timeoutMs = 20000)
{
    if (!StallMeter::spinUntil([&future] { return future.isFinished(); }, timeoutMs))
        return Result<T>::failure(QStringLiteral("timed out"));
    if (future.resultCount() == 0)
        return Result<T>::failure(QStringLiteral("cancelled"));
    return future.result();
}

QStringList namesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

/**
 * A TCP relay to sshd that drops both sides once the client has sent `cutAfter` bytes: a
 * connection lost in the middle of an upload.
 */
class CuttingRelay final : public QObject
{
public:
    CuttingRelay(quint16 target, qint64 cutAfter)
        : m_target(target)
        , m_cutAfter(cutAfter)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
    }
    quint16 port() const { return m_server.serverPort(); }
    bool cut() const { return m_cut; }

private:
    void accept()
    {
        QTcpSocket *client = m_server.nextPendingConnection();
        auto *upstream = new QTcpSocket(client);
        upstream->connectToHost(QHostAddress::LocalHost, m_target);
        connect(client, &QTcpSocket::readyRead, this, [this, client, upstream] {
            const QByteArray data = client->readAll();
            m_sent += data.size();
            if (m_sent > m_cutAfter) {
                m_cut = true;
                upstream->abort();
                client->abort();
                return;
            }
            upstream->write(data);
        });
        connect(upstream, &QTcpSocket::readyRead, client,
                [client, upstream] { client->write(upstream->readAll()); });
    }

    QTcpServer m_server;
    quint16 m_target;
    qint64 m_cutAfter;
    qint64 m_sent = 0;
    bool m_cut = false;
};

} // namespace

class TestConfigStorage final : public QObject
{
    Q_OBJECT

    FixedPrompter m_reject{HostKeyDecision::Reject};
    QTemporaryDir m_dir;

    Result<ConfigSaveOutcome> saveRemote(SshClient &client, const QString &path,
                                         const QByteArray &bytes, const ConfigSnapshot &base,
                                         const QDateTime &now = QDateTime::currentDateTimeUtc())
    {
        return wait(client.withSftp<ConfigSaveOutcome>(
            [=](SftpSession &s) { return ConfigStorage::saveRemote(s, path, bytes, base, now); }));
    }
    Result<ConfigSnapshot> readRemote(SshClient &client, const QString &path)
    {
        return wait(client.withSftp<ConfigSnapshot>(
            [=](SftpSession &s) { return ConfigStorage::readRemote(s, path); }));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(
            TestServices::load(QStringLiteral("sshd")).contains(QStringLiteral("SSH_PORT_WEB1")),
            "the sshd fixture did not run");
        QVERIFY(m_dir.isValid());
    }

    void localSaveKeepsABackupWithTheFilesPermissions()
    {
        const QString path = m_dir.filePath(QStringLiteral("local.env"));
        QVERIFY(writeFile(path, "A=1\n"));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        const Result<ConfigSnapshot> base = ConfigStorage::readLocal(path);
        QVERIFY(base && base->exists);
        const Result<ConfigSaveOutcome> saved = ConfigStorage::saveLocal(path, "A=2\n", *base);
        QVERIFY2(saved.ok(), qPrintable(saved.errorString()));
        QVERIFY(!saved->conflict);
        QCOMPARE(readFile(path), QByteArray("A=2\n"));
        QCOMPARE(saved->backupPath, path + QStringLiteral(".bak"));
        QCOMPARE(readFile(saved->backupPath), QByteArray("A=1\n"));
        QCOMPARE(QFile::permissions(saved->backupPath), QFile::permissions(path));
        QCOMPARE(QFile::permissions(path) & (QFile::ReadOther | QFile::ReadGroup),
                 QFileDevice::Permissions());
        QCOMPARE(saved->current.bytes, QByteArray("A=2\n"));
    }

    void localChangeUnderneathIsAConflict()
    {
        const QString path = m_dir.filePath(QStringLiteral("conflict.env"));
        QVERIFY(writeFile(path, "A=1\n"));
        const ConfigSnapshot base = ConfigStorage::readLocal(path).value();
        QVERIFY(writeFile(path, "A=1\nB=someone else\n"));
        const Result<ConfigSaveOutcome> saved = ConfigStorage::saveLocal(path, "A=2\n", base);
        QVERIFY(saved.ok());
        QVERIFY(saved->conflict);
        QCOMPARE(saved->current.bytes, QByteArray("A=1\nB=someone else\n"));
        QCOMPARE(readFile(path), QByteArray("A=1\nB=someone else\n"));
        QVERIFY(!QFile::exists(path + QStringLiteral(".bak")));
        // A file deleted meanwhile is a conflict too; a file that never existed is created.
        QFile::remove(path);
        QVERIFY(ConfigStorage::saveLocal(path, "A=2\n", base)->conflict);
        QVERIFY(!QFile::exists(path));
        const Result<ConfigSaveOutcome> created = ConfigStorage::saveLocal(path, "A=3\n", {});
        QVERIFY(created && !created->conflict && created->backupPath.isEmpty());
        QCOMPARE(readFile(path), QByteArray("A=3\n"));
    }

    void remoteSaveRenamesOverTheFileAndKeepsATimestampedBackup()
    {
        const QString dir = m_dir.filePath(QStringLiteral("remote"));
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + QStringLiteral("/.env");
        QVERIFY(writeFile(path, "SECRET_KEY=one\n"));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup);
        SshClient client(web1(), nullptr, &m_reject);
        const Result<ConfigSnapshot> base = readRemote(client, path);
        QVERIFY2(base.ok(), qPrintable(base.errorString()));
        QCOMPARE(base->bytes, QByteArray("SECRET_KEY=one\n"));
        QVERIFY(base->modified.isValid());

        const QDateTime at(QDate(2026, 11, 23), QTime(8, 15, 0), Qt::UTC);
        const Result<ConfigSaveOutcome> saved =
            saveRemote(client, path, "SECRET_KEY=two\n", *base, at);
        QVERIFY2(saved.ok(), qPrintable(saved.errorString()));
        QVERIFY(!saved->conflict);
        QCOMPARE(readFile(path), QByteArray("SECRET_KEY=two\n"));
        QCOMPARE(saved->backupPath, dir + QStringLiteral("/.env.opsdeck-20261123T081500Z.bak"));
        QCOMPARE(readFile(saved->backupPath), QByteArray("SECRET_KEY=one\n"));
        // The new file and the backup keep the original's mode (0640): they hold the same secrets.
        QCOMPARE(QFile::permissions(path), QFile::permissions(saved->backupPath));
        QVERIFY(QFile::permissions(path).testFlag(QFile::ReadGroup));
        QVERIFY(!QFile::permissions(path).testFlag(QFile::ReadOther));
        // Nothing else is left beside it.
        QCOMPARE(namesIn(dir), QStringList({QStringLiteral(".env"),
                                            QStringLiteral(".env.opsdeck-20261123T081500Z.bak")}));
        // A second save in the same second gets its own backup.
        const Result<ConfigSaveOutcome> again =
            saveRemote(client, path, "SECRET_KEY=three\n", saved->current, at);
        QVERIFY2(again.ok() && !again->conflict, qPrintable(again.errorString()));
        QCOMPARE(readFile(again->backupPath), QByteArray("SECRET_KEY=two\n"));
        QVERIFY(again->backupPath != saved->backupPath);
    }

    void remoteSaveKeepsOwnerGroupAndModeExactly()
    {
        // nobody:nogroup 0660, read by the app through its group: a save must not turn it into
        // root:root 0640 (the SSH user's own, through its umask).
        if (::geteuid() != 0)
            QSKIP("giving a file to another user needs root");
        const passwd *nobody = ::getpwnam("nobody");
        const group *nogroup = ::getgrnam("nogroup");
        QVERIFY(nobody && nogroup);
        const QString dir = m_dir.filePath(QStringLiteral("owned"));
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + QStringLiteral("/.env");
        QVERIFY(writeFile(path, "A=1\n"));
        const QByteArray native = QFile::encodeName(path);
        QVERIFY(::chown(native.constData(), nobody->pw_uid, nogroup->gr_gid) == 0);
        QVERIFY(::chmod(native.constData(), 0660) == 0);
        SshClient client(web1(), nullptr, &m_reject);
        const Result<ConfigSnapshot> base = readRemote(client, path);
        QVERIFY2(base.ok(), qPrintable(base.errorString()));
        const Result<ConfigSaveOutcome> saved = saveRemote(client, path, "A=2\n", *base);
        QVERIFY2(saved.ok() && !saved->conflict, qPrintable(saved.errorString()));
        QCOMPARE(readFile(path), QByteArray("A=2\n"));
        for (const QString &file : {path, saved->backupPath}) {
            struct stat st
            {
            };
            QVERIFY(::stat(QFile::encodeName(file).constData(), &st) == 0);
            QCOMPARE(st.st_uid, nobody->pw_uid);
            QCOMPARE(st.st_gid, nogroup->gr_gid);
            QCOMPARE(st.st_mode & 07777, mode_t(0660));
        }
    }

    void aSaveThatCannotKeepTheOwnerIsRefusedUnlessAllowed()
    {
        // An SSH user who may not give files away (not root) cannot keep nobody:nogroup: the
        // save must say so and change nothing, unless the user chose to go on.
        // getpwnam() answers in one static buffer: keep the numbers, not the pointers.
        const passwd *testerEntry = ::getpwnam("opsdeck-test");
        if (::geteuid() != 0 || !testerEntry)
            QSKIP("needs root and the opsdeck-test user that scripts/bootstrap adds");
        const uid_t testerUid = testerEntry->pw_uid;
        const gid_t testerGid = testerEntry->pw_gid;
        const passwd *nobodyEntry = ::getpwnam("nobody");
        const group *nogroup = ::getgrnam("nogroup");
        QVERIFY(nobodyEntry && nogroup);
        const uid_t nobodyUid = nobodyEntry->pw_uid;
        const gid_t nogroupGid = nogroup->gr_gid;
        QTemporaryDir top(QDir::tempPath() + QStringLiteral("/opsdeck-owner-XXXXXX"));
        QVERIFY(::chmod(QFile::encodeName(top.path()).constData(), 0755) == 0);
        const QString dir = top.filePath(QStringLiteral("app"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(::chown(QFile::encodeName(dir).constData(), testerUid, testerGid) == 0);
        const QString path = dir + QStringLiteral("/.env");
        QVERIFY(writeFile(path, "A=1\n"));
        const QByteArray native = QFile::encodeName(path);
        QVERIFY(::chown(native.constData(), nobodyUid, nogroupGid) == 0);
        QVERIFY(::chmod(native.constData(), 0664) == 0);

        SshEndpoint asTester = web1();
        asTester.user = QStringLiteral("opsdeck-test");
        SshClient client(asTester, nullptr, &m_reject);
        const Result<ConfigSnapshot> base = readRemote(client, path);
        QVERIFY2(base.ok(), qPrintable(base.errorString()));
        const Result<ConfigSaveOutcome> refused = saveRemote(client, path, "A=2\n", *base);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().code == u"owner"_qs, qPrintable(refused.errorString()));
        QVERIFY2(refused.errorString().contains(QStringLiteral("uid %1").arg(nobodyUid)),
                 qPrintable(refused.errorString()));
        QCOMPARE(readFile(path), QByteArray("A=1\n"));
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList{u".env"_qs});

        const Result<ConfigSaveOutcome> allowed =
            wait(client.withSftp<ConfigSaveOutcome>([=, b = *base](SftpSession &s) {
                return ConfigStorage::saveRemote(s, path, "A=2\n", b,
                                                 QDateTime::currentDateTimeUtc(), 10, true);
            }));
        QVERIFY2(allowed.ok() && !allowed->conflict, qPrintable(allowed.errorString()));
        QCOMPARE(readFile(path), QByteArray("A=2\n"));
        struct stat st
        {
        };
        QVERIFY(::stat(native.constData(), &st) == 0);
        QCOMPARE(st.st_uid, testerUid);             // the owner the user accepted to lose
        QCOMPARE(st.st_mode & 07777, mode_t(0664)); // the mode is still kept exactly
    }

    void aListedSymlinkIsSavedThroughToItsTarget()
    {
        // A release's .env is a link to shared/.env, as deploys lay it out.
        const QString shared = m_dir.filePath(QStringLiteral("app/shared"));
        const QString release = m_dir.filePath(QStringLiteral("app/releases/r1"));
        QVERIFY(QDir().mkpath(shared) && QDir().mkpath(release));
        QVERIFY(writeFile(shared + QStringLiteral("/.env"), "A=1\n"));
        QVERIFY(
            QFile::link(QStringLiteral("../../shared/.env"), release + QStringLiteral("/.env")));
        SshClient client(web1(), nullptr, &m_reject);
        const QString link = release + QStringLiteral("/.env");
        const Result<ConfigSnapshot> base = readRemote(client, link);
        QVERIFY2(base.ok(), qPrintable(base.errorString()));
        const Result<ConfigSaveOutcome> saved = saveRemote(client, link, "A=2\n", *base);
        QVERIFY2(saved.ok() && !saved->conflict, qPrintable(saved.errorString()));
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(readFile(shared + QStringLiteral("/.env")), QByteArray("A=2\n"));
        QVERIFY(saved->backupPath.startsWith(shared + QStringLiteral("/.env.opsdeck-")));
    }

    void remoteChangeUnderneathIsAConflict()
    {
        const QString path = m_dir.filePath(QStringLiteral("remote-conflict.env"));
        QVERIFY(writeFile(path, "A=1\n"));
        SshClient client(web1(), nullptr, &m_reject);
        const ConfigSnapshot base = readRemote(client, path).value();
        QVERIFY(writeFile(path, "A=1\nB=deployed meanwhile\n"));
        const Result<ConfigSaveOutcome> saved = saveRemote(client, path, "A=2\n", base);
        QVERIFY2(saved.ok(), qPrintable(saved.errorString()));
        QVERIFY(saved->conflict);
        QCOMPARE(saved->current.bytes, QByteArray("A=1\nB=deployed meanwhile\n"));
        QCOMPARE(readFile(path), QByteArray("A=1\nB=deployed meanwhile\n"));
        QVERIFY(saved->backupPath.isEmpty());
    }

    void onlyTheNewestTenBackupsAreKeptAndListedNewestFirst()
    {
        const QString dir = m_dir.filePath(QStringLiteral("pruned"));
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + QStringLiteral("/app.env");
        QVERIFY(writeFile(path, "N=0\n"));
        QVERIFY(writeFile(dir + QStringLiteral("/other.env.opsdeck-20200101T000000Z.bak"), "x"));
        SshClient client(web1(), nullptr, &m_reject);
        ConfigSnapshot base = readRemote(client, path).value();
        const QDateTime start(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        for (int n = 1; n <= 12; ++n) {
            const Result<ConfigSaveOutcome> saved =
                saveRemote(client, path, QStringLiteral("N=%1\n").arg(n).toUtf8(), base,
                           start.addSecs(n * 60));
            QVERIFY2(saved.ok() && !saved->conflict, qPrintable(saved.errorString()));
            base = saved->current;
        }
        const Result<QList<ConfigBackup>> backups = wait(client.withSftp<QList<ConfigBackup>>(
            [=](SftpSession &s) { return ConfigStorage::remoteBackups(s, path); }));
        QVERIFY2(backups.ok(), qPrintable(backups.errorString()));
        QCOMPARE(backups->size(), ConfigStorage::kKeepBackups);
        QCOMPARE(backups->first().taken, start.addSecs(12 * 60));
        QCOMPARE(readFile(backups->first().path), QByteArray("N=11\n"));
        QCOMPARE(readFile(backups->last().path), QByteArray("N=2\n"));
        // Another file's backups are not this file's to prune.
        QVERIFY(QFile::exists(dir + QStringLiteral("/other.env.opsdeck-20200101T000000Z.bak")));
    }

    void aDroppedConnectionLeavesTheOriginalIntact()
    {
        const QString path = m_dir.filePath(QStringLiteral("dropped.env"));
        QVERIFY(writeFile(path, "KEEP=me\n"));
        const quint16 sshdPort = quint16(web1().port);
        CuttingRelay relay(sshdPort, 512 * 1024);
        // known_hosts for the relay's port, with web1's key: the relay is transparent.
        const QString knownHosts = m_dir.filePath(QStringLiteral("relay_known_hosts"));
        const QList<QByteArray> key = readFile(TestServices::stateDir(QStringLiteral("sshd")) +
                                               QStringLiteral("/web1/host_key.pub"))
                                          .split(' ');
        QVERIFY(writeFile(knownHosts, "[127.0.0.1]:" + QByteArray::number(relay.port()) + ' ' +
                                          key.value(0) + ' ' + key.value(1) + '\n'));
        SshClient client(web1(knownHosts, relay.port()), nullptr, &m_reject);
        const Result<ConfigSnapshot> base = readRemote(client, path);
        QVERIFY2(base.ok(), qPrintable(base.errorString()));
        QByteArray big;
        for (int i = 0; big.size() < 4 * 1024 * 1024; ++i)
            big += "LINE_" + QByteArray::number(i) + "=" + QByteArray(60, 'x') + '\n';
        const Result<ConfigSaveOutcome> saved = saveRemote(client, path, big, *base);
        QVERIFY(relay.cut());
        QVERIFY2(!saved.ok(), "a save over a dropped connection cannot have succeeded");
        QCOMPARE(readFile(path), QByteArray("KEEP=me\n"));
        // The half-written temp file is cleaned up by the next save.
        QVERIFY(namesIn(m_dir.path()).filter(QStringLiteral(".dropped.env.opsdeck-tmp-")).size() <=
                1);
        SshClient direct(web1(), nullptr, &m_reject);
        const Result<ConfigSaveOutcome> next = saveRemote(direct, path, "KEEP=you\n", *base);
        QVERIFY2(next.ok() && !next->conflict, qPrintable(next.errorString()));
        QCOMPARE(readFile(path), QByteArray("KEEP=you\n"));
        QVERIFY(namesIn(m_dir.path()).filter(QStringLiteral("opsdeck-tmp")).isEmpty());
    }

    void accessThroughTheWorkspaceDoesNotBlockTheCaller()
    {
        // web1 through the bastion, as a workspace would reach it.
        QTemporaryDir wsDir;
        const QString workspacePath =
            TestServices::writeWorkspace(wsDir.path(), {QStringLiteral("web1")});
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(workspacePath);
        QVERIFY(loaded.ok());
        SshPool pool(*loaded.workspace, &m_reject);
        const QString path = m_dir.filePath(QStringLiteral("pooled.env"));
        QByteArray big(2 * 1024 * 1024, 'y');
        QVERIFY(writeFile(path, "A=1\n"));
        ConfigFileSpec spec;
        spec.host = QStringLiteral("web1");
        spec.path = path;
        spec.location = QStringLiteral("web1:") + path;
        ConfigFileAccess access(spec, &pool);
        StallMeter meter;
        meter.start();
        const Result<ConfigSnapshot> base = wait(access.read());
        QVERIFY2(base.ok(), qPrintable(base.errorString()));
        const Result<ConfigSaveOutcome> saved = wait(access.save("A=" + big + "\n", *base));
        meter.stop();
        QVERIFY2(saved.ok() && !saved->conflict, qPrintable(saved.errorString()));
        QCOMPARE(readFile(path).size(), big.size() + 3);
        qInfo("connect + read + 2 MiB save through the bastion: longest stall %lld ms",
              meter.longestStallMs());
        QVERIFY(meter.ticks() > 10); // the event loop kept running meanwhile
        const Result<QList<ConfigBackup>> backups = wait(access.backups());
        QVERIFY(backups.ok());
        QCOMPARE(backups->size(), 1);
        QCOMPARE(wait(access.readBackup(backups->first().path))->bytes, QByteArray("A=1\n"));
        // An unknown host is an error, not a crash.
        spec.host = QStringLiteral("nowhere");
        ConfigFileAccess lost(spec, &pool);
        QVERIFY(wait(lost.read()).errorString().contains(QLatin1String("unknown host")));
    }
};

QTEST_GUILESS_MAIN(TestConfigStorage)
#include "tst_configstorage.moc"
