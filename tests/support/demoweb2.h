// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The demo world's web2, stopped and started again by the tests of what notices it is down
// (alerts, logs), and Alertmanager's own view of it. Header-only: the tests that use it link
// opsdeck-core, the support library does not.
#include "runtime/sshpool.h"
#include "ssh/sshclient.h"
#include "testservices.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <csignal>

namespace DemoWeb2 {

inline QString releaseDir()
{
    return TestServices::stateDir(QStringLiteral("demo")) +
           QStringLiteral("/hosts/web2/srv/minitwit");
}

inline qint64 gunicornPid()
{
    QFile pid(releaseDir() + QStringLiteral("/shared/gunicorn.pid"));
    return pid.open(QIODevice::ReadOnly) ? pid.readAll().trimmed().toLongLong() : 0;
}

inline bool isServing()
{
    const qint64 pid = gunicornPid();
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

/** SIGTERM to web2's gunicorn: the host stays up, the app stops answering. */
inline bool stop()
{
    const qint64 pid = gunicornPid();
    return pid > 0 && ::kill(pid_t(pid), SIGTERM) == 0;
}

/** bin/restart on web2, over SSH as a deploy would run it. */
inline bool restart(Opsdeck::SshPool *pool, QObject *context)
{
    Opsdeck::SshClient *web2 = pool->client(QStringLiteral("web2"));
    if (!web2)
        return false;
    std::optional<int> exitStatus;
    Opsdeck::SshExec *run =
        web2->exec(QStringLiteral("/srv/minitwit/current/bin/restart"), context);
    QObject::connect(run, &Opsdeck::SshExec::finished, context,
                     [&exitStatus](int status) { exitStatus = status; });
    const bool done = QTest::qWaitFor([&] { return exitStatus.has_value(); }, 60000);
    run->deleteLater();
    return done && *exitStatus == 0;
}

/** Alertmanager's own answer at `path`, straight from its API (not through Opsdeck). */
inline QJsonArray alertmanagerGet(QNetworkAccessManager &http, const QString &port,
                                  const QString &path)
{
    QNetworkReply *reply =
        http.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port, path))));
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000))
        return {};
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).array();
}

} // namespace DemoWeb2
