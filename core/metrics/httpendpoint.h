// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "workspace/workspace.h"

#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace Opsdeck {

class SshPool;

/**
 * One HTTP service of an environment (its Prometheus, its Alertmanager) as the workspace
 * describes it: through the environment's SSH tunnel when it says so; basic auth or a bearer
 * token; for https, the system's CAs plus the workspace's own, an optional client certificate,
 * and the certificate always checked against the server's name (also through a tunnel, where
 * the URL's host becomes 127.0.0.1). Qt's asynchronous network stack: nothing here blocks.
 * Answers are bounded (kMaxPromResponseBytes) and redirects leave neither the origin nor the
 * credentials behind.
 */
class HttpEndpoint final : public QObject
{
    Q_OBJECT

public:
    /** The body, the HTTP status (0 when there was no answer) and a transport error, if any. */
    using Reply = std::function<void(const QByteArray &body, int status, const QString &error)>;
    using Query = QList<std::pair<QString, QString>>;

    /** `block` names the workspace block in messages: "prometheus", "alertmanager". */
    HttpEndpoint(PrometheusSpec spec, QString block, SshPool *pool, QObject *parent = nullptr);
    ~HttpEndpoint() override;

    const PrometheusSpec &spec() const { return m_spec; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void get(const QString &path, const Query &query, QObject *guard, Reply then);
    /** A JSON body (Alertmanager's silences). */
    void post(const QString &path, const QByteArray &json, QObject *guard, Reply then);
    void deleteResource(const QString &path, QObject *guard, Reply then);

private:
    enum class Verb { Get, Post, Delete };
    void send(Verb verb, const QString &path, const Query &query, const QByteArray &body,
              QObject *guard, Reply then);
    void loadTls();
    void withBaseUrl(QObject *guard, std::function<void(const Result<QUrl> &)> then);

    PrometheusSpec m_spec;
    QString m_block;
    SshPool *m_pool;
    QNetworkAccessManager *m_network;
    int m_timeoutMs = 30000;
    std::optional<QUrl> m_base; // the URL to use (the tunnel's local end when tunnelled)
    // Made with the first https request: even a default-constructed QSslConfiguration loads the
    // TLS backend (OpenSSL), which a window must not pay for before it paints.
    std::optional<QSslConfiguration> m_tls;
    QString m_tlsError; // a tls: file that could not be read: every request fails with it
};

} // namespace Opsdeck
