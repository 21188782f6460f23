// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "timeseries.h"
#include "workspace/workspace.h"

#include <QFuture>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Opsdeck {

class SshPool;

/**
 * One environment's Prometheus: range queries for the panels and the metadata the query editor
 * completes from. HTTP is Qt's asynchronous network stack; the answer is parsed on the thread
 * pool; callbacks come back on the owner's thread (not at all once their guard is gone).
 * Through the environment's SSH tunnel when the workspace says so; basic auth or a bearer token;
 * for https, the system's CAs plus the workspace's own, an optional client certificate, and the
 * certificate always checked against the server's name (also through a tunnel, where the URL's
 * host becomes 127.0.0.1).
 */
class PrometheusClient final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const PanelResult &result)>;
    using Strings = std::function<void(const Result<QStringList> &values)>;

    PrometheusClient(PrometheusSpec spec, SshPool *pool, QObject *parent = nullptr);
    ~PrometheusClient() override;

    const PrometheusSpec &spec() const { return m_spec; }
    /** 30 s unless set: a panel's query that takes longer is shown as an error. */
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void queryRange(const QString &promql, const QueryGrid &grid, QObject *guard, Done done);
    /** `/api/v1/label/<name>/values` (metric names for "__name__"); with `match`, only the
     * values of the series that selector matches in the last hour. */
    void labelValues(const QString &label, QObject *guard, Strings done, const QString &match = {});
    /** The label names of the series a selector matches (`/api/v1/labels?match[]=`, last hour). */
    void labelNames(const QString &match, QObject *guard, Strings done);

private:
    void loadTls();
    void withBaseUrl(QObject *guard, std::function<void(const Result<QUrl> &)> then);
    void get(const QString &path, const QList<std::pair<QString, QString>> &query, QObject *guard,
             std::function<void(const QByteArray &, int status, const QString &networkError)> then);

    PrometheusSpec m_spec;
    SshPool *m_pool;
    QNetworkAccessManager *m_network;
    int m_timeoutMs = 30000;
    std::optional<QUrl> m_base; // the URL to use (the tunnel's local end when tunnelled)
    QSslConfiguration m_tls;
    QString m_tlsError; // a tls: file that could not be read: every request fails with it
};

} // namespace Opsdeck
