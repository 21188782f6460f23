// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "workspace/workspace.h"

#include <QFuture>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkRequest;

namespace Opsdeck {

class SshPool;

/** What one request got back. A default-constructed reply — the endpoint was closed before
 * the answer came — is an error like any other transport failure. */
struct HttpReply
{
    QByteArray body;
    int status = 0; // the HTTP status; 0 when there was no answer
    QString error = QStringLiteral("no answer: the connection was closed"); // transport, if any
};

/**
 * One HTTP service of an environment (its Prometheus, its Alertmanager) as the workspace
 * describes it: through the environment's SSH tunnel when it says so; basic auth or a bearer
 * token; for https, the system's CAs plus the workspace's own, an optional client certificate,
 * and the certificate always checked against the server's name (also through a tunnel, where
 * the URL's host becomes 127.0.0.1). Qt's asynchronous network stack: nothing here blocks.
 * Answers are bounded (kMaxPromResponseBytes) and redirects leave neither the origin nor the
 * credentials behind. Every request's future finishes with a reply, also when the endpoint goes
 * away first (then with an error), so a continuation always runs.
 */
class HttpEndpoint final : public QObject
{
    Q_OBJECT

public:
    using Query = QList<std::pair<QString, QString>>;

    /** `block` names the workspace block in messages: "prometheus", "alertmanager". */
    HttpEndpoint(PrometheusSpec spec, QString block, SshPool *pool, QObject *parent = nullptr);
    ~HttpEndpoint() override;

    const PrometheusSpec &spec() const { return m_spec; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    QFuture<HttpReply> get(const QString &path, const Query &query = {});
    /** A JSON body (Alertmanager's silences). */
    QFuture<HttpReply> post(const QString &path, const QByteArray &json);
    QFuture<HttpReply> deleteResource(const QString &path);

private:
    enum class Verb { Get, Post, Delete };
    using Reply = std::function<void(const HttpReply &)>;
    QFuture<HttpReply> send(Verb verb, const QString &path, const Query &query,
                            const QByteArray &body);
    void sendTo(const QUrl &base, Verb verb, const QString &path, const Query &query,
                const QByteArray &body, Reply then);
    QNetworkRequest requestFor(const QUrl &base, const QString &path, const Query &query) const;
    void loadTls();
    void withBaseUrl(std::function<void(const Result<QUrl> &)> then);

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
