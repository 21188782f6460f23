// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpendpoint.h"

#include "common/futures.h"
#include "common/httppolicy.h"
#include "promresponse.h"
#include "runtime/sshpool.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QSslKey>
#include <QUrlQuery>

namespace Opsdeck {

HttpEndpoint::HttpEndpoint(PrometheusSpec spec, QString block, SshPool *pool, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_block(std::move(block))
    , m_pool(pool)
    , m_network(new QNetworkAccessManager(this))
{
    // TLS is loaded with the first request, not here: the first QSslConfiguration loads the
    // TLS backend (OpenSSL), and endpoints are made while a pane is built, before it paints.
}

void HttpEndpoint::loadTls()
{
    if (m_tls || QUrl(m_spec.url).scheme() != QLatin1String("https"))
        return;
    // Small local files, read once, with the first request.
    m_tls = QSslConfiguration::defaultConfiguration();
    if (!m_spec.caFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_spec.caFile, QSsl::Pem);
        if (cas.isEmpty()) {
            m_tlsError = QStringLiteral("%1.tls.ca_file %2: no PEM certificate there")
                             .arg(m_block, m_spec.caFile);
            return;
        }
        m_tls->addCaCertificates(cas);
    }
    if (m_spec.certFile.isEmpty())
        return;
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(m_spec.certFile, QSsl::Pem);
    if (certs.isEmpty()) {
        m_tlsError = QStringLiteral("%1.tls.cert_file %2: no PEM certificate there")
                         .arg(m_block, m_spec.certFile);
        return;
    }
    QFile keyFile(m_spec.keyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        m_tlsError = QStringLiteral("%1.tls.key_file %2: %2")
                         .arg(m_block, m_spec.keyFile, keyFile.errorString());
        return;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa})
        if (key = QSslKey(pem, algorithm, QSsl::Pem); !key.isNull())
            break;
    if (key.isNull()) {
        m_tlsError = QStringLiteral("%1.tls.key_file %2: not an unencrypted PEM private "
                                    "key (RSA, EC or DSA)")
                         .arg(m_block, m_spec.keyFile);
        return;
    }
    m_tls->setLocalCertificateChain(certs);
    m_tls->setPrivateKey(key);
}

HttpEndpoint::~HttpEndpoint() = default;

void HttpEndpoint::withBaseUrl(std::function<void(const Result<QUrl> &)> then)
{
    if (m_base) {
        then(*m_base);
        return;
    }
    const QUrl url(m_spec.url);
    if (!url.isValid() || url.host().isEmpty()) {
        then(Result<QUrl>::failure(
            QStringLiteral("%1.url '%2' is not a URL").arg(m_block, m_spec.url)));
        return;
    }
    if (m_spec.tunnel.isEmpty()) {
        m_base = url;
        then(url);
        return;
    }
    SshClient *client = m_pool ? m_pool->client(m_spec.tunnel) : nullptr;
    if (!client) {
        then(Result<QUrl>::failure(
            QStringLiteral("no host '%1' for the tunnel").arg(m_spec.tunnel)));
        return;
    }
    // Through the tunnel: the same path on 127.0.0.1:<local port>; the Host header stays local.
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    onFinished(client->openTunnel(url.host(), port), this,
               [this, url, then](const Result<quint16> &local) {
                   if (!local) {
                       then(Result<QUrl>::failure(QStringLiteral("tunnel through %1: %2")
                                                      .arg(m_spec.tunnel, local.errorString())));
                       return;
                   }
                   QUrl tunnelled = url;
                   tunnelled.setHost(QStringLiteral("127.0.0.1"));
                   tunnelled.setPort(*local);
                   m_base = tunnelled;
                   then(tunnelled);
               });
}

QFuture<HttpReply> HttpEndpoint::get(const QString &path, const Query &query)
{
    return send(Verb::Get, path, query, {});
}

QFuture<HttpReply> HttpEndpoint::post(const QString &path, const QByteArray &json)
{
    return send(Verb::Post, path, {}, json);
}

QFuture<HttpReply> HttpEndpoint::deleteResource(const QString &path)
{
    return send(Verb::Delete, path, {}, {});
}

QFuture<HttpReply> HttpEndpoint::send(Verb verb, const QString &path, const Query &query,
                                      const QByteArray &body)
{
    auto promise = std::make_shared<QPromise<HttpReply>>();
    promise->start();
    // A request still open when the endpoint goes drops its promise, which cancels the future;
    // the default reply (an error) stands in, so whatever waits on it still runs.
    QFuture<HttpReply> answer = promise->future().onCanceled([] { return HttpReply(); });
    withBaseUrl([this, verb, path, query, body, promise](const Result<QUrl> &base) {
        auto deliver = [promise](const HttpReply &reply) {
            promise->addResult(reply);
            promise->finish();
        };
        loadTls();
        if (!base || !m_tlsError.isEmpty()) {
            deliver(HttpReply{{}, 0, base ? m_tlsError : base.errorString()});
            return;
        }
        sendTo(*base, verb, path, query, body, deliver);
    });
    return answer;
}

namespace {

/** What a finished reply says, in the words a panel shows. */
HttpReply replyOf(QNetworkReply *reply, bool mayWantCertificate, const QString &block)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool transportFailed = status == 0 && reply->error() != QNetworkReply::NoError;
    QString error;
    if (const QString refused = HttpPolicy::refusedRedirect(reply); !refused.isEmpty())
        error = refused;
    else if (reply->property("opsdeckTooLarge").toBool())
        error = QStringLiteral("the answer is over %1 MiB; narrow the query")
                    .arg(kMaxPromResponseBytes / (1024 * 1024));
    else if (transportFailed && reply->error() == QNetworkReply::OperationCanceledError)
        // A server that requires a client certificate and gets none closes the connection
        // after a TLS 1.3 handshake, which Qt 6.4 does not notice: the request just times out.
        error = mayWantCertificate ? QStringLiteral("no answer within the time limit (if the "
                                                    "server asks for a client certificate, set "
                                                    "%1.tls.cert_file and key_file)")
                                         .arg(block)
                                   : QStringLiteral("no answer within the time limit");
    else if (transportFailed)
        error = reply->errorString();
    return HttpReply{reply->readAll(), status, error};
}

} // namespace

QNetworkRequest HttpEndpoint::requestFor(const QUrl &base, const QString &path,
                                         const Query &query) const
{
    QUrl url = base;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) + path);
    QUrlQuery q;
    for (const auto &[key, value] : query)
        q.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    url.setQuery(q);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    if (url.scheme() == QLatin1String("https")) {
        request.setSslConfiguration(m_tls.value_or(QSslConfiguration::defaultConfiguration()));
        // The certificate names the server, not the tunnel's 127.0.0.1.
        const QString name =
            m_spec.serverName.isEmpty() ? QUrl(m_spec.url).host() : m_spec.serverName;
        if (name != url.host())
            request.setPeerVerifyName(name);
    }
    if (!m_spec.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_spec.token.toUtf8());
    else if (!m_spec.user.isEmpty())
        request.setRawHeader(
            "Authorization",
            "Basic " + (m_spec.user + QLatin1Char(':') + m_spec.password).toUtf8().toBase64());
    HttpPolicy::followSameOriginRedirects(request);
    return request;
}

void HttpEndpoint::sendTo(const QUrl &base, Verb verb, const QString &path, const Query &query,
                          const QByteArray &body, Reply then)
{
    QNetworkRequest request = requestFor(base, path, query);
    QNetworkReply *reply = nullptr;
    if (verb == Verb::Post) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        reply = m_network->post(request, body);
    } else if (verb == Verb::Delete) {
        reply = m_network->deleteResource(request);
    } else {
        reply = m_network->get(request);
    }
    HttpPolicy::guardRedirects(reply);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received <= kMaxPromResponseBytes)
            return;
        reply->setProperty("opsdeckTooLarge", true); // never read a gigabyte into memory
        reply->abort();
    });
    const bool mayWantCertificate =
        request.url().scheme() == QLatin1String("https") && m_spec.certFile.isEmpty();
    connect(reply, &QNetworkReply::finished, this,
            [reply, then, mayWantCertificate, block = m_block] {
                reply->deleteLater();
                then(replyOf(reply, mayWantCertificate, block));
            });
}

} // namespace Opsdeck
