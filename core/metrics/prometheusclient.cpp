// SPDX-License-Identifier: GPL-3.0-or-later
#include "prometheusclient.h"

#include "common/futures.h"
#include "httpendpoint.h"
#include "promresponse.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace Opsdeck {

PrometheusClient::PrometheusClient(PrometheusSpec spec, SshPool *pool, QObject *parent)
    : QObject(parent)
    , m_http(new HttpEndpoint(std::move(spec), QStringLiteral("prometheus"), pool, this))
{}

PrometheusClient::~PrometheusClient() = default;

const PrometheusSpec &PrometheusClient::spec() const
{
    return m_http->spec();
}

void PrometheusClient::setTimeoutMs(int ms)
{
    m_http->setTimeoutMs(ms);
}

void PrometheusClient::get(const QString &path, const QList<std::pair<QString, QString>> &query,
                           QObject *guard,
                           std::function<void(const QByteArray &, int, const QString &)> then)
{
    m_http->get(path, query, guard, std::move(then));
}

void PrometheusClient::queryRange(const QString &promql, const QueryGrid &grid, QObject *guard,
                                  Done done)
{
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const QList<std::pair<QString, QString>> query = {
        {QStringLiteral("query"), promql},
        {QStringLiteral("start"), QString::number(double(grid.startMs) / 1000.0, 'f', 3)},
        {QStringLiteral("end"), QString::number(double(grid.endMs) / 1000.0, 'f', 3)},
        {QStringLiteral("step"), QString::number(double(grid.stepMs) / 1000.0, 'f', 3)}};
    QPointer<QObject> alive(guard);
    get(QStringLiteral("/api/v1/query_range"), query, guard,
        [alive, grid, clock, done](const QByteArray &body, int status,
                                   const QString &networkError) {
            if (!networkError.isEmpty()) {
                PanelResult failed;
                failed.grid = grid;
                failed.error = networkError;
                done(failed);
                return;
            }
            // Parsing a big matrix takes milliseconds to tens of them: not on the UI thread.
            QFuture<PanelResult> parsed = QtConcurrent::run(metricsThreadPool(), [body, status,
                                                                                  grid] {
                PanelResult r;
                r.grid = grid;
                const Result<QList<TimeSeries>> series =
                    parsePrometheusResponse(body, status, grid, &r.warnings);
                if (series)
                    r.series = *series;
                else
                    r.error = series.errorString();
                std::sort(r.series.begin(), r.series.end(),
                          [](const TimeSeries &a, const TimeSeries &b) { return a.name < b.name; });
                return r;
            });
            if (!alive)
                return;
            onFinished(parsed, alive.data(), [clock, done](PanelResult r) {
                r.elapsedMs = clock->elapsed();
                done(r);
            });
        });
}

void PrometheusClient::labelValues(const QString &label, QObject *guard, Strings done,
                                   const QString &match)
{
    QList<std::pair<QString, QString>> query;
    if (!match.isEmpty()) {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        query = {{QStringLiteral("match[]"), match},
                 {QStringLiteral("start"), QString::number(now - 3600)},
                 {QStringLiteral("end"), QString::number(now)}};
    }
    get(QStringLiteral("/api/v1/label/%1/values").arg(label), query, guard,
        [done](const QByteArray &body, int status, const QString &networkError) {
            done(networkError.isEmpty() ? parsePrometheusStrings(body, status)
                                        : Result<QStringList>::failure(networkError));
        });
}

void PrometheusClient::labelNames(const QString &match, QObject *guard, Strings done)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    get(QStringLiteral("/api/v1/labels"),
        {{QStringLiteral("match[]"), match},
         {QStringLiteral("start"), QString::number(now - 3600)},
         {QStringLiteral("end"), QString::number(now)}},
        guard, [done](const QByteArray &body, int status, const QString &networkError) {
            done(networkError.isEmpty() ? parsePrometheusStrings(body, status)
                                        : Result<QStringList>::failure(networkError));
        });
}

} // namespace Opsdeck
