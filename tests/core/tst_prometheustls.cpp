// SPDX-License-Identifier: GPL-3.0-or-later
// The Prometheus client over https against the real Prometheus (its --web.config.file TLS), with a
// CA, server and client certificates made by the openssl CLI for the test: the workspace's CA is
// trusted, a server whose certificate names another host is refused unless server_name says that
// name, a server that wants a client certificate gets the workspace's, and a bad tls: file is
// reported on every request instead of a handshake error.
#include "futurewait.h"
#include "metrics/prometheusclient.h"

#include <QDir>
#include <QEventLoop>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Opsdeck;

class TestPrometheusTls final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_open, m_mutual; // Prometheus without and with client certificates required
    quint16 m_openPort = 0, m_mutualPort = 0;

    QString file(const QString &name) const { return m_dir.filePath(name); }

    bool openssl(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral("openssl"), args);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            qWarning() << "openssl" << args << p.readAllStandardError();
            return false;
        }
        return true;
    }

    bool write(const QString &name, const QByteArray &text)
    {
        QFile f(file(name));
        return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
    }

    /** A certificate for `cn` signed by the test CA, with `extensions` (an openssl extfile). */
    bool issue(const QString &name, const QString &cn, const QByteArray &extensions)
    {
        return write(name + QStringLiteral(".ext"), extensions) &&
               openssl({QStringLiteral("req"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), name + QStringLiteral(".key"),
                        QStringLiteral("-out"), name + QStringLiteral(".csr"),
                        QStringLiteral("-subj"), QStringLiteral("/CN=") + cn}) &&
               openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                        name + QStringLiteral(".csr"), QStringLiteral("-CA"),
                        QStringLiteral("ca.pem"), QStringLiteral("-CAkey"),
                        QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
                        QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-out"),
                        name + QStringLiteral(".pem"), QStringLiteral("-extfile"),
                        name + QStringLiteral(".ext")});
    }

    static quint16 freePort()
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        return server.serverPort();
    }

    bool startPrometheus(QProcess &process, quint16 port, const QString &name,
                         const QByteArray &webConfig)
    {
        if (!write(name + QStringLiteral("-web.yml"), webConfig) ||
            !write(name + QStringLiteral(".yml"), "global: { scrape_interval: 15s }\n"))
            return false;
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(
            QStringLiteral("prometheus"),
            {QStringLiteral("--config.file=") + file(name + QStringLiteral(".yml")),
             QStringLiteral("--storage.tsdb.path=") + file(name + QStringLiteral("-data")),
             QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
             QStringLiteral("--web.config.file=") + file(name + QStringLiteral("-web.yml"))});
        return process.waitForStarted(10000);
    }

    PrometheusSpec spec(quint16 port) const
    {
        PrometheusSpec s;
        s.url = QStringLiteral("https://127.0.0.1:%1").arg(port);
        s.caFile = file(QStringLiteral("ca.pem"));
        s.serverName = QStringLiteral("prometheus.internal");
        return s;
    }

    /** The metric names, or the error, as a panel would get them. */
    Result<QStringList> ask(const PrometheusSpec &s)
    {
        PrometheusClient client(s, nullptr);
        client.setTimeoutMs(5000);
        return wait(client.labelValues(QStringLiteral("__name__")), 15000);
    }

    bool waitUntilServing(const PrometheusSpec &s)
    {
        for (int i = 0; i < 60; ++i) {
            if (ask(s))
                return true;
            QTest::qWait(250);
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(
            openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"),
                     QStringLiteral("ca.pem"), QStringLiteral("-days"), QStringLiteral("2"),
                     QStringLiteral("-subj"), QStringLiteral("/CN=Opsdeck test CA")}));
        // The server's certificate names prometheus.internal only: not 127.0.0.1.
        QVERIFY(issue(QStringLiteral("server"), QStringLiteral("prometheus.internal"),
                      "subjectAltName=DNS:prometheus.internal\nextendedKeyUsage=serverAuth\n"));
        QVERIFY(
            issue(QStringLiteral("ops"), QStringLiteral("ops"), "extendedKeyUsage=clientAuth\n"));
        const QByteArray tls =
            "tls_server_config:\n  cert_file: " + file(QStringLiteral("server.pem")).toUtf8() +
            "\n  key_file: " + file(QStringLiteral("server.key")).toUtf8() + "\n";
        m_openPort = freePort();
        QVERIFY(startPrometheus(m_open, m_openPort, QStringLiteral("open"), tls));
        m_mutualPort = freePort();
        QVERIFY(startPrometheus(m_mutual, m_mutualPort, QStringLiteral("mutual"),
                                tls +
                                    "  client_auth_type: RequireAndVerifyClientCert\n"
                                    "  client_ca_file: " +
                                    file(QStringLiteral("ca.pem")).toUtf8() + "\n"));
        QVERIFY2(waitUntilServing(spec(m_openPort)), "Prometheus over https did not answer");
    }

    void cleanupTestCase()
    {
        for (QProcess *p : {&m_open, &m_mutual}) {
            p->terminate();
            if (!p->waitForFinished(10000))
                p->kill();
        }
    }

    void theWorkspaceCaIsTrusted()
    {
        QVERIFY(ask(spec(m_openPort)));
        PrometheusSpec noCa = spec(m_openPort);
        noCa.caFile.clear(); // the system's CAs do not know the test CA
        const Result<QStringList> refused = ask(noCa);
        QVERIFY(!refused);
        QVERIFY2(
            refused.errorString().contains(QLatin1String("SSL"), Qt::CaseInsensitive) ||
                refused.errorString().contains(QLatin1String("certificate"), Qt::CaseInsensitive),
            qPrintable(refused.errorString()));
    }

    void theCertificateIsCheckedAgainstTheServerName()
    {
        PrometheusSpec byAddress = spec(m_openPort);
        byAddress.serverName.clear(); // checked against 127.0.0.1, which the certificate lacks
        const Result<QStringList> refused = ask(byAddress);
        QVERIFY(!refused);
        PrometheusSpec wrongName = spec(m_openPort);
        wrongName.serverName = QStringLiteral("grafana.internal");
        QVERIFY(!ask(wrongName));
    }

    void aClientCertificateIsSentWhenTheServerWantsOne()
    {
        PrometheusSpec withoutCert = spec(m_mutualPort);
        const Result<QStringList> refused = ask(withoutCert);
        QVERIFY(!refused); // Qt 6.4 notices only by the timeout: the error says what to check
        QVERIFY2(refused.errorString().contains(QLatin1String("cert_file")),
                 qPrintable(refused.errorString()));
        PrometheusSpec withCert = withoutCert;
        withCert.certFile = file(QStringLiteral("ops.pem"));
        withCert.keyFile = file(QStringLiteral("ops.key"));
        QVERIFY2(waitUntilServing(withCert), "the client certificate was not accepted");
    }

    void aBadTlsFileIsNamedInTheError()
    {
        PrometheusSpec missingCa = spec(m_openPort);
        missingCa.caFile = file(QStringLiteral("nope.pem"));
        Result<QStringList> r = ask(missingCa);
        QVERIFY(!r);
        QVERIFY2(r.errorString().contains(QLatin1String("ca_file")) &&
                     r.errorString().contains(QLatin1String("nope.pem")),
                 qPrintable(r.errorString()));
        PrometheusSpec keyIsACertificate = spec(m_mutualPort);
        keyIsACertificate.certFile = file(QStringLiteral("ops.pem"));
        keyIsACertificate.keyFile = file(QStringLiteral("ops.pem"));
        r = ask(keyIsACertificate);
        QVERIFY(!r);
        QVERIFY2(r.errorString().contains(QLatin1String("key_file")), qPrintable(r.errorString()));
    }
};

QTEST_GUILESS_MAIN(TestPrometheusTls)
#include "tst_prometheustls.moc"
