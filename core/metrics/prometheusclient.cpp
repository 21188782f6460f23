// SPDX-License-Identifier: GPL-3.0-or-later
#include "prometheusclient.h"

#include "httpendpoint.h"
#include "promresponse.h"

#include <QDateTime>
#include <QElapsedTimer>

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

namespace {

/** The last hour, which is what the query editor completes from. */
QList<std::pair<QString, QString>> lastHourOf(const QString &match)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return {{QStringLiteral("match[]"), match},
            {QStringLiteral("start"), QString::number(now - 3600)},
            {QStringLiteral("end"), QString::number(now)}};
}

QFuture<Result<QStringList>> stringsOf(QFuture<HttpReply> answer)
{
    return answer.then([](const HttpReply &reply) {
        return reply.error.isEmpty() ? parsePrometheusStrings(reply.body, reply.status)
                                     : Result<QStringList>::failure(reply.error);
    });
}

PanelResult panelOf(const HttpReply &reply, const QueryGrid &grid)
{
    PanelResult r;
    r.grid = grid;
    if (!reply.error.isEmpty()) {
        r.error = reply.error;
        return r;
    }
    const Result<QList<TimeSeries>> series =
        parsePrometheusResponse(reply.body, reply.status, grid, &r.warnings);
    if (series)
        r.series = *series;
    else
        r.error = series.errorString();
    std::sort(r.series.begin(), r.series.end(),
              [](const TimeSeries &a, const TimeSeries &b) { return a.name < b.name; });
    return r;
}

} // namespace

QFuture<PanelResult> PrometheusClient::queryRange(const QString &promql, const QueryGrid &grid)
{
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const QList<std::pair<QString, QString>> query = {
        {QStringLiteral("query"), promql},
        {QStringLiteral("start"), QString::number(double(grid.startMs) / 1000.0, 'f', 3)},
        {QStringLiteral("end"), QString::number(double(grid.endMs) / 1000.0, 'f', 3)},
        {QStringLiteral("step"), QString::number(double(grid.stepMs) / 1000.0, 'f', 3)}};
    // Parsing a big matrix takes milliseconds to tens of them: not on the UI thread.
    return m_http->get(QStringLiteral("/api/v1/query_range"), query)
        .then(metricsThreadPool(), [grid, clock](const HttpReply &reply) {
            PanelResult r = panelOf(reply, grid);
            r.elapsedMs = clock->elapsed();
            return r;
        });
}

QFuture<Result<QStringList>> PrometheusClient::labelValues(const QString &label,
                                                           const QString &match)
{
    return stringsOf(m_http->get(QStringLiteral("/api/v1/label/%1/values").arg(label),
                                 match.isEmpty() ? HttpEndpoint::Query() : lastHourOf(match)));
}

QFuture<Result<QStringList>> PrometheusClient::labelNames(const QString &match)
{
    return stringsOf(m_http->get(QStringLiteral("/api/v1/labels"), lastHourOf(match)));
}

} // namespace Opsdeck
