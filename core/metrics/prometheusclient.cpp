// SPDX-License-Identifier: GPL-3.0-or-later
#include "prometheusclient.h"

#include "common/httppolicy.h"

#include "common/futures.h"
#include "promresponse.h"
#include "runtime/sshpool.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslKey>
#include <QUrlQuery>
#include <QtConcurrent/QtConcurrentRun>

namespace Opsdeck {

PrometheusClient::PrometheusClient(PrometheusSpec spec, SshPool *pool, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_pool(pool)
    , m_network(new QNetworkAccessManager(this))
{
    if (QUrl(m_spec.url).scheme() == QLatin1String("https"))
        loadTls();
}

void PrometheusClient::loadTls()
{
    // Small local files, read once when the environment is opened.
    m_tls = QSslConfiguration::defaultConfiguration();
    if (!m_spec.caFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_spec.caFile, QSsl::Pem);
        if (cas.isEmpty()) {
            m_tlsError = QStringLiteral("prometheus.tls.ca_file %1: no PEM certificate there")
                             .arg(m_spec.caFile);
            return;
        }
        m_tls.addCaCertificates(cas);
    }
    if (m_spec.certFile.isEmpty())
        return;
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(m_spec.certFile, QSsl::Pem);
    if (certs.isEmpty()) {
        m_tlsError = QStringLiteral("prometheus.tls.cert_file %1: no PEM certificate there")
                         .arg(m_spec.certFile);
        return;
    }
    QFile keyFile(m_spec.keyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        m_tlsError = QStringLiteral("prometheus.tls.key_file %1: %2")
                         .arg(m_spec.keyFile, keyFile.errorString());
        return;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa})
        if (key = QSslKey(pem, algorithm, QSsl::Pem); !key.isNull())
            break;
    if (key.isNull()) {
        m_tlsError = QStringLiteral("prometheus.tls.key_file %1: not an unencrypted PEM private "
                                    "key (RSA, EC or DSA)")
                         .arg(m_spec.keyFile);
        return;
    }
    m_tls.setLocalCertificateChain(certs);
    m_tls.setPrivateKey(key);
}

PrometheusClient::~PrometheusClient() = default;

void PrometheusClient::withBaseUrl(QObject *guard, std::function<void(const Result<QUrl> &)> then)
{
    if (m_base) {
        then(*m_base);
        return;
    }
    const QUrl url(m_spec.url);
    if (!url.isValid() || url.host().isEmpty()) {
        then(Result<QUrl>::failure(
            QStringLiteral("prometheus.url '%1' is not a URL").arg(m_spec.url)));
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
    onFinished(client->openTunnel(url.host(), port), guard,
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

void PrometheusClient::get(const QString &path, const QList<std::pair<QString, QString>> &query,
                           QObject *guard,
                           std::function<void(const QByteArray &, int, const QString &)> then)
{
    QPointer<QObject> alive(guard);
    withBaseUrl(guard, [this, path, query, alive, then](const Result<QUrl> &base) {
        if (!alive)
            return;
        if (!base || !m_tlsError.isEmpty()) {
            then({}, 0, base ? m_tlsError : base.errorString());
            return;
        }
        QUrl url = *base;
        url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) + path);
        QUrlQuery q;
        for (const auto &[key, value] : query)
            q.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
        url.setQuery(q);
        QNetworkRequest request(url);
        request.setTransferTimeout(m_timeoutMs);
        request.setRawHeader("Accept", "application/json");
        if (url.scheme() == QLatin1String("https")) {
            request.setSslConfiguration(m_tls);
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
        QNetworkReply *reply = m_network->get(request);
        HttpPolicy::guardRedirects(reply);
        connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
            if (received <= kMaxPromResponseBytes)
                return;
            reply->setProperty("opsdeckTooLarge", true); // never read a gigabyte into memory
            reply->abort();
        });
        // A server that requires a client certificate and gets none closes the connection after
        // a TLS 1.3 handshake, which Qt 6.4 does not notice: the request just times out.
        const bool mayWantCertificate =
            url.scheme() == QLatin1String("https") && m_spec.certFile.isEmpty();
        connect(reply, &QNetworkReply::finished, alive.data(), [reply, then, mayWantCertificate] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const bool transportFailed = status == 0 && reply->error() != QNetworkReply::NoError;
            QString error;
            if (const QString refused = HttpPolicy::refusedRedirect(reply); !refused.isEmpty())
                error = refused;
            else if (reply->property("opsdeckTooLarge").toBool())
                error = QStringLiteral("the answer is over %1 MiB; narrow the query")
                            .arg(kMaxPromResponseBytes / (1024 * 1024));
            else if (transportFailed && reply->error() == QNetworkReply::OperationCanceledError)
                error = mayWantCertificate
                            ? QStringLiteral("no answer within the time limit (if the server "
                                             "asks for a client certificate, set "
                                             "prometheus.tls.cert_file and key_file)")
                            : QStringLiteral("no answer within the time limit");
            else if (transportFailed)
                error = reply->errorString();
            then(reply->readAll(), status, error);
        });
    });
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
