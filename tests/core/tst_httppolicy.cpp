// SPDX-License-Identifier: GPL-3.0-or-later
// Redirects and credentials: a health check follows none, API clients only within their origin.
// The servers here are plain HTTP redirectors on loopback (what an nginx or an auth proxy in
// front of the real service sends); the health gate goes through the real sshd's tunnel.
#include "deploy/healthgate.h"
#include "flags/unleashbackend.h"
#include "futurewait.h"
#include "metrics/prometheusclient.h"
#include "ssh/sshclient.h"
#include "testssh.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Opsdeck;

namespace {

/** Answers each path with a fixed response and records every request's path and auth. */
class HttpStub final : public QTcpServer
{
public:
    struct Answer
    {
        int status = 200;
        QByteArray location;
        QByteArray body;
    };
    struct Seen
    {
        QByteArray path;
        QByteArray authorization;
    };

    HttpStub()
    {
        listen(QHostAddress::LocalHost);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { serve(socket); });
        });
    }
    QByteArray origin() const { return "http://127.0.0.1:" + QByteArray::number(serverPort()); }

    QHash<QByteArray, Answer> answers;
    QList<Seen> seen;

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer.clear();
        Seen request;
        request.path = lines.value(0).split(' ').value(1).split('?').value(0);
        for (const QByteArray &line : lines)
            if (line.toLower().startsWith("authorization:"))
                request.authorization = line.mid(14).trimmed();
        seen << request;
        const Answer answer = answers.value(request.path, Answer{404, {}, "not here"});
        QByteArray response = "HTTP/1.1 " + QByteArray::number(answer.status) +
                              (answer.status == 200   ? " OK"
                               : answer.status == 404 ? " Not Found"
                                                      : " Found") +
                              "\r\nContent-Type: application/json\r\nContent-Length: " +
                              QByteArray::number(answer.body.size()) + "\r\n";
        if (!answer.location.isEmpty())
            response += "Location: " + answer.location + "\r\n";
        socket->write(response + "\r\n" + answer.body);
    }
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

const QByteArray kEmptyLabels = R"({"status":"success","data":["__name__","job"]})";

/** /api/v1/labels through a PrometheusClient with a bearer token, as a panel's query line asks. */
Result<QStringList> labelsWithToken(const HttpStub &server)
{
    PrometheusSpec spec;
    spec.url = QString::fromLatin1(server.origin());
    spec.token = QStringLiteral("sekrit-token");
    PrometheusClient client(spec, nullptr);
    return wait(client.labelNames(QStringLiteral("up")));
}

} // namespace

class TestHttpPolicy final : public QObject
{
    Q_OBJECT

private slots:
    void prometheusTokenNeverLeavesItsOrigin()
    {
        HttpStub front, elsewhere;
        front.answers.insert("/api/v1/labels", {302, elsewhere.origin() + "/api/v1/labels", {}});
        elsewhere.answers.insert("/api/v1/labels", {200, {}, kEmptyLabels});
        const Result<QStringList> answer = labelsWithToken(front);
        QVERIFY(!answer.ok());
        QVERIFY2(answer.errorString().contains(QLatin1String("another origin")),
                 qPrintable(answer.errorString()));
        QCOMPARE(front.seen.size(), 1);
        QVERIFY(elsewhere.seen.isEmpty()); // not even asked, let alone with the token
    }

    void prometheusFollowsARedirectWithinItsOrigin()
    {
        HttpStub front;
        front.answers.insert("/api/v1/labels", {302, "/prom/api/v1/labels", {}});
        front.answers.insert("/prom/api/v1/labels", {200, {}, kEmptyLabels});
        const Result<QStringList> answer = labelsWithToken(front);
        QVERIFY2(answer.ok(), qPrintable(answer.errorString()));
        QCOMPARE(front.seen.size(), 2);
        QCOMPARE(front.seen.last().authorization, QByteArray("Bearer sekrit-token"));
    }

    void aHugeAnswerIsNotRead()
    {
        // 70 MiB of answer (a broken proxy, a hostile server): aborted, and the panel says why.
        HttpStub server;
        server.answers.insert("/api/v1/labels", {200, {}, QByteArray(70 * 1024 * 1024, ' ')});
        const Result<QStringList> answer = labelsWithToken(server);
        QVERIFY(!answer.ok());
        QVERIFY2(answer.errorString().contains(QLatin1String("over 64 MiB")),
                 qPrintable(answer.errorString()));
    }

    void aClientClosedFirstStillAnswersEveryRequest()
    {
        // A Prometheus that takes the requests and never answers, and the pane that asked is
        // closed meanwhile: whatever waits on the answers still gets one, an error.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        PrometheusSpec spec;
        spec.url = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
        auto client = std::make_unique<PrometheusClient>(spec, nullptr);
        const QFuture<Result<QStringList>> names = client->labelNames(QStringLiteral("up"));
        const QFuture<PanelResult> panel =
            client->queryRange(QStringLiteral("up"), QueryGrid{0, 60'000, 15'000});
        QVERIFY(QTest::qWaitFor([&] { return silent.hasPendingConnections(); }, 10000));
        QVERIFY(!names.isFinished());
        client.reset();
        const Result<QStringList> named = wait(names, 10000);
        QVERIFY(!named.ok());
        QVERIFY2(named.errorString().contains(QLatin1String("connection was closed")),
                 qPrintable(named.errorString()));
        const PanelResult drawn = wait(panel, 10000);
        QVERIFY2(drawn.error.contains(QLatin1String("connection was closed")),
                 qPrintable(drawn.error));
        QCOMPARE(drawn.grid.stepMs, 15'000); // the panel's own answer, not an empty one
    }

    void aFlagsBackendClosedFirstStillAnswers()
    {
        QTcpServer silent; // an Unleash that never answers; the Flags pane closes meanwhile
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        FlagsSpec spec;
        spec.backend = QStringLiteral("unleash");
        spec.url = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
        spec.token = QStringLiteral("*:*.admin-token");
        spec.unleashEnvironment = QStringLiteral("development");
        auto backend = std::make_unique<UnleashBackend>(spec);
        const QFuture<Result<QList<FlagState>>> loaded = backend->load();
        QVERIFY(QTest::qWaitFor([&] { return silent.hasPendingConnections(); }, 10000));
        QVERIFY(!loaded.isFinished());
        backend.reset();
        QVERIFY(loaded.isFinished()); // at once, not at a timeout
        QVERIFY(!wait(loaded).ok());
    }

    void unleashTokenNeverLeavesItsOrigin()
    {
        HttpStub front, elsewhere;
        front.answers.insert("/api/admin/projects/default/features",
                             {302, elsewhere.origin() + "/steal", {}});
        FlagsSpec spec;
        spec.backend = QStringLiteral("unleash");
        spec.url = QString::fromLatin1(front.origin());
        spec.token = QStringLiteral("*:*.admin-token");
        spec.unleashEnvironment = QStringLiteral("development");
        UnleashBackend backend(spec);
        const Result<QList<FlagState>> loaded = wait(backend.load(), 10000);
        QVERIFY(!loaded.ok());
        QVERIFY2(loaded.errorString().contains(QLatin1String("another origin")),
                 qPrintable(loaded.errorString()));
        QVERIFY(elsewhere.seen.isEmpty());
    }

    void healthCheckFollowsNoRedirect()
    {
        // /up → 302 /accounts/login/ (Django's login_required): a login page is not healthy.
        HttpStub app;
        app.answers.insert("/up", {302, "/accounts/login/?next=/up", {}});
        app.answers.insert("/accounts/login/", {200, {}, "<form>"});
        FixedPrompter reject{HostKeyDecision::Reject};
        SshClient web1(sshFixtureEndpoint(QStringLiteral("web1")), nullptr, &reject);
        DeployContext context;
        context.environment = QStringLiteral("staging");
        HealthCheckSpec check;
        check.url = QStringLiteral("http://127.0.0.1:%1/up").arg(app.serverPort());
        check.budgetMs = 1500;
        check.intervalMs = 500;
        context.spec.healthcheck = check;
        QNetworkAccessManager network;
        HealthGate gate(&web1, context, QStringLiteral("web1"), QStringLiteral("r1"), &network);
        QSignalSpy finished(&gate, &Job::finished);
        gate.start();
        QVERIFY(finished.wait(20000));
        QCOMPARE(gate.state(), Job::State::Failed);
        const QString detail = gate.result().errorString();
        QVERIFY2(detail.contains(QLatin1String("302")) &&
                     detail.contains(QLatin1String("/accounts/login/")),
                 qPrintable(detail));
        for (const HttpStub::Seen &s : app.seen)
            QCOMPARE(s.path, QByteArray("/up")); // the login page was never fetched
    }
};

QTEST_GUILESS_MAIN(TestHttpPolicy)
#include "tst_httppolicy.moc"
