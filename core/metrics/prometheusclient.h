// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "timeseries.h"
#include "workspace/workspace.h"

#include <QFuture>
#include <QObject>

#include <functional>
#include <optional>

namespace Opsdeck {

class HttpEndpoint;
class SshPool;

/**
 * One environment's Prometheus: range queries for the panels and the metadata the query editor
 * completes from, over an HttpEndpoint (tunnel, TLS, auth). The answer is parsed on the thread
 * pool; callbacks come back on the owner's thread (not at all once their guard is gone).
 */
class PrometheusClient final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const PanelResult &result)>;
    using Strings = std::function<void(const Result<QStringList> &values)>;

    PrometheusClient(PrometheusSpec spec, SshPool *pool, QObject *parent = nullptr);
    ~PrometheusClient() override;

    const PrometheusSpec &spec() const;
    /** 30 s unless set: a panel's query that takes longer is shown as an error. */
    void setTimeoutMs(int ms);
    /** The same tunnel, TLS and auth for other endpoints (`/api/v1/rules`, `/api/v1/alerts`). */
    HttpEndpoint *http() const { return m_http; }

    void queryRange(const QString &promql, const QueryGrid &grid, QObject *guard, Done done);
    /** `/api/v1/label/<name>/values` (metric names for "__name__"); with `match`, only the
     * values of the series that selector matches in the last hour. */
    void labelValues(const QString &label, QObject *guard, Strings done, const QString &match = {});
    /** The label names of the series a selector matches (`/api/v1/labels?match[]=`, last hour). */
    void labelNames(const QString &match, QObject *guard, Strings done);

private:
    void get(const QString &path, const QList<std::pair<QString, QString>> &query, QObject *guard,
             std::function<void(const QByteArray &, int status, const QString &networkError)> then);

    HttpEndpoint *m_http;
};

} // namespace Opsdeck
