// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QFuture>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>

class QNetworkAccessManager;
#include <QNetworkReply>

namespace Opsdeck {

class SshClient;

/**
 * A Docker engine on a workspace host, spoken to through its own API (JSON over HTTP) on a
 * unix socket forwarded through the host's SSH session — the same host-key rules and jump
 * hosts as every other connection, no Docker CLI parsed, nothing listening on the network.
 * The API version is negotiated once per connection (the newest both speak, at least 1.41,
 * Docker 20.10). Errors are Docker's own words. Lives on the thread that owns it; nothing
 * here blocks.
 */
class DockerEngine final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxResponseBytes = 32 * 1024 * 1024;
    static constexpr int kMaxEventBytes = 1024 * 1024;

    DockerEngine(SshClient *host, QString socketPath, QObject *parent = nullptr);
    ~DockerEngine() override;

    /** GET of a versioned API path ("/services?status=true"), parsed as JSON. */
    QFuture<Result<QJsonDocument>> get(const QString &pathAndQuery);
    /**
     * A request with a JSON body (POST /services/ID/update, DELETE /configs/ID), parsed as JSON
     * when the answer has a body (an empty one is an empty document). `timeoutMs`: how long the
     * engine may stay silent (POST /containers/ID/wait answers only when the container ends).
     */
    QFuture<Result<QJsonDocument>> send(const QByteArray &verb, const QString &pathAndQuery,
                                        const QJsonObject &body = {}, int timeoutMs = 30'000);
    /** A GET whose answer is not JSON (logs: Docker's multiplexed stream), at most
     * kMaxResponseBytes. */
    QFuture<Result<QByteArray>> getRaw(const QString &pathAndQuery);
    /**
     * The text of a log answer: a non-TTY container's stream comes in frames of an 8-byte
     * header (stream, 0, 0, 0, length big-endian) and that many bytes; a TTY's is plain text.
     */
    static QByteArray demultiplexLogs(const QByteArray &stream);

    /**
     * A request that stays open (GET `/services/ID/logs?follow=1`, POST `/exec/ID/start` with a
     * JSON `body`): `onData` gets each chunk as it arrives, `onEnd` once when the stream ends (an
     * empty string) or fails (why). Returns an id for stopFollowing(); nothing is called after
     * that, or after `receiver` is gone.
     */
    quint64 follow(const QString &pathAndQuery, QObject *receiver,
                   std::function<void(const QByteArray &)> onData,
                   std::function<void(const QString &)> onEnd, const QByteArray &verb = "GET",
                   const QJsonObject &body = {});
    void stopFollowing(quint64 id);

    /** Several GETs at once; the answers in the same order, or the first failure. */
    QFuture<Result<QList<QJsonDocument>>> getAll(const QStringList &paths);

    /** "1.41" once negotiated, else empty. */
    QString apiVersion() const { return m_api; }
    /** The engine's own version ("20.10.24+dfsg1"), once connected. */
    QString engineVersion() const { return m_engineVersion; }
    QString hostName() const;

    /**
     * Follows /events with `filters` (the API's JSON form): every event arrives as
     * eventReceived; a dropped stream is reopened 2 s later until stopEvents().
     */
    void watchEvents(const QJsonObject &filters);
    void stopEvents();
    bool isWatchingEvents() const { return m_eventsReply != nullptr; }

    static constexpr const char *kOldestApi = "1.41";
    static constexpr const char *kNewestApi = "1.43";
    /** The version both speak, or empty when the engine is older than kOldestApi. */
    static QString negotiate(const QString &engineApi);

signals:
    void eventReceived(const QJsonObject &event);
    void eventsConnectedChanged(bool connected);

private:
    using BodyHandler = std::function<void(const Result<QByteArray> &)>;
    using ReadyHandler = std::function<void(const Status &)>;
    enum class Connection { Idle, Connecting, Ready };
    /** Calls `handler` once the tunnel is open and the version negotiated (or why not). */
    void whenReady(ReadyHandler handler);
    void connected(const Status &status);
    void request(const QString &path, BodyHandler handler);
    void request(const QByteArray &verb, const QString &path, const QByteArray &body, int timeoutMs,
                 BodyHandler handler);
    /** The versioned call once connected; the body as sent back, or why not. */
    QFuture<Result<QByteArray>> call(const QByteArray &verb, const QString &pathAndQuery,
                                     const QByteArray &body, int timeoutMs);
    void openEventStream();
    void readEvents();

    QPointer<SshClient> m_host;
    QString m_socketPath;
    QNetworkAccessManager *m_network;
    Connection m_connection = Connection::Idle;
    QList<ReadyHandler> m_waiting;
    QString m_base; // http://127.0.0.1:PORT
    QString m_api;
    QString m_engineVersion;
    QJsonObject m_eventFilters;
    bool m_watching = false;
    QPointer<QNetworkReply> m_eventsReply;
    QByteArray m_eventBuffer;
    quint64 m_lastFollowId = 0;
    QHash<quint64, QPointer<QNetworkReply>> m_follows;
};

/**
 * Docker's log stream as text, fed chunk by chunk as it arrives: frames (an 8-byte header, then
 * that many bytes) may be cut anywhere by the transport; a TTY's stream is plain text already.
 */
class DockerLogDecoder
{
public:
    /** The text of every frame completed by `chunk`. */
    QByteArray feed(const QByteArray &chunk);

private:
    QByteArray m_pending;
    enum class Kind { Unknown, Framed, Plain } m_kind = Kind::Unknown;
};

} // namespace Opsdeck
