// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "timeseries.h"
#include "workspace/workspace.h"

#include <QFuture>
#include <QObject>

namespace Opsdeck {

class HttpEndpoint;
class SshPool;

/**
 * One environment's Prometheus: range queries for the panels and the metadata the query editor
 * completes from, over an HttpEndpoint (tunnel, TLS, auth). A range answer is parsed on the
 * metrics thread pool. Every future finishes with an answer — an error when the client went
 * away first — and callers read it with onFinished() or a LatestRequest.
 */
class PrometheusClient final : public QObject
{
    Q_OBJECT

public:
    PrometheusClient(PrometheusSpec spec, SshPool *pool, QObject *parent = nullptr);
    ~PrometheusClient() override;

    const PrometheusSpec &spec() const;
    /** 30 s unless set: a panel's query that takes longer is shown as an error. */
    void setTimeoutMs(int ms);
    /** The same tunnel, TLS and auth for other endpoints (`/api/v1/rules`, `/api/v1/alerts`). */
    HttpEndpoint *http() const { return m_http; }

    /** The series sorted by name; a failure is the result's `error`. */
    QFuture<PanelResult> queryRange(const QString &promql, const QueryGrid &grid);
    /** `/api/v1/label/<name>/values` (metric names for "__name__"); with `match`, only the
     * values of the series that selector matches in the last hour. */
    QFuture<Result<QStringList>> labelValues(const QString &label, const QString &match = {});
    /** The label names of the series a selector matches (`/api/v1/labels?match[]=`, last hour). */
    QFuture<Result<QStringList>> labelNames(const QString &match);

private:
    HttpEndpoint *m_http;
};

} // namespace Opsdeck
