// SPDX-License-Identifier: GPL-3.0-or-later
// Against the real sshd of tests/services/sshd.sh: no mocks.
#include "ssh/sshclient.h"
#include "testservices.h"
#include "testssh.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Opsdeck;

namespace {

QHash<QString, QString> sshd()
{
    return TestServices::load(QStringLiteral("sshd"));
}

SshEndpoint endpoint(const QString &name, const QString &knownHosts = {})
{
    return sshFixtureEndpoint(name, knownHosts);
}

/** "SHA256:..." as ssh-keygen prints it for a public key file. */
QString fingerprintOfFile(const QString &publicKeyFile)
{
    QProcess p;
    p.start(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
             QStringLiteral("-f"), publicKeyFile});
    p.waitForFinished();
    return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char(' ')).value(1);
}

QString hostKeyPub(const QString &name)
{
    return TestServices::stateDir(QStringLiteral("sshd")) + QLatin1Char('/') + name +
           QStringLiteral("/host_key.pub");
}

/** Waits for a job, failing the test (not hanging) if it never ends. */
bool finishes(SshExec *job, int timeoutMs = 15000)
{
    return QTest::qWaitFor([job] { return job->isFinished(); }, timeoutMs);
}

bool generateKey(const QString &path, const QString &passphrase)
{
    QProcess keygen;
    keygen.start(QStringLiteral("ssh-keygen"),
                 {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                  QStringLiteral("-N"), passphrase, QStringLiteral("-f"), path});
    return keygen.waitForFinished() && keygen.exitCode() == 0;
}

/** Lets a key log in to the fixture's sshd (its authorized_keys is the fixture's own file). */
void authorize(const QString &publicKey)
{
    QFile in(publicKey);
    QFile out(TestServices::stateDir(QStringLiteral("sshd")) + QStringLiteral("/authorized_keys"));
    if (in.open(QIODevice::ReadOnly) && out.open(QIODevice::Append))
        out.write(in.readAll());
}

/** Answers every secret question with one value and records the prompts. */
class SecretPrompter final : public SshPrompter
{
public:
    explicit SecretPrompter(QByteArray secret)
        : m_secret(std::move(secret))
    {}
    void askHostKey(const HostKeyInfo &, std::function<void(HostKeyDecision)> answer) override
    {
        answer(HostKeyDecision::Reject);
    }
    void askSecret(const QString &prompt,
                   std::function<void(std::optional<QByteArray>)> answer) override
    {
        prompts << prompt;
        answer(m_secret);
    }
    QStringList prompts;

private:
    QByteArray m_secret;
};

} // namespace

class TestSshClient final : public QObject
{
    Q_OBJECT

    FixedPrompter m_reject{HostKeyDecision::Reject};

private slots:
    void initTestCase()
    {
        QVERIFY2(sshd().contains(QStringLiteral("SSH_PORT_WEB1")), "the sshd fixture did not run");
    }

    void execReturnsOutputStderrAndExitStatus()
    {
        SshClient client(endpoint(QStringLiteral("web1")), nullptr, &m_reject);
        SshExec *job = client.exec(QStringLiteral("echo out; echo err >&2; exit 3"));
        QSignalSpy finished(job, &SshExec::finished);
        QVERIFY(finishes(job));
        QCOMPARE(job->exitStatus(), 3);
        QCOMPARE(job->capturedStdout(), QByteArray("out\n"));
        QCOMPARE(job->capturedStderr(), QByteArray("err\n"));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(client.state(), SshClient::State::Connected);
        QCOMPARE(m_reject.hostKeyQuestions(), 0); // the key was in known_hosts
    }

    void reportsTheVerifiedHostKey()
    {
        SshClient client(endpoint(QStringLiteral("web1")), nullptr, &m_reject);
        QSignalSpy verified(&client, &SshClient::hostKeyVerified);
        QVERIFY(finishes(client.exec(QStringLiteral("true"))));
        QCOMPARE(verified.size(), 1);
        QCOMPARE(client.hostKey().status, HostKeyInfo::Status::Known);
        QCOMPARE(client.hostKey().keyType, QStringLiteral("ssh-ed25519"));
        QCOMPARE(client.hostKey().fingerprint,
                 fingerprintOfFile(hostKeyPub(QStringLiteral("web1"))));
    }

    void streamsLargeOutputCompletely()
    {
        SshClient client(endpoint(QStringLiteral("web1")), nullptr, &m_reject);
        SshExec *job = client.exec(QStringLiteral("seq 200000"));
        int chunks = 0;
        connect(job, &SshExec::stdoutReceived, this, [&chunks] { ++chunks; });
        QVERIFY(finishes(job, 30000));
        QCOMPARE(job->exitStatus(), 0);
        const QByteArray out = job->capturedStdout();
        QCOMPARE(out.count('\n'), 200000);
        QVERIFY(out.endsWith("\n199999\n200000\n"));
        QVERIFY2(chunks > 1, "output should arrive as a stream, not in one piece at the end");
    }

    void cancelStopsTheRemoteCommand()
    {
        SshClient client(endpoint(QStringLiteral("web1")), nullptr, &m_reject);
        SshExec *job = client.exec(QStringLiteral("echo started; exec sleep 31.25"));
        QVERIFY(
            QTest::qWaitFor([job] { return job->capturedStdout().contains("started"); }, 10000));
        job->cancel();
        QVERIFY(finishes(job, 3000));
        QCOMPARE(job->exitStatus(), -1);
        QCOMPARE(job->errorString(), QStringLiteral("cancelled"));
        // The remote process is gone, not orphaned.
        bool gone = false;
        for (int attempt = 0; attempt < 20 && !gone; ++attempt) {
            SshExec *check = client.exec(QStringLiteral("pgrep -f 'sleep 31[.]25' >/dev/null"));
            QVERIFY(finishes(check));
            gone = check->exitStatus() == 1;
            if (!gone)
                QTest::qWait(100);
        }
        QVERIFY(gone);
    }

    void unknownHostKeyIsAskedAndRejected()
    {
        QTemporaryDir dir;
        const QString emptyKnownHosts = dir.filePath(QStringLiteral("known_hosts"));
        FixedPrompter prompter(HostKeyDecision::Reject);
        SshClient client(endpoint(QStringLiteral("web1"), emptyKnownHosts), nullptr, &prompter);
        SshExec *job = client.exec(QStringLiteral("true"));
        QVERIFY(finishes(job));
        QCOMPARE(job->exitStatus(), -1);
        QVERIFY2(job->errorString().contains(QStringLiteral("is not trusted")),
                 qPrintable(job->errorString()));
        QVERIFY(job->errorString().contains(fingerprintOfFile(hostKeyPub(QStringLiteral("web1")))));
        QCOMPARE(prompter.hostKeyQuestions(), 1);
        QCOMPARE(client.state(), SshClient::State::Failed);
        // A refused key is not asked about again on every refresh...
        QVERIFY(finishes(client.exec(QStringLiteral("true"))));
        QCOMPARE(prompter.hostKeyQuestions(), 1);
        // ...only when the user asks to connect again.
        client.connectToHost();
        QVERIFY(QTest::qWaitFor([&prompter] { return prompter.hostKeyQuestions() == 2; }, 10000));
        QVERIFY(!QFile::exists(emptyKnownHosts) || QFile(emptyKnownHosts).size() == 0);
    }

    void trustAlwaysRecordsTheKey()
    {
        QTemporaryDir dir;
        const QString knownHosts = dir.filePath(QStringLiteral("sub/known_hosts"));
        FixedPrompter trusting(HostKeyDecision::TrustAlways);
        {
            SshClient client(endpoint(QStringLiteral("web1"), knownHosts), nullptr, &trusting);
            SshExec *job = client.exec(QStringLiteral("echo hi"));
            QVERIFY(finishes(job));
            QCOMPARE(job->exitStatus(), 0);
        }
        QCOMPARE(trusting.hostKeyQuestions(), 1);
        QFile file(knownHosts);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray line = file.readAll();
        const QByteArray port = QByteArray::number(endpoint(QStringLiteral("web1")).port);
        if (KnownHosts::configHashesKnownHosts())
            QVERIFY2(line.startsWith("|1|") && !line.contains(port), line.constData());
        else
            QVERIFY2(line.startsWith(QByteArray("[127.0.0.1]:" + port + " ssh-ed25519 ")),
                     line.constData());
        // Now known: a client that would reject unknown keys connects without asking.
        FixedPrompter rejecting(HostKeyDecision::Reject);
        SshClient again(endpoint(QStringLiteral("web1"), knownHosts), nullptr, &rejecting);
        SshExec *job = again.exec(QStringLiteral("true"));
        QVERIFY(finishes(job));
        QCOMPARE(job->exitStatus(), 0);
        QCOMPARE(rejecting.hostKeyQuestions(), 0);
    }

    void hashedHostFieldMatchesOpenSsh()
    {
        // `ssh-keygen -F` must find an entry whose host field we hashed.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("known_hosts"));
        QVERIFY(KnownHosts::appendEntry(
                    file,
                    "[10.9.8.7]:2222 ssh-ed25519 "
                    "AAAAC3NzaC1lZDI1NTE5AAAAIB6k3kYxXUQG1Pz6OG8qxDrNqAd2v0oqzYvv1RdHzW5p",
                    true)
                    .ok());
        QProcess p;
        p.start(
            QStringLiteral("ssh-keygen"),
            {QStringLiteral("-F"), QStringLiteral("[10.9.8.7]:2222"), QStringLiteral("-f"), file});
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("Host [10.9.8.7]:2222 found"));
    }

    void changedHostKeyIsRefusedWithoutAsking()
    {
        // Record bastion's key under web1's address: to the client, web1's key has "changed".
        QTemporaryDir dir;
        const QString knownHosts = dir.filePath(QStringLiteral("known_hosts"));
        QFile bastionKey(hostKeyPub(QStringLiteral("bastion")));
        QVERIFY(bastionKey.open(QIODevice::ReadOnly));
        QFile out(knownHosts);
        QVERIFY(out.open(QIODevice::WriteOnly));
        const QByteArray port = QByteArray::number(endpoint(QStringLiteral("web1")).port);
        out.write(QByteArray("[127.0.0.1]:" + port + ' ' +
                             bastionKey.readAll().split(' ').mid(0, 2).join(' ') + '\n'));
        out.close();

        FixedPrompter trusting(
            HostKeyDecision::TrustAlways); // would say yes if asked: it must not be
        SshClient client(endpoint(QStringLiteral("web1"), knownHosts), nullptr, &trusting);
        SshExec *job = client.exec(QStringLiteral("true"));
        QVERIFY(finishes(job));
        QCOMPARE(job->exitStatus(), -1);
        const QString error = job->errorString();
        QVERIFY2(error.contains(QStringLiteral("HOST KEY CHANGED")), qPrintable(error));
        QVERIFY2(error.contains(fingerprintOfFile(hostKeyPub(QStringLiteral("bastion")))),
                 qPrintable(error));
        QVERIFY(error.contains(fingerprintOfFile(hostKeyPub(QStringLiteral("web1")))));
        QCOMPARE(trusting.hostKeyQuestions(), 0);
        QCOMPARE(client.hostKey().status, HostKeyInfo::Status::Changed);
        client.connectToHost(); // even an explicit reconnect is refused
        QTest::qWait(500);
        QCOMPARE(client.state(), SshClient::State::Failed);
        QCOMPARE(trusting.hostKeyQuestions(), 0);
    }

    void jumpHostChainsNatively()
    {
        SshClient bastion(endpoint(QStringLiteral("bastion")), nullptr, &m_reject);
        SshClient web1(endpoint(QStringLiteral("web1")), &bastion, &m_reject);
        SshExec *job = web1.exec(QStringLiteral("echo through; echo $SSH_CONNECTION"));
        QVERIFY(finishes(job));
        QCOMPARE(job->exitStatus(), 0);
        QVERIFY(job->capturedStdout().startsWith("through\n"));
        // Nobody asked the bastion for anything: it connected because web1 goes through it.
        QCOMPARE(bastion.state(), SshClient::State::Connected);
        QCOMPARE(web1.hostKey().fingerprint, fingerprintOfFile(hostKeyPub(QStringLiteral("web1"))));
        // Several sessions through the same jump, at once.
        SshClient web1b(endpoint(QStringLiteral("web1")), &bastion, &m_reject);
        SshExec *a = web1.exec(QStringLiteral("seq 5000"));
        SshExec *b = web1b.exec(QStringLiteral("seq 7000"));
        QVERIFY(finishes(a) && finishes(b));
        QCOMPARE(a->capturedStdout().count('\n'), 5000);
        QCOMPARE(b->capturedStdout().count('\n'), 7000);
    }

    void deadJumpHostIsNamedInTheError()
    {
        SshEndpoint dead = endpoint(QStringLiteral("bastion"));
        dead.name = QStringLiteral("deadbastion");
        dead.port = 1; // nothing listens there
        SshClient bastion(dead, nullptr, &m_reject);
        SshClient web1(endpoint(QStringLiteral("web1")), &bastion, &m_reject);
        SshExec *job = web1.exec(QStringLiteral("true"));
        QVERIFY(finishes(job));
        QCOMPARE(job->exitStatus(), -1);
        QVERIFY2(job->errorString().contains(QStringLiteral("via deadbastion")),
                 qPrintable(job->errorString()));
    }

    void tunnelForwardsTcp()
    {
        SshClient bastion(endpoint(QStringLiteral("bastion")), nullptr, &m_reject);
        // Forward to web1's sshd: its banner proves bytes flow through the bastion.
        QFuture<Result<quint16>> future =
            bastion.openTunnel(QStringLiteral("127.0.0.1"), endpoint(QStringLiteral("web1")).port);
        QVERIFY(QTest::qWaitFor([&future] { return future.isFinished(); }, 10000));
        const Result<quint16> port = future.result();
        QVERIFY2(port.ok(), qPrintable(port.errorString()));
        for (int round = 0; round < 2; ++round) { // the listener serves more than one connection
            QTcpSocket socket;
            socket.connectToHost(QStringLiteral("127.0.0.1"), *port);
            QVERIFY(socket.waitForConnected(5000));
            QVERIFY(QTest::qWaitFor([&socket] { return socket.canReadLine(); }, 5000));
            QVERIFY(socket.readLine().startsWith("SSH-2.0-OpenSSH"));
        }
        // The same target gives the same tunnel.
        QFuture<Result<quint16>> again =
            bastion.openTunnel(QStringLiteral("127.0.0.1"), endpoint(QStringLiteral("web1")).port);
        QVERIFY(QTest::qWaitFor([&again] { return again.isFinished(); }, 5000));
        QCOMPARE(again.result().value(), port.value());
    }

    void wrongKeyFailsAuthenticationClearly()
    {
        QTemporaryDir dir;
        const QString key = dir.filePath(QStringLiteral("stranger"));
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
                     {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                      QStringLiteral("-N"), QString(), QStringLiteral("-f"), key});
        QVERIFY(keygen.waitForFinished());
        SshEndpoint ep = endpoint(QStringLiteral("web1"));
        ep.identityFile = key;
        const QByteArray home = qgetenv("HOME");
        qputenv("HOME", dir.path().toUtf8()); // no default keys to fall back on
        const QByteArray agent = qgetenv("SSH_AUTH_SOCK");
        qunsetenv("SSH_AUTH_SOCK");
        SshClient client(ep, nullptr, &m_reject);
        SshExec *job = client.exec(QStringLiteral("true"));
        QVERIFY(finishes(job));
        qputenv("HOME", home);
        if (!agent.isEmpty())
            qputenv("SSH_AUTH_SOCK", agent);
        QVERIFY2(job->errorString().startsWith(QStringLiteral("authentication failed for ")),
                 qPrintable(job->errorString()));
    }

    void passphraseProtectedKeyIsPrompted()
    {
        QTemporaryDir dir;
        const QString key = dir.filePath(QStringLiteral("locked"));
        QVERIFY(generateKey(key, QStringLiteral("correct horse")));
        authorize(key + QStringLiteral(".pub"));
        SshEndpoint ep = endpoint(QStringLiteral("web1"));
        ep.identityFile = key;

        SecretPrompter right(QByteArray("correct horse"));
        SshClient client(ep, nullptr, &right);
        SshExec *job = client.exec(QStringLiteral("echo unlocked"));
        QVERIFY(finishes(job));
        QVERIFY2(job->exitStatus() == 0, qPrintable(job->errorString()));
        QCOMPARE(right.prompts.size(), 1);
        QVERIFY2(right.prompts.first().contains(QStringLiteral("Passphrase for locked")),
                 qPrintable(right.prompts.first()));

        SecretPrompter wrong(QByteArray("battery staple"));
        SshClient refused(ep, nullptr, &wrong);
        const QByteArray agent = qgetenv("SSH_AUTH_SOCK");
        qunsetenv("SSH_AUTH_SOCK");
        SshExec *denied = refused.exec(QStringLiteral("true"));
        QVERIFY(finishes(denied));
        if (!agent.isEmpty())
            qputenv("SSH_AUTH_SOCK", agent);
        QCOMPARE(denied->exitStatus(), -1);
        QVERIFY2(denied->errorString().contains(QStringLiteral("cannot read the key")),
                 qPrintable(denied->errorString()));
    }

    void sshAgentIsUsed()
    {
        QTemporaryDir dir;
        const QString key = dir.filePath(QStringLiteral("agent_only"));
        QVERIFY(generateKey(key, QString()));
        authorize(key + QStringLiteral(".pub"));
        const QString socket = dir.filePath(QStringLiteral("agent.sock"));
        QProcess agent;
        agent.start(QStringLiteral("ssh-agent"),
                    {QStringLiteral("-D"), QStringLiteral("-a"), socket});
        QVERIFY(agent.waitForStarted());
        QVERIFY(QTest::qWaitFor([&socket] { return QFileInfo::exists(socket); }, 5000));
        QProcess add;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SSH_AUTH_SOCK"), socket);
        add.setProcessEnvironment(env);
        add.start(QStringLiteral("ssh-add"), {key});
        QVERIFY(add.waitForFinished());
        QCOMPARE(add.exitCode(), 0);
        QFile::remove(key); // only the agent has it now

        SshEndpoint ep = endpoint(QStringLiteral("web1"));
        ep.identityFile.clear();
        const QByteArray previous = qgetenv("SSH_AUTH_SOCK");
        qputenv("SSH_AUTH_SOCK", socket.toUtf8());
        SshClient client(ep, nullptr, &m_reject);
        SshExec *job = client.exec(QStringLiteral("echo via-agent"));
        const bool done = finishes(job);
        previous.isEmpty() ? qunsetenv("SSH_AUTH_SOCK") : qputenv("SSH_AUTH_SOCK", previous);
        agent.kill();
        agent.waitForFinished();
        QVERIFY(done);
        QVERIFY2(job->exitStatus() == 0, qPrintable(job->errorString()));
        QCOMPARE(job->capturedStdout(), QByteArray("via-agent\n"));
    }

    void sshConfigAliasesAreHonoured()
    {
        QTemporaryDir dir;
        const QHash<QString, QString> env = sshd();
        const QString config = dir.filePath(QStringLiteral("ssh_config"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            QStringLiteral(
                "Host webalias\n  HostName 127.0.0.1\n  Port %1\n  User %2\n  IdentityFile %3\n")
                .arg(env.value(QStringLiteral("SSH_PORT_WEB1")),
                     env.value(QStringLiteral("SSH_USER")), env.value(QStringLiteral("SSH_KEY")))
                .toUtf8());
        file.close();
        SshEndpoint ep;
        ep.name = QStringLiteral("web1");
        ep.address = QStringLiteral("webalias"); // nothing but the alias
        ep.knownHostsFile = env.value(QStringLiteral("SSH_KNOWN_HOSTS"));
        ep.sshConfigFile = config;
        SshClient client(ep, nullptr, &m_reject);
        SshExec *job = client.exec(QStringLiteral("echo aliased"));
        QVERIFY(finishes(job));
        QVERIFY2(job->exitStatus() == 0, qPrintable(job->errorString()));
        QCOMPARE(client.hostKey().fingerprint,
                 fingerprintOfFile(hostKeyPub(QStringLiteral("web1"))));
    }

    void unreachableHostFailsFast()
    {
        SshEndpoint ep = endpoint(QStringLiteral("web1"));
        ep.port = 1;
        SshClient client(ep, nullptr, &m_reject);
        QSignalSpy states(&client, &SshClient::stateChanged);
        SshExec *job = client.exec(QStringLiteral("true"));
        QVERIFY(finishes(job, 8000));
        QVERIFY2(job->errorString().contains(QStringLiteral("cannot connect")),
                 qPrintable(job->errorString()));
        QCOMPARE(client.state(), SshClient::State::Failed);
        QVERIFY(!client.lastError().isEmpty());
    }

    void closingDoesNotWaitOutAStalledHandshake()
    {
        // A port that accepts TCP but never sends the SSH banner, and a long connect timeout.
        QTcpServer blackHole;
        QVERIFY(blackHole.listen(QHostAddress::LocalHost));
        blackHole.pauseAccepting(); // connections wait in the backlog, unanswered
        SshEndpoint stalled = endpoint(QStringLiteral("web1"));
        stalled.name = QStringLiteral("stalled");
        stalled.port = blackHole.serverPort();
        stalled.connectTimeoutSeconds = 30;
        auto bastion = std::make_unique<SshClient>(stalled, nullptr, &m_reject);
        auto inner =
            std::make_unique<SshClient>(endpoint(QStringLiteral("web1")), bastion.get(), &m_reject);
        SshExec *job = inner->exec(QStringLiteral("true"));
        QTest::qWait(300);
        QVERIFY(!job->isFinished()); // still stuck in the handshake
        QElapsedTimer clock;
        clock.start();
        inner.reset();
        bastion.reset();
        // Closing the window must not take the connect timeout (30 s) to return.
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }

    void destroyingAClientMidCommandIsSafe()
    {
        auto client =
            std::make_unique<SshClient>(endpoint(QStringLiteral("web1")), nullptr, &m_reject);
        QPointer<SshExec> job = client->exec(QStringLiteral("sleep 20"));
        QTest::qWait(300);
        client.reset(); // joins the worker; the job (a child) goes with it
        QVERIFY(job.isNull());
    }
};

QTEST_GUILESS_MAIN(TestSshClient)
#include "tst_sshclient.moc"
