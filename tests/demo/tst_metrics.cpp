// SPDX-License-Identifier: GPL-3.0-or-later
// The metrics core against the demo world's real Prometheus (2 s scrapes, deterministic series
// from node_exporter's textfile collector): step choice and alignment, matrix/vector/scalar
// parsing with NaN, ±Inf and gaps, every error shape shown as Prometheus words it (400, 422,
// 503 in plain text, a timeout, a refused connection), the 11,000-point limit never hit,
// decimation that keeps every pixel column's min and max, SQL panels and deploy markers.
#include "metrics/dashboards.h"
#include "metrics/prometheusclient.h"
#include "metrics/promresponse.h"
#include "metrics/sqlpanel.h"
#include "metrics/units.h"
#include "pg/pgconnection.h"
#include "promanswers.h"
#include "testservices.h"

#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Opsdeck;

class TestMetrics final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;

    PrometheusSpec spec(const QString &url = {}) const
    {
        PrometheusSpec s;
        s.url = url.isEmpty() ? QStringLiteral("http://127.0.0.1:%1")
                                    .arg(m_demo.value(QStringLiteral("PROMETHEUS_PORT")))
                              : url;
        s.scrapeIntervalMs = 2000;
        return s;
    }

    PanelResult query(PrometheusClient &client, const QString &promql, const QueryGrid &grid)
    {
        QFuture<PanelResult> answer = client.queryRange(promql, grid);
        if (!QTest::qWaitFor([&answer] { return answer.isFinished(); }, 20000)) {
            PanelResult timedOut;
            timedOut.error = QStringLiteral("(test timed out)");
            return timedOut;
        }
        return answer.result();
    }

    QueryGrid lastSeconds(qint64 seconds, qint64 stepMs = 1000) const
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        return {(now - seconds * 1000) / stepMs * stepMs, now / stepMs * stepMs, stepMs};
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        QVERIFY(!m_demo.value(QStringLiteral("PROMETHEUS_PORT")).isEmpty());
        // The first scrapes: the constant series exist.
        PrometheusClient client(spec(), nullptr);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return query(client, QStringLiteral("opsdeck_demo_constant"), lastSeconds(10))
                           .series.size() == 2;
            },
            30000));
    }

    void stepsLikeGrafana()
    {
        const qint64 t = 1795397000000; // any instant
        // 15 minutes on 1,200 px with 15 s scrapes: the scrape interval wins.
        QueryGrid g = chooseGrid(t - 15 * 60000, t, 1200, 15000);
        QCOMPARE(g.stepMs, 15000);
        QCOMPARE(g.startMs % g.stepMs, 0);
        QCOMPARE(g.endMs % g.stepMs, 0);
        QVERIFY(g.endMs <= t && g.endMs > t - g.stepMs);
        // 6 h → 20 s, 24 h → 1 m, 7 d → 10 m (Grafana's worked example).
        QCOMPARE(chooseGrid(t - 6 * 3600000LL, t, 1200, 15000).stepMs, 20000);
        QCOMPARE(chooseGrid(t - 24 * 3600000LL, t, 1200, 15000).stepMs, 60000);
        QCOMPARE(chooseGrid(t - 7 * 86400000LL, t, 1200, 15000).stepMs, 600000);
        // Never more than 11,000 steps, however wide the plot or short the scrape interval.
        for (const qint64 span : {3600000LL, 86400000LL, 30 * 86400000LL, 400 * 86400000LL}) {
            const QueryGrid wide = chooseGrid(t - span, t, 100000, 1000);
            QVERIFY2((wide.endMs - wide.startMs) / wide.stepMs <= kMaxStepsPerSeries,
                     qPrintable(QString::number(wide.points())));
        }
        QCOMPARE(promDuration(15000), QStringLiteral("15s"));
        QCOMPARE(promDuration(600000), QStringLiteral("10m"));
        QCOMPARE(parseDurationMs(QStringLiteral("1m30s")), 90000);
        QCOMPARE(parseDurationMs(QStringLiteral("soon")), -1);
    }

    void parsesEveryResultTypeAndSpecialValue()
    {
        const QueryGrid grid{10000, 15000, 1000}; // 6 steps
        const QByteArray matrix = kMatrixJson;
        QStringList warnings;
        const auto series = parsePrometheusResponse(matrix, 200, grid, &warnings);
        QVERIFY2(series, qPrintable(series.errorString()));
        // The native-histogram series has no float sample: nothing to draw, so no series (and no
        // grid allocated for it), never a crash.
        QCOMPARE(series->size(), 1);
        const TimeSeries &up = series->first();
        QCOMPARE(up.name, QStringLiteral("up{job=\"a\\\"b\"}"));
        QCOMPARE(up.values.size(), std::size_t(6));
        QCOMPARE(up.values[0], 1.0);
        QVERIFY(std::isnan(up.values[1])); // NaN from Prometheus
        QVERIFY(std::isnan(up.values[2])); // a missing step: a gap
        QVERIFY(std::isinf(up.values[3]) && up.values[3] > 0);
        QVERIFY(std::isinf(up.values[4]) && up.values[4] < 0);
        QCOMPARE(up.values[5], 1e-07);
        QCOMPARE(warnings, QStringList{QStringLiteral("partial")});

        const auto vector = parsePrometheusResponse(kVectorJson, 200, grid);
        QVERIFY(vector);
        QCOMPARE(vector->first().values, std::vector<double>{2.5});
        QCOMPARE(vector->first().grid.startMs, 1795397999888);
        const auto scalar = parsePrometheusResponse(kScalarJson, 200, grid);
        QVERIFY(scalar);
        QVERIFY(std::isinf(scalar->first().values[0]));
        bool ok = true;
        parsePromValue("12abc", &ok);
        QVERIFY(!ok);
        QVERIFY(!parsePrometheusResponse(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{", 200,
            grid));
    }

    void realMatrixOnTheGrid()
    {
        PrometheusClient client(spec(), nullptr);
        const QueryGrid grid = lastSeconds(60);
        const PanelResult r = query(client, QStringLiteral("opsdeck_demo_constant"), grid);
        QCOMPARE(r.error, QString());
        QCOMPARE(r.series.size(), 2);
        QCOMPARE(r.series.at(0).labels.value(QStringLiteral("series")), QStringLiteral("a"));
        QCOMPARE(r.series.at(0).values.size(), std::size_t(grid.points()));
        QCOMPARE(r.series.at(0).stats().last, 1.0);
        QCOMPARE(r.series.at(1).stats().max, 2.5);
        // Special values computed by Prometheus itself.
        const PanelResult special =
            query(client,
                  QStringLiteral("label_replace(opsdeck_demo_constant{series=\"a\"} / 0, \"v\", "
                                 "\"inf\", \"\", \"\") or "
                                 "label_replace(-opsdeck_demo_constant{series=\"a\"} / 0, \"v\", "
                                 "\"-inf\", \"\", \"\") or "
                                 "label_replace(0 * opsdeck_demo_constant{series=\"a\"} / 0, "
                                 "\"v\", \"nan\", \"\", \"\")"),
                  lastSeconds(10));
        QCOMPARE(special.error, QString());
        QCOMPARE(special.series.size(), 3);
        for (const TimeSeries &s : special.series) {
            const double v = s.values.back();
            const QString kind = s.labels.value(QStringLiteral("v"));
            QVERIFY2(kind == QLatin1String("nan")
                         ? std::isnan(v)
                         : std::isinf(v) && (v > 0) == (kind == QLatin1String("inf")),
                     qPrintable(kind));
        }
    }

    void missingStepsAreGaps()
    {
        PrometheusClient client(spec(), nullptr);
        // Present only during the first half of every 10 s: absent steps in between. A world
        // that started seconds ago has little history yet: ask until 20 s of it exist.
        PanelResult r;
        QList<QList<QPointF>> runs;
        QVERIFY(QTest::qWaitFor(
            [&] {
                r = query(client,
                          QStringLiteral("opsdeck_demo_constant{series=\"a\"} and on() "
                                         "(vector(time()) % 10 < 5)"),
                          lastSeconds(60));
                if (r.series.size() == 1)
                    runs = drawableRuns(r.series.first(), r.grid.startMs, r.grid.endMs, 600);
                return runs.size() >= 3;
            },
            45000));
        QCOMPARE(r.error, QString());
        const TimeSeries &s = r.series.first();
        const auto gaps =
            std::count_if(s.values.begin(), s.values.end(), [](double v) { return std::isnan(v); });
        QVERIFY(gaps >= 10);
        for (const QList<QPointF> &run : runs) {
            QVERIFY(run.size() <= 5); // at most the 5 present steps of a 10 s period
            for (const QPointF &p : run)
                QCOMPARE(p.y(), 1.0);
        }
    }

    void errorsAreShownAsPrometheusWordsThem()
    {
        PrometheusClient client(spec(), nullptr);
        const QueryGrid grid = lastSeconds(60);
        PanelResult r =
            query(client, QStringLiteral("rate(opsdeck_demo_constant[1m]"), grid); // 400
        QVERIFY2(r.error.startsWith(QLatin1String("bad_data: ")) &&
                     r.error.contains(QLatin1String("parse error")),
                 qPrintable(r.error));
        r = query(client, QStringLiteral("opsdeck_demo_constant * on() opsdeck_demo_constant"),
                  grid); // 422
        QVERIFY2(r.error.startsWith(QLatin1String("execution: ")) &&
                     r.error.contains(QLatin1String("many-to-many")),
                 qPrintable(r.error));

        // 503 in plain text, as Prometheus answers while its storage starts.
        QTcpServer starting;
        QVERIFY(starting.listen(QHostAddress::LocalHost));
        connect(&starting, &QTcpServer::newConnection, this, [&starting] {
            QTcpSocket *socket = starting.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                              "Content-Length: 19\r\nConnection: close\r\n\r\nService Unavailable");
                socket->disconnectFromHost();
            });
        });
        PrometheusClient startingClient(
            spec(QStringLiteral("http://127.0.0.1:%1").arg(starting.serverPort())), nullptr);
        r = query(startingClient, QStringLiteral("up"), grid);
        QCOMPARE(r.error, QStringLiteral("HTTP 503: Service Unavailable"));

        // A server that accepts and never answers: the panel gives up after its time limit.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        PrometheusClient silentClient(
            spec(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort())), nullptr);
        silentClient.setTimeoutMs(500);
        r = query(silentClient, QStringLiteral("up"), grid);
        QCOMPARE(r.error, QStringLiteral("no answer within the time limit"));

        // Nothing listening.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        PrometheusClient refused(spec(QStringLiteral("http://127.0.0.1:%1").arg(port)), nullptr);
        r = query(refused, QStringLiteral("up"), grid);
        QVERIFY2(r.error.contains(QLatin1String("refused"), Qt::CaseInsensitive),
                 qPrintable(r.error));
    }

    void credentialsAreSent()
    {
        // What a proxy in front of Prometheus sees: basic auth, or a bearer token.
        QTcpServer proxy;
        QVERIFY(proxy.listen(QHostAddress::LocalHost));
        QByteArray request;
        connect(&proxy, &QTcpServer::newConnection, this, [&proxy, &request] {
            QTcpSocket *socket = proxy.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [socket, &request] {
                request += socket->readAll();
                socket->write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: "
                              "close\r\n\r\nUnauthorized");
                socket->disconnectFromHost();
            });
        });
        PrometheusSpec basic = spec(QStringLiteral("http://127.0.0.1:%1").arg(proxy.serverPort()));
        basic.user = QStringLiteral("ops");
        basic.password = QStringLiteral("s3cret");
        PrometheusClient basicClient(basic, nullptr);
        PanelResult r = query(basicClient, QStringLiteral("up"), lastSeconds(10));
        QCOMPARE(r.error, QStringLiteral("HTTP 401: Unauthorized"));
        const QByteArray basicHeader =
            QByteArray("Authorization: Basic ").append(QByteArray("ops:s3cret").toBase64());
        QVERIFY(request.contains(basicHeader));
        request.clear();
        PrometheusSpec bearer = basic;
        bearer.token = QStringLiteral("tok-123");
        PrometheusClient bearerClient(bearer, nullptr);
        r = query(bearerClient, QStringLiteral("up"), lastSeconds(10));
        QVERIFY(request.contains("Authorization: Bearer tok-123"));
    }

    void theElevenThousandLimitIsNeverHit()
    {
        PrometheusClient client(spec(), nullptr);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const qint64 span : {3600000LL, 7 * 86400000LL, 365 * 86400000LL}) {
            const QueryGrid grid = chooseGrid(now - span, now, 50000, 1000);
            const PanelResult r = query(client, QStringLiteral("opsdeck_demo_constant"), grid);
            QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        }
    }

    void decimationKeepsEveryColumnsMinAndMax()
    {
        TimeSeries s;
        s.grid = {0, 999999, 1};
        s.values.resize(1000000);
        QRandomGenerator random(7);
        for (double &v : s.values)
            v = random.generateDouble() * 100;
        s.values[123457] = 1000; // a spike
        const int width = 997;
        const auto runs = drawableRuns(s, 0, 999999, width);
        QCOMPARE(runs.size(), 1);
        QVERIFY(runs.first().size() <= 4 * width);
        std::vector<double> rawMin(width, 1e300), rawMax(width, -1e300), drawnMin(width, 1e300),
            drawnMax(width, -1e300);
        const auto column = [width](double x) {
            return std::min(width - 1, int(x / 999999.0 * width));
        };
        for (std::size_t i = 0; i < s.values.size(); ++i) {
            const int c = column(double(i));
            rawMin[c] = std::min(rawMin[c], s.values[i]);
            rawMax[c] = std::max(rawMax[c], s.values[i]);
        }
        for (const QPointF &p : runs.first()) {
            const int c = column(p.x());
            drawnMin[c] = std::min(drawnMin[c], p.y());
            drawnMax[c] = std::max(drawnMax[c], p.y());
        }
        QCOMPARE(drawnMin, rawMin);
        QCOMPARE(drawnMax, rawMax);
    }

    void sqlPanels()
    {
        const QueryGrid grid = lastSeconds(30 * 86400, 86400000);
        const QString sql = expandSqlMacros(
            QStringLiteral(
                "select $__timeGroup(date_joined) as time, count(*) as users from auth_user "
                "where $__timeFilter(date_joined) group by 1 order by 1"),
            grid);
        QVERIFY(!sql.contains(QLatin1String("$__")));
        PgConnection pg(
            QStringLiteral("host=127.0.0.1 port=%1 dbname=minitwit_staging user=postgres")
                .arg(m_demo.value(QStringLiteral("PGPORT"))));
        QVERIFY(QTest::qWaitFor([f = pg.open()] { return f.isFinished(); }, 20000));
        auto future = pg.query(sql);
        QVERIFY(QTest::qWaitFor([&future] { return future.isFinished(); }, 20000));
        const PanelResult r = sqlPanelResult(future.result(), grid);
        QCOMPARE(r.error, QString());
        QCOMPARE(r.series.size(), 1);
        QCOMPARE(r.series.first().name, QStringLiteral("users"));
        double total = 0;
        for (const double v : r.series.first().values)
            total += std::isnan(v) ? 0 : v;
        QCOMPARE(total, 300.0); // the demo's 300 staging users joined in the last days
        // A stat: one value, no time column.
        auto stat = pg.query(QStringLiteral("select count(*) as messages from twit_message"));
        QVERIFY(QTest::qWaitFor([&stat] { return stat.isFinished(); }, 20000));
        const PanelResult one = sqlPanelResult(stat.result(), grid);
        QCOMPARE(one.series.size(), 1);
        QCOMPARE(one.series.first().values.size(), std::size_t(1));
        QVERIFY(one.series.first().values.front() >= 1200); // the seed's, plus what the load posts
        QCOMPARE(parseSqlTimeMs(QStringLiteral("2026-11-23 10:15:00.25+01")).value(),
                 QDateTime(QDate(2026, 11, 23), QTime(9, 15, 0, 250), Qt::UTC).toMSecsSinceEpoch());
    }

    void markersAndUnits()
    {
        HistoryEntry deploy;
        deploy.action = QStringLiteral("deploy");
        deploy.ref = QStringLiteral("v2");
        deploy.revision = QStringLiteral("3f2a91c0ffee");
        deploy.user = QStringLiteral("ada");
        deploy.time = QDateTime(QDate(2026, 11, 23), QTime(10, 0), Qt::UTC);
        HistoryEntry rollback = deploy;
        rollback.action = QStringLiteral("rollback");
        rollback.time = deploy.time.addSecs(600);
        const QList<Annotation> marks = deployAnnotations({rollback, deploy});
        QCOMPARE(marks.size(), 2);
        QCOMPARE(marks.at(1).atMs, deploy.time.toMSecsSinceEpoch());
        QCOMPARE(marks.at(1).title, QStringLiteral("deploy v2 (3f2a91c)"));
        QVERIFY(marks.at(0).kind == Annotation::Kind::Rollback);
        // A failed deploy's marker says "failed", as the Deployments pane does.
        HistoryEntry failed = deploy;
        failed.result = HistoryEntry::Result::Failed;
        const Annotation failedMark = deployAnnotations({failed}).value(0);
        QVERIFY(failedMark.kind == Annotation::Kind::FailedDeploy);
        QCOMPARE(failedMark.detail, QStringLiteral("by ada, failed"));
        const QList<Annotation> flags =
            flagAnnotations({AuditEntry{deploy.time, QStringLiteral("ada@x"), QStringLiteral("w"),
                                        QStringLiteral("production"), QStringLiteral("flag.set"),
                                        QStringLiteral("flag new_timeline"), QStringLiteral("35 %"),
                                        QStringLiteral("on"), QString(), QStringLiteral("done")},
                             AuditEntry{deploy.time,
                                        QStringLiteral("ada@x"),
                                        QStringLiteral("w"),
                                        QStringLiteral("staging"),
                                        QStringLiteral("flag.set"),
                                        QStringLiteral("flag x"),
                                        {},
                                        {},
                                        {},
                                        QStringLiteral("done")}},
                            QStringLiteral("production"));
        QCOMPARE(flags.size(), 1);
        QCOMPARE(flags.first().title, QStringLiteral("flag new_timeline: 35 % → on"));

        QCOMPARE(formatValue(1536, QStringLiteral("bytes")), QStringLiteral("1.5 KiB"));
        QCOMPARE(formatValue(0.0042, QStringLiteral("s")), QStringLiteral("4.2 ms"));
        QCOMPARE(formatValue(0.973, QStringLiteral("percentunit")), QStringLiteral("97.3 %"));
        QCOMPARE(formatValue(12500, QStringLiteral("reqps")), QStringLiteral("12.5 K req/s"));
        QCOMPARE(formatValue(NAN, QStringLiteral("bytes")), QStringLiteral("–"));
        QCOMPARE(unitScale(3.5e9, QStringLiteral("bytes")), 1024.0 * 1024 * 1024);
        QCOMPARE(unitScale(900, QStringLiteral("bytes")), 1.0);
        QCOMPARE(unitScale(3.5e9, QStringLiteral("reqps")), 1.0); // powers of ten already
        const QString q =
            expandPromVariables(QStringLiteral("rate(x{env=\"$env\"}[$__rate_interval])"),
                                {0, 60000, 1000}, 2000, QStringLiteral("staging"), QString());
        QCOMPARE(q, QStringLiteral("rate(x{env=\"staging\"}[8s])"));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
