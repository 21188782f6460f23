// SPDX-License-Identifier: GPL-3.0-or-later
#include "dockerengine.h"

#include "common/futures.h"
#include "common/httppolicy.h"
#include "ssh/sshclient.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QTimer>
#include <QUrlQuery>
#include <QVersionNumber>
#include <QtConcurrent/QtConcurrentRun>

namespace Opsdeck {

namespace {

QString dockerMessage(const QByteArray &body)
{
    const QString message =
        QJsonDocument::fromJson(body).object().value(QLatin1String("message")).toString();
    return message.isEmpty() ? QString::fromUtf8(body.left(300)).trimmed() : message;
}

} // namespace

DockerEngine::DockerEngine(SshClient *host, QString socketPath, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_socketPath(std::move(socketPath))
    , m_network(new QNetworkAccessManager(this))
{}

DockerEngine::~DockerEngine()
{
    stopEvents();
    for (const quint64 id : m_follows.keys())
        stopFollowing(id);
}

QString DockerEngine::hostName() const
{
    return m_host ? m_host->endpoint().name : QString();
}

QString DockerEngine::negotiate(const QString &engineApi)
{
    const QVersionNumber engine = QVersionNumber::fromString(engineApi);
    const QVersionNumber oldest = QVersionNumber::fromString(QLatin1String(kOldestApi));
    const QVersionNumber newest = QVersionNumber::fromString(QLatin1String(kNewestApi));
    if (engine.isNull() || engine < oldest)
        return {};
    return (engine < newest ? engine : newest).toString();
}

void DockerEngine::whenReady(ReadyHandler handler)
{
    if (m_connection == Connection::Ready) {
        handler(success());
        return;
    }
    // A QFuture takes one continuation: callers waiting for the same connection queue here.
    m_waiting << std::move(handler);
    if (m_connection == Connection::Connecting)
        return;
    m_connection = Connection::Connecting;
    if (!m_host) {
        connected(Status::failure(QStringLiteral("no host for the Docker engine")));
        return;
    }
    onFinished(m_host->openUnixTunnel(m_socketPath), this, [this](const Result<quint16> &port) {
        if (!port) {
            connected(
                Status::failure(QStringLiteral("%1: %2").arg(hostName(), port.errorString())));
            return;
        }
        m_base = QStringLiteral("http://127.0.0.1:%1").arg(*port);
        // Unversioned: the one call every engine answers the same way.
        request(QStringLiteral("/version"), [this](const Result<QByteArray> &body) {
            if (!body) {
                connected(body.error());
                return;
            }
            const QJsonObject version = QJsonDocument::fromJson(*body).object();
            const QString engineApi = version.value(QLatin1String("ApiVersion")).toString();
            m_engineVersion = version.value(QLatin1String("Version")).toString();
            m_api = negotiate(engineApi);
            if (m_api.isEmpty())
                connected(Status::failure(
                    QStringLiteral("Docker %1 on %2 speaks API %3; Opsdeck needs %4 (Docker "
                                   "20.10) or newer")
                        .arg(m_engineVersion, hostName(), engineApi, QLatin1String(kOldestApi))));
            else
                connected(success());
        });
    });
}

void DockerEngine::connected(const Status &status)
{
    m_connection = status ? Connection::Ready : Connection::Idle;
    const QList<ReadyHandler> waiting = std::exchange(m_waiting, {});
    for (const ReadyHandler &handler : waiting)
        handler(status);
}

void DockerEngine::request(const QString &path, BodyHandler handler)
{
    request(QByteArrayLiteral("GET"), path, {}, 30'000, std::move(handler));
}

void DockerEngine::request(const QByteArray &verb, const QString &path, const QByteArray &body,
                           int timeoutMs, BodyHandler handler)
{
    QNetworkRequest request(QUrl(m_base + path));
    HttpPolicy::followNoRedirects(request); // the engine never redirects; a proxy might
    request.setTransferTimeout(timeoutMs);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    QNetworkReply *reply =
        verb == "GET" ? m_network->get(request) : m_network->sendCustomRequest(request, verb, body);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxResponseBytes) {
            reply->setProperty("opsdeckTooBig", true); // an abort says only "cancelled"
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, handler = std::move(handler)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (reply->property("opsdeckTooBig").toBool()) { // whatever the status said
            handler(Result<QByteArray>::failure(QStringLiteral("Docker on %1 sent more than %2 MiB")
                                                    .arg(hostName())
                                                    .arg(kMaxResponseBytes / (1024 * 1024))));
            return;
        }
        if (status >= 400) { // {"message": …}, Docker's own words (Qt flags it as an error too)
            handler(Result<QByteArray>::failure(
                QStringLiteral("Docker on %1: %2").arg(hostName(), dockerMessage(body))));
            return;
        }
        if (reply->error() != QNetworkReply::NoError) { // no answer, or cut short
            handler(Result<QByteArray>::failure(
                QStringLiteral("cannot reach Docker on %1 (%2): %3")
                    .arg(hostName(), m_socketPath, reply->errorString())));
            m_connection = Connection::Idle; // reconnect next time
            return;
        }
        handler(body);
    });
}

QFuture<Result<QByteArray>> DockerEngine::call(const QByteArray &verb, const QString &pathAndQuery,
                                               const QByteArray &body, int timeoutMs)
{
    auto promise = std::make_shared<QPromise<Result<QByteArray>>>();
    promise->start();
    QFuture<Result<QByteArray>> future = promise->future();
    auto deliver = [promise](const Result<QByteArray> &r) {
        promise->addResult(r);
        promise->finish();
    };
    whenReady([this, verb, pathAndQuery, body, timeoutMs, deliver](const Status &connected) {
        if (!connected) {
            deliver(connected.error());
            return;
        }
        request(verb, QStringLiteral("/v%1%2").arg(m_api, pathAndQuery), body, timeoutMs, deliver);
    });
    return future;
}

namespace {

Result<QJsonDocument> parsedAnswer(const QString &pathAndQuery, const Result<QByteArray> &body)
{
    if (!body)
        return body.error();
    if (body->trimmed().isEmpty()) // 204 No Content, or a DELETE's empty 200
        return QJsonDocument();
    QJsonParseError error;
    const QJsonDocument json = QJsonDocument::fromJson(*body, &error);
    if (error.error != QJsonParseError::NoError)
        return Result<QJsonDocument>::failure(
            QStringLiteral("Docker's answer to %1 is not JSON: %2")
                .arg(pathAndQuery, error.errorString()));
    return json;
}

constexpr qsizetype kParseInPoolBytes = 64 * 1024;

template<typename T, typename F>
QFuture<T> mapped(QObject *guard, const QFuture<Result<QByteArray>> &future, F &&convert)
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    onFinished(future, guard,
               [promise, convert = std::forward<F>(convert)](const Result<QByteArray> &r) {
                   const auto deliver = [promise, convert, r] {
                       promise->addResult(convert(r));
                       promise->finish();
                   };
                   // A big answer (a swarm's /tasks: every task with its history) is parsed in
                   // the thread pool: tens of milliseconds the UI thread would otherwise stall.
                   if (r && r->size() > kParseInPoolBytes)
                       (void)QtConcurrent::run(deliver);
                   else
                       deliver();
               });
    return promise->future();
}

} // namespace

QFuture<Result<QJsonDocument>> DockerEngine::get(const QString &pathAndQuery)
{
    return mapped<Result<QJsonDocument>>(
        this, call(QByteArrayLiteral("GET"), pathAndQuery, {}, 30'000),
        [pathAndQuery](const Result<QByteArray> &r) { return parsedAnswer(pathAndQuery, r); });
}

QFuture<Result<QJsonDocument>> DockerEngine::send(const QByteArray &verb,
                                                  const QString &pathAndQuery,
                                                  const QJsonObject &body, int timeoutMs)
{
    const QByteArray json =
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    return mapped<Result<QJsonDocument>>(
        this, call(verb, pathAndQuery, json, timeoutMs),
        [pathAndQuery](const Result<QByteArray> &r) { return parsedAnswer(pathAndQuery, r); });
}

QFuture<Result<QByteArray>> DockerEngine::getRaw(const QString &pathAndQuery)
{
    return call(QByteArrayLiteral("GET"), pathAndQuery, {}, 30'000);
}

QByteArray DockerEngine::demultiplexLogs(const QByteArray &stream)
{
    DockerLogDecoder decoder;
    return decoder.feed(stream);
}

QFuture<Result<QList<QJsonDocument>>> DockerEngine::getAll(const QStringList &paths)
{
    struct Gathered
    {
        QPromise<Result<QList<QJsonDocument>>> promise;
        QList<QJsonDocument> answers;
        int left = 0;
        bool failed = false;
    };
    auto gathered = std::make_shared<Gathered>();
    gathered->promise.start();
    gathered->answers.resize(paths.size());
    gathered->left = int(paths.size());
    QFuture<Result<QList<QJsonDocument>>> future = gathered->promise.future();
    if (paths.isEmpty()) {
        gathered->promise.addResult(QList<QJsonDocument>());
        gathered->promise.finish();
        return future;
    }
    for (qsizetype i = 0; i < paths.size(); ++i) {
        onFinished(get(paths[i]), this, [gathered, i](const Result<QJsonDocument> &answer) {
            if (gathered->failed)
                return;
            if (!answer) {
                gathered->failed = true;
                gathered->promise.addResult(answer.error());
                gathered->promise.finish();
                return;
            }
            gathered->answers[i] = *answer;
            if (--gathered->left == 0) {
                gathered->promise.addResult(gathered->answers);
                gathered->promise.finish();
            }
        });
    }
    return future;
}

quint64 DockerEngine::follow(const QString &pathAndQuery, QObject *receiver,
                             std::function<void(const QByteArray &)> onData,
                             std::function<void(const QString &)> onEnd, const QByteArray &verb,
                             const QJsonObject &body)
{
    const quint64 id = ++m_lastFollowId;
    m_follows.insert(id, nullptr); // asked for; the reply comes once connected
    QPointer<QObject> guard(receiver);
    whenReady([this, id, pathAndQuery, guard, verb, body, onData = std::move(onData),
               onEnd = std::move(onEnd)](const Status &connected) {
        if (!m_follows.contains(id) || !guard)
            return; // stopped meanwhile
        if (!connected) {
            m_follows.remove(id);
            onEnd(connected.errorString());
            return;
        }
        QNetworkRequest request(QUrl(QStringLiteral("%1/v%2%3").arg(m_base, m_api, pathAndQuery)));
        HttpPolicy::followNoRedirects(request);
        QNetworkReply *reply = nullptr;
        if (verb == "GET") {
            reply = m_network->get(request);
        } else {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
            reply = m_network->sendCustomRequest(
                request, verb, QJsonDocument(body).toJson(QJsonDocument::Compact));
        }
        m_follows.insert(id, reply);
        connect(reply, &QNetworkReply::readyRead, guard, [reply, onData] {
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() < 400)
                onData(reply->readAll());
        });
        connect(reply, &QNetworkReply::finished, guard, [this, id, reply, onEnd] {
            reply->deleteLater();
            if (!m_follows.contains(id))
                return;
            m_follows.remove(id);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status >= 400)
                onEnd(QStringLiteral("Docker on %1: %2")
                          .arg(hostName(), dockerMessage(reply->readAll())));
            else if (reply->error() != QNetworkReply::NoError)
                onEnd(QStringLiteral("cannot reach Docker on %1 (%2): %3")
                          .arg(hostName(), m_socketPath, reply->errorString()));
            else
                onEnd(QString());
        });
    });
    return id;
}

void DockerEngine::stopFollowing(quint64 id)
{
    const QPointer<QNetworkReply> reply = m_follows.take(id);
    if (reply) {
        reply->disconnect();
        reply->abort();
        reply->deleteLater();
    }
}

QByteArray DockerLogDecoder::feed(const QByteArray &chunk)
{
    m_pending += chunk;
    if (m_kind == Kind::Unknown && m_pending.size() >= 4) {
        const bool framed = quint8(m_pending[0]) <= 2 && m_pending[1] == 0 && m_pending[2] == 0 &&
                            m_pending[3] == 0;
        m_kind = framed ? Kind::Framed : Kind::Plain;
    }
    if (m_kind == Kind::Unknown)
        return {};
    if (m_kind == Kind::Plain)
        return std::exchange(m_pending, {});
    QByteArray text;
    qsizetype at = 0;
    while (at + 8 <= m_pending.size()) {
        const auto byte = [&](int i) {
            return quint32(quint8(m_pending[at + i]));
        };
        const qsizetype length = qsizetype(byte(4) << 24 | byte(5) << 16 | byte(6) << 8 | byte(7));
        if (at + 8 + length > m_pending.size())
            break; // the rest of this frame is still on its way
        text += m_pending.mid(at + 8, length);
        at += 8 + length;
    }
    m_pending.remove(0, at);
    return text;
}

void DockerEngine::watchEvents(const QJsonObject &filters)
{
    m_eventFilters = filters;
    m_watching = true;
    if (!m_eventsReply)
        openEventStream();
}

void DockerEngine::stopEvents()
{
    m_watching = false;
    if (m_eventsReply) {
        QNetworkReply *reply = m_eventsReply;
        m_eventsReply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void DockerEngine::openEventStream()
{
    whenReady([this](const Status &connected) {
        if (!m_watching || m_eventsReply)
            return;
        if (!connected) {
            QTimer::singleShot(2000, this, [this] {
                if (m_watching && !m_eventsReply)
                    openEventStream();
            });
            return;
        }
        QUrlQuery query;
        query.addQueryItem(
            QStringLiteral("filters"),
            QString::fromUtf8(QJsonDocument(m_eventFilters).toJson(QJsonDocument::Compact)));
        QUrl url(QStringLiteral("%1/v%2/events").arg(m_base, m_api));
        url.setQuery(query);
        QNetworkRequest request(url);
        HttpPolicy::followNoRedirects(request);
        m_eventBuffer.clear();
        m_eventsReply = m_network->get(request);
        connect(m_eventsReply, &QNetworkReply::metaDataChanged, this,
                [this] { emit eventsConnectedChanged(true); });
        connect(m_eventsReply, &QNetworkReply::readyRead, this, &DockerEngine::readEvents);
        connect(m_eventsReply, &QNetworkReply::finished, this,
                [this, reply = m_eventsReply.data()] {
                    reply->deleteLater();
                    if (m_eventsReply != reply)
                        return;
                    m_eventsReply = nullptr;
                    emit eventsConnectedChanged(false);
                    if (reply->error() != QNetworkReply::NoError &&
                        reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 0)
                        m_connection = Connection::Idle; // the tunnel or the engine went away
                    QTimer::singleShot(2000, this, [this] {
                        if (m_watching && !m_eventsReply)
                            openEventStream();
                    });
                });
    });
}

void DockerEngine::readEvents()
{
    m_eventBuffer += m_eventsReply->readAll();
    for (qsizetype newline; (newline = m_eventBuffer.indexOf('\n')) >= 0;) {
        const QByteArray line = m_eventBuffer.left(newline);
        m_eventBuffer.remove(0, newline + 1);
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (!event.isEmpty())
            emit eventReceived(event);
    }
    if (m_eventBuffer.size() > kMaxEventBytes) // no event is this big: drop the garbage
        m_eventBuffer.clear();
}

} // namespace Opsdeck
