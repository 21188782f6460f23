// SPDX-License-Identifier: GPL-3.0-or-later
// ssh_config as a trust boundary, against the real sshd fixture and the real OpenSSH client:
// ProxyJump is chained natively (host keys checked per hop), a workspace's config never runs a
// local command.
#include "runtime/sshpool.h"
#include "ssh/sshconfig.h"
#include "testservices.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

QHash<QString, QString> sshd()
{
    return TestServices::load(QStringLiteral("sshd"));
}

bool writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

/** A workspace with one host, `web1` at `address`, using `configFile` and the fixture's keys. */
Workspace workspaceWith(const QString &configFile, const QString &address)
{
    const QHash<QString, QString> env = sshd();
    Workspace ws;
    ws.name = QStringLiteral("t");
    ws.ssh.configFile = configFile;
    ws.ssh.identity = env.value(QStringLiteral("SSH_KEY"));
    ws.ssh.knownHosts = env.value(QStringLiteral("SSH_KNOWN_HOSTS"));
    ws.ssh.connectTimeoutSeconds = 5;
    HostSpec web1;
    web1.name = QStringLiteral("web1");
    web1.address = address;
    ws.hosts << web1;
    return ws;
}

/** Runs `command` on the pool's web1; stdout, or "ERROR: ..." */
QString runOnWeb1(SshPool &pool, const QString &command)
{
    SshExec *job = pool.client(QStringLiteral("web1"))->exec(command);
    if (!QTest::qWaitFor([job] { return job->isFinished(); }, 20000))
        return QStringLiteral("ERROR: did not finish");
    if (job->exitStatus() != 0)
        return QStringLiteral("ERROR: ") + job->errorString();
    return QString::fromUtf8(job->capturedStdout()).trimmed();
}

/** What OpenSSH itself does with the same config (BatchMode: no questions). */
int openSsh(const QString &configFile, const QString &host)
{
    const QHash<QString, QString> env = sshd();
    QProcess ssh;
    ssh.start(QStringLiteral("ssh"),
              {QStringLiteral("-F"), configFile, QStringLiteral("-i"),
               env.value(QStringLiteral("SSH_KEY")), QStringLiteral("-o"),
               QStringLiteral("UserKnownHostsFile=") + env.value(QStringLiteral("SSH_KNOWN_HOSTS")),
               QStringLiteral("-o"), QStringLiteral("BatchMode=yes"), QStringLiteral("-o"),
               QStringLiteral("ConnectTimeout=5"), host, QStringLiteral("true")});
    ssh.waitForFinished(20000);
    return ssh.exitStatus() == QProcess::NormalExit ? ssh.exitCode() : -1;
}

int acceptedLogins(const QString &hostName)
{
    QFile log(TestServices::stateDir(QStringLiteral("sshd")) + QLatin1Char('/') + hostName +
              QStringLiteral("/sshd.log"));
    return log.open(QIODevice::ReadOnly) ? int(log.readAll().count("Accepted publickey")) : -1;
}

QByteArray jumpConfig(const QString &bastionAddress)
{
    const QHash<QString, QString> env = sshd();
    // Key and known_hosts in the file too: OpenSSH's own jump (ssh -W) gets -F, not -i or -o.
    return QStringLiteral("Host bastion-alias\n  HostName 127.0.0.1\n  Port %1\n"
                          "Host web1-alias\n  HostName 127.0.0.1\n  Port %2\n  ProxyJump %3\n"
                          "Host *\n  IdentityFile %4\n  UserKnownHostsFile %5\n"
                          "  StrictHostKeyChecking yes\n")
        .arg(env.value(QStringLiteral("SSH_PORT_BASTION")),
             env.value(QStringLiteral("SSH_PORT_WEB1")), bastionAddress,
             env.value(QStringLiteral("SSH_KEY")), env.value(QStringLiteral("SSH_KNOWN_HOSTS")))
        .toUtf8();
}

} // namespace

class TestSshConfig final : public QObject
{
    Q_OBJECT

    FixedPrompter m_reject{HostKeyDecision::Reject};

private slots:
    void initTestCase()
    {
        QVERIFY2(sshd().contains(QStringLiteral("SSH_PORT_WEB1")), "the sshd fixture did not run");
    }

    void readsLibsshsProxyJumpStandIn()
    {
        // What libssh 0.10 writes for `ProxyJump me@bast:2222,other` (seen in its config.c).
        const auto hops = SshConfig::hopsFromProxyCommand(
            QStringLiteral("ssh -l me -p 2222 -J other,third:23 -W '[%h]:%p' bast"));
        QVERIFY(hops);
        QCOMPARE(hops->size(), 3);
        QCOMPARE(hops->at(0).user, QStringLiteral("me"));
        QCOMPARE(hops->at(0).host, QStringLiteral("bast"));
        QCOMPARE(hops->at(0).port, 2222);
        QCOMPARE(hops->at(1).host, QStringLiteral("other"));
        QCOMPARE(hops->at(2).port, 23);
        QVERIFY(!SshConfig::hopsFromProxyCommand(QStringLiteral("nc %h %p")));
        QVERIFY(!SshConfig::hopsFromProxyCommand(
            QStringLiteral("ssh -W '[%h]:%p' bast; touch /tmp/x")));
    }

    void proxyJumpConnectsThroughTheBastionNatively()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("ssh_config"));
        QVERIFY(writeFile(config, jumpConfig(QStringLiteral("bastion-alias"))));
        QCOMPARE(openSsh(config, QStringLiteral("web1-alias")), 0); // OpenSSH connects too
        const int bastionLogins = acceptedLogins(QStringLiteral("bastion"));
        SshPool pool(workspaceWith(config, QStringLiteral("web1-alias")), &m_reject);
        QCOMPARE(runOnWeb1(pool, QStringLiteral("echo $OPSDECK_HOST")), QStringLiteral("web1"));
        // Through the bastion: our own hop to it is connected, and it saw a login (other tests
        // share this sshd, so at least one).
        SshClient *hop = pool.client(QStringLiteral("web1"))->jump();
        QVERIFY(hop);
        QCOMPARE(hop->endpoint().name, QStringLiteral("bastion-alias"));
        QCOMPARE(hop->state(), SshClient::State::Connected);
        QVERIFY(acceptedLogins(QStringLiteral("bastion")) > bastionLogins);
    }

    void proxyJumpThroughADeadBastionFails()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("ssh_config"));
        QVERIFY(writeFile(config, jumpConfig(QStringLiteral("127.0.0.1:1"))));
        QVERIFY(openSsh(config, QStringLiteral("web1-alias")) != 0); // as OpenSSH fails
        SshPool pool(workspaceWith(config, QStringLiteral("web1-alias")), &m_reject);
        const QString result = runOnWeb1(pool, QStringLiteral("echo reached"));
        QVERIFY2(result.startsWith(QLatin1String("ERROR: ")) &&
                     result.contains(QLatin1String("via 127.0.0.1:1")),
                 qPrintable(result));
    }

    void workspaceConfigRunsNoLocalCommand_data()
    {
        QTest::addColumn<QString>("directive");
        QTest::newRow("ProxyCommand") << u"  ProxyCommand sh -c 'touch %1; exec nc %h %p'"_qs;
        QTest::newRow("ProxyCommand=") << u"  proxycommand=sh -c 'touch %1'"_qs;
        QTest::newRow("LocalCommand") << u"  PermitLocalCommand yes\n  LocalCommand touch %1"_qs;
        QTest::newRow("Match exec") << u"Match exec \"touch %1\"\n  User nobody"_qs;
        QTest::newRow("KnownHostsCommand") << u"  KnownHostsCommand /bin/sh -c 'touch %1'"_qs;
        QTest::newRow("Include") << u"Include %1.conf"_qs;
    }

    void workspaceConfigRunsNoLocalCommand()
    {
        QFETCH(QString, directive);
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("ran"));
        const QString config = dir.filePath(QStringLiteral("ssh_config"));
        QVERIFY(writeFile(
            config, QStringLiteral("Host web1-alias\n  HostName 127.0.0.1\n"
                                   "  Port %1\n%2\n")
                        .arg(sshd().value(QStringLiteral("SSH_PORT_WEB1")), directive.arg(marker))
                        .toUtf8()));
        SshPool pool(workspaceWith(config, QStringLiteral("web1-alias")), &m_reject);
        const QString result = runOnWeb1(pool, QStringLiteral("echo reached"));
        QVERIFY2(result.contains(QLatin1String("may not run commands")), qPrintable(result));
        QVERIFY2(result.contains(config + QStringLiteral(":")), qPrintable(result)); // file:line
        QVERIFY(!QFile::exists(marker));
    }
};

QTEST_GUILESS_MAIN(TestSshConfig)
#include "tst_sshconfig.moc"
