// SPDX-License-Identifier: GPL-3.0-or-later
// Host-key verification over known_hosts, against the real sshd fixture, each case compared
// with what the OpenSSH client itself decides for the same file.
#include "ssh/knownhosts.h"
#include "ssh/sshclient.h"
#include "testservices.h"
#include "testssh.h"

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

/** "ssh-ed25519 AAAA…" of a fixture host. */
QByteArray hostKey(const QString &name)
{
    QFile f(TestServices::stateDir(QStringLiteral("sshd")) + QLatin1Char('/') + name +
            QStringLiteral("/host_key.pub"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> fields = f.readAll().simplified().split(' ');
    return fields.value(0) + ' ' + fields.value(1);
}

QByteArray web1Address()
{
    return "[127.0.0.1]:" + sshd().value(QStringLiteral("SSH_PORT_WEB1")).toLatin1();
}

/** Opsdeck connecting to web1 with this known_hosts: "" when it got in, else the error. */
QString opsdeckVerdict(const QString &knownHosts)
{
    FixedPrompter reject{HostKeyDecision::Reject};
    SshClient client(sshFixtureEndpoint(QStringLiteral("web1"), knownHosts), nullptr, &reject);
    SshExec *job = client.exec(QStringLiteral("true"));
    if (!QTest::qWaitFor([job] { return job->isFinished(); }, 15000))
        return QStringLiteral("did not finish");
    return job->exitStatus() == 0 ? QString() : job->errorString();
}

/** OpenSSH with the same file and no questions: true when it got in. */
bool openSshConnects(const QString &knownHosts)
{
    const QHash<QString, QString> env = sshd();
    QProcess ssh;
    ssh.start(QStringLiteral("ssh"),
              {QStringLiteral("-o"), QStringLiteral("BatchMode=yes"), QStringLiteral("-o"),
               QStringLiteral("StrictHostKeyChecking=yes"), QStringLiteral("-o"),
               QStringLiteral("UserKnownHostsFile=") + knownHosts, QStringLiteral("-o"),
               QStringLiteral("GlobalKnownHostsFile=/dev/null"), QStringLiteral("-F"),
               QStringLiteral("/dev/null"), QStringLiteral("-i"),
               env.value(QStringLiteral("SSH_KEY")), QStringLiteral("-p"),
               env.value(QStringLiteral("SSH_PORT_WEB1")),
               env.value(QStringLiteral("SSH_USER")) + QStringLiteral("@127.0.0.1"),
               QStringLiteral("true")});
    ssh.waitForFinished(20000);
    return ssh.exitStatus() == QProcess::NormalExit && ssh.exitCode() == 0;
}

} // namespace

class TestKnownHosts final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString file(const QByteArray &text)
    {
        static int n = 0;
        const QString path = m_dir.filePath(QStringLiteral("known_hosts_%1").arg(++n));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(text);
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(sshd().contains(QStringLiteral("SSH_PORT_WEB1")), "the sshd fixture did not run");
        QVERIFY(!hostKey(QStringLiteral("web1")).isEmpty());
    }

    void verdictsMatchOpenSsh_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("connects");
        QTest::addColumn<QString>("refusal");
        const QByteArray web1 = hostKey(QStringLiteral("web1"));
        const QByteArray other = hostKey(QStringLiteral("bastion"));
        const QByteArray at = web1Address();
        QTest::newRow("plain") << at + ' ' + web1 + '\n' << true << QString();
        QTest::newRow("hashed") << KnownHosts::hashHostField(at, QByteArray(20, 's')) + ' ' + web1 +
                                       '\n'
                                << true << QString();
        QTest::newRow("several keys, one matches")
            << at + ' ' + other + '\n' + at + ' ' + web1 + '\n'
            << true << QString();
        QTest::newRow("a pattern list") << "example.org," + at + ' ' + web1 + '\n'
                                        << true << QString();
        QTest::newRow("revoked") << at + ' ' + web1 + "\n@revoked " + at + ' ' + web1 + '\n'
                                 << false << u"REVOKED"_qs;
        QTest::newRow("revoked everywhere") << "@revoked * " + web1 + '\n' + at + ' ' + web1 + '\n'
                                            << false << u"REVOKED"_qs;
        // A broken line and a huge one for the host must not hide its real (other) key.
        QTest::newRow("changed behind bad lines")
            << at + " ssh-ed25519 !!!notbase64\n" + at + " ssh-rsa " + QByteArray(9000, 'A') +
                   "\n" + at + ' ' + QByteArray(70000, 'x') + "\n" + at + ' ' + other + '\n'
            << false << u"HOST KEY CHANGED"_qs;
        QTest::newRow("negated") << "[127.0.0.1]:*,!" + at + ' ' + web1 + '\n'
                                 << false << u"not trusted"_qs;
        QTest::newRow("unknown") << QByteArray("example.org ") + web1 + '\n'
                                 << false << u"not trusted"_qs;
    }

    void verdictsMatchOpenSsh()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, connects);
        QFETCH(QString, refusal);
        const QString knownHosts = file(text);
        QCOMPARE(openSshConnects(knownHosts), connects);
        const QString error = opsdeckVerdict(knownHosts);
        if (connects)
            QVERIFY2(error.isEmpty(), qPrintable(error));
        else
            QVERIFY2(error.contains(refusal), qPrintable(error));
    }

    void badLinesAreSkippedWithTheirPlace()
    {
        const KnownHosts::Parsed parsed = KnownHosts::parse(
            "# comment\n\nhost ssh-ed25519 "
            "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
            "onlytwo fields\n@weird host ssh-ed25519 AAAA\n" +
                QByteArray(70000, 'x') + "\n",
            QStringLiteral("kh"));
        QCOMPARE(parsed.entries.size(), 1);
        QCOMPARE(parsed.entries.first().source, u"kh:3"_qs);
        QCOMPARE(parsed.warnings.size(), 3);
        QVERIFY(parsed.warnings.at(0).startsWith(QLatin1String("kh:4:")));
        QVERIFY(parsed.warnings.at(2).startsWith(QLatin1String("kh:6:")));
    }

    void patternsMatchAsOpenSshDoes()
    {
        QVERIFY(KnownHosts::hostMatches("*.example.org", "web.example.org"));
        QVERIFY(!KnownHosts::hostMatches("*.example.org", "example.org"));
        QVERIFY(KnownHosts::hostMatches("web?", "WEB1"));
        QVERIFY(!KnownHosts::hostMatches("*,!web1", "web1"));
        QVERIFY(KnownHosts::hostMatches("*,!web1", "web2"));
        QVERIFY(!KnownHosts::hostMatches("!web1", "web2")); // a negation alone matches nothing
        QVERIFY(KnownHosts::hostMatches("[db]:2222", "[db]:2222"));
        QVERIFY(!KnownHosts::hostMatches("db", "[db]:2222"));
    }
};

QTEST_GUILESS_MAIN(TestKnownHosts)
#include "tst_knownhosts.moc"
