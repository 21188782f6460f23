// SPDX-License-Identifier: GPL-3.0-or-later
// Host certificates (@cert-authority in known_hosts): real sshd servers serving certificates made
// by `ssh-keygen -s`, each verdict compared with what the OpenSSH client decides for the same
// known_hosts file; and the certificate reader on its own against tampered and truncated input.
#include "ssh/hostcert.h"
#include "ssh/sshclient.h"
#include "testssh.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

/** One sshd.sh run: hosts whose certificates one CA signed. */
struct Servers
{
    QString state;
    QHash<QString, QString> env;
};

QByteArray readPublicKey(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> fields = f.readAll().simplified().split(' ');
    return fields.value(0) + ' ' + fields.value(1);
}

bool run(const QString &program, const QStringList &arguments,
         const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(environment);
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(program, arguments);
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestHostCert final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QHash<QString, Servers> m_servers; // by CA name
    QHash<QString, QString> m_serverOfHost;

    QString sshdScript() const
    {
        return TestServices::dataDir() + QStringLiteral("/services/sshd.sh");
    }

    QString caKey(const QString &ca) const { return m_dir.filePath(ca); }
    QByteArray caPublic(const QString &ca) const
    {
        return readPublicKey(caKey(ca) + QStringLiteral(".pub"));
    }

    /** Starts the hosts `certOptions` names, their certificates signed by `ca`. */
    bool startServers(const QString &ca, const QStringList &keygenType,
                      const QHash<QString, QString> &certOptions)
    {
        if (!run(QStringLiteral("ssh-keygen"),
                 QStringList{QStringLiteral("-q")} + keygenType +
                     QStringList{QStringLiteral("-N"), QString(), QStringLiteral("-C"), ca,
                                 QStringLiteral("-f"), caKey(ca)}))
            return false;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPSDECK_SSHD_HOST_CA"), caKey(ca));
        for (auto it = certOptions.begin(); it != certOptions.end(); ++it)
            env.insert(QStringLiteral("OPSDECK_SSHD_CERT_") + it.key().toUpper(), it.value());
        Servers servers;
        servers.state = m_dir.filePath(QStringLiteral("sshd-") + ca);
        if (!run(QStringLiteral("bash"),
                 QStringList{sshdScript(), QStringLiteral("start"), servers.state} +
                     certOptions.keys(),
                 env))
            return false;
        QFile file(servers.state + QStringLiteral("/env"));
        if (!file.open(QIODevice::ReadOnly))
            return false;
        for (const QByteArray &line : file.readAll().split('\n'))
            if (const qsizetype eq = line.indexOf('='); eq > 0)
                servers.env.insert(QString::fromUtf8(line.left(eq)),
                                   QString::fromUtf8(line.mid(eq + 1)));
        for (const QString &host : certOptions.keys())
            m_serverOfHost.insert(host, ca);
        m_servers.insert(ca, servers);
        return true;
    }

    const Servers &serversOf(const QString &host) const
    {
        return *m_servers.find(m_serverOfHost.value(host));
    }
    QString port(const QString &host) const
    {
        return serversOf(host).env.value(QStringLiteral("SSH_PORT_") + host.toUpper());
    }

    SshEndpoint endpoint(const QString &host, const QString &knownHosts) const
    {
        const Servers &s = serversOf(host);
        SshEndpoint ep;
        ep.name = host;
        ep.address = QStringLiteral("127.0.0.1");
        ep.port = port(host).toInt();
        ep.user = s.env.value(QStringLiteral("SSH_USER"));
        ep.identityFile = s.env.value(QStringLiteral("SSH_KEY"));
        ep.knownHostsFile = knownHosts;
        ep.useSshConfig = false;
        ep.connectTimeoutSeconds = 5;
        return ep;
    }

    QString file(const QByteArray &text)
    {
        static int n = 0;
        const QString path = m_dir.filePath(QStringLiteral("known_hosts_%1").arg(++n));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(text);
        return path;
    }

    /** Opsdeck's verdict, "" when it got in; `jumpVia` names a host to go through. */
    QString opsdeckVerdict(const QString &host, const QString &knownHosts,
                           const QString &jumpVia = {}) const
    {
        FixedPrompter reject{HostKeyDecision::Reject};
        std::unique_ptr<SshClient> jump;
        if (!jumpVia.isEmpty())
            jump = std::make_unique<SshClient>(endpoint(jumpVia, knownHosts), nullptr, &reject);
        SshClient client(endpoint(host, knownHosts), jump.get(), &reject);
        SshExec *job = client.exec(QStringLiteral("true"));
        if (!QTest::qWaitFor([job] { return job->isFinished(); }, 20000))
            return QStringLiteral("did not finish");
        return job->exitStatus() == 0 ? QString() : job->errorString();
    }

    bool openSshConnects(const QString &host, const QString &knownHosts) const
    {
        const Servers &s = serversOf(host);
        QProcess ssh;
        ssh.start(QStringLiteral("ssh"),
                  {QStringLiteral("-o"), QStringLiteral("BatchMode=yes"), QStringLiteral("-o"),
                   QStringLiteral("StrictHostKeyChecking=yes"), QStringLiteral("-o"),
                   QStringLiteral("UserKnownHostsFile=") + knownHosts, QStringLiteral("-o"),
                   QStringLiteral("GlobalKnownHostsFile=/dev/null"), QStringLiteral("-F"),
                   QStringLiteral("/dev/null"), QStringLiteral("-i"),
                   s.env.value(QStringLiteral("SSH_KEY")), QStringLiteral("-p"), port(host),
                   s.env.value(QStringLiteral("SSH_USER")) + QStringLiteral("@127.0.0.1"),
                   QStringLiteral("true")});
        ssh.waitForFinished(20000);
        return ssh.exitStatus() == QProcess::NormalExit && ssh.exitCode() == 0;
    }

    QByteArray certificateBlob(const QString &host) const
    {
        QFile f(serversOf(host).state + QLatin1Char('/') + host +
                QStringLiteral("/host_key-cert.pub"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QByteArray::fromBase64(f.readAll().simplified().split(' ').value(1));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString name = QStringLiteral("-n 127.0.0.1");
        QVERIFY(startServers(
            QStringLiteral("edca"), {QStringLiteral("-t"), QStringLiteral("ed25519")},
            {{QStringLiteral("good"), name},
             {QStringLiteral("bastion"), name},
             {QStringLiteral("wrongname"), QStringLiteral("-n other.example")},
             {QStringLiteral("expired"), name + QStringLiteral(" -V 20200101:20200201")},
             {QStringLiteral("notyet"), name + QStringLiteral(" -V +52w:+104w")},
             {QStringLiteral("anyname"), QStringLiteral("-V -5m:+1d")}}));
        QVERIFY(startServers(QStringLiteral("ecca"),
                             {QStringLiteral("-t"), QStringLiteral("ecdsa"), QStringLiteral("-b"),
                              QStringLiteral("384")},
                             {{QStringLiteral("ecsigned"), name}}));
        QVERIFY(startServers(QStringLiteral("rsaca"),
                             {QStringLiteral("-t"), QStringLiteral("rsa"), QStringLiteral("-b"),
                              QStringLiteral("3072")},
                             {{QStringLiteral("rsasigned"), name}}));
    }

    void cleanupTestCase()
    {
        for (const Servers &s : std::as_const(m_servers))
            run(QStringLiteral("bash"), {sshdScript(), QStringLiteral("stop"), s.state});
    }

    void verdictsMatchOpenSsh_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QByteArray>("knownHosts");
        QTest::addColumn<bool>("connects");
        QTest::addColumn<QString>("refusal");
        const QByteArray ed = caPublic(QStringLiteral("edca"));
        const QByteArray anyLocal = "@cert-authority [127.0.0.1]:* ";
        QTest::newRow("signed by a listed CA") << u"good"_qs << anyLocal + ed + '\n'
                                               << true << QString();
        QTest::newRow("ECDSA P-384 CA")
            << u"ecsigned"_qs << anyLocal + caPublic(QStringLiteral("ecca")) + '\n'
            << true << QString();
        QTest::newRow("RSA CA (rsa-sha2-512)")
            << u"rsasigned"_qs << anyLocal + caPublic(QStringLiteral("rsaca")) + '\n'
            << true << QString();
        QTest::newRow("another CA listed")
            << u"good"_qs << anyLocal + caPublic(QStringLiteral("ecca")) + '\n'
            << false << u"lists its CA"_qs;
        QTest::newRow("CA listed for other hosts")
            << u"good"_qs << "@cert-authority *.example.org " + ed + '\n'
            << false << u"not trusted"_qs;
        QTest::newRow("CA without the marker is no CA")
            << u"good"_qs << "[127.0.0.1]:* " + ed + '\n'
            << false << u"HOST KEY CHANGED"_qs;
        QTest::newRow("name not among the principals") << u"wrongname"_qs << anyLocal + ed + '\n'
                                                       << false << u"not valid for the name"_qs;
        QTest::newRow("expired") << u"expired"_qs << anyLocal + ed + '\n' << false << u"expired"_qs;
        QTest::newRow("not yet valid") << u"notyet"_qs << anyLocal + ed + '\n'
                                       << false << u"not yet valid"_qs;
        QTest::newRow("no principals: any host, as OpenSSH")
            << u"anyname"_qs << anyLocal + ed + '\n'
            << true << QString();
        QTest::newRow("CA revoked") << u"good"_qs << anyLocal + ed + "\n@revoked * " + ed + '\n'
                                    << false << u"REVOKED"_qs;
    }

    void verdictsMatchOpenSsh()
    {
        QFETCH(QString, host);
        QFETCH(QByteArray, knownHosts);
        QFETCH(bool, connects);
        QFETCH(QString, refusal);
        const QString path = file(knownHosts);
        QCOMPARE(openSshConnects(host, path), connects);
        const QString error = opsdeckVerdict(host, path);
        if (connects)
            QVERIFY2(error.isEmpty(), qPrintable(error));
        else
            QVERIFY2(error.contains(refusal), qPrintable(error));
    }

    void certificateReachedThroughAJumpHost()
    {
        const QByteArray ed = caPublic(QStringLiteral("edca"));
        const QString path = file("@cert-authority [127.0.0.1]:* " + ed + '\n');
        const QString error =
            opsdeckVerdict(QStringLiteral("good"), path, QStringLiteral("bastion"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void aTrustQuestionSaysWhyTheCertificateFailed()
    {
        const QString path =
            file("@cert-authority [127.0.0.1]:* " + caPublic(QStringLiteral("edca")) + '\n');
        FixedPrompter reject{HostKeyDecision::Reject};
        SshClient client(endpoint(QStringLiteral("expired"), path), nullptr, &reject);
        SshExec *job = client.exec(QStringLiteral("true"));
        QVERIFY(QTest::qWaitFor([job] { return job->isFinished(); }, 20000));
        QCOMPARE(reject.hostKeyQuestions(), 1); // falls back to the plain key, as OpenSSH does
        QVERIFY2(job->errorString().contains(u"its certificate: certificate has expired"_qs),
                 qPrintable(job->errorString()));
    }

    void readerChecksEveryByte()
    {
        const QByteArray blob = certificateBlob(QStringLiteral("good"));
        const Result<HostCert::Certificate> cert = HostCert::parse(blob);
        QVERIFY2(cert.ok(), qPrintable(cert.errorString()));
        QCOMPARE(cert->certType, QByteArray("ssh-ed25519-cert-v01@openssh.com"));
        QCOMPARE(cert->type, HostCert::kHostCertificate);
        QCOMPARE(cert->principals, QList<QByteArray>{"127.0.0.1"});
        QCOMPARE(cert->keyId, QByteArray("good"));
        const QByteArray hostKey =
            QByteArray::fromBase64(readPublicKey(serversOf(QStringLiteral("good")).state +
                                                 QStringLiteral("/good/host_key.pub"))
                                       .split(' ')
                                       .value(1));
        QCOMPARE(cert->plainKeyBlob, hostKey);
        QVERIFY(HostCert::verifySignature(cert.value()).ok());

        // One flipped bit anywhere in the signed part breaks the signature (or the parse).
        for (qsizetype i = 0; i < cert->signedBytes.size(); i += 7) {
            QByteArray tampered = blob;
            tampered[i] = char(tampered[i] ^ 0x01);
            const Result<HostCert::Certificate> parsed = HostCert::parse(tampered);
            if (parsed)
                QVERIFY2(!HostCert::verifySignature(parsed.value()).ok(),
                         qPrintable(QStringLiteral("byte %1").arg(i)));
        }
        // Every truncation is refused, and so is trailing data.
        for (qsizetype n = 0; n < blob.size(); ++n)
            QVERIFY(!HostCert::parse(blob.left(n)).ok());
        QVERIFY(!HostCert::parse(blob + 'x').ok());
    }
};

QTEST_GUILESS_MAIN(TestHostCert)
#include "tst_hostcert.moc"
