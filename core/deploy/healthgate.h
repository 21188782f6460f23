// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploycontext.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QNetworkReply;

namespace Opsdeck {

class SshClient;
class SshExec;

/**
 * Kamal's gate for one host: ask every `interval` until healthy or the `budget` is spent, each
 * attempt given `timeout`. A URL is requested as the host sees it, through an SSH tunnel from
 * this machine (nothing to install on the host); `run:` executes a command in the release.
 */
class HealthGate final : public QObject
{
    Q_OBJECT

public:
    HealthGate(SshClient *client, DeployContext context, QString host, QString release,
               QNetworkAccessManager *network, QObject *parent = nullptr);

    void start();
    void cancel();

signals:
    void progress(const QString &host, const QByteArray &line);
    void finished(const QString &host, bool healthy, const QString &detail);

private:
    void attempt();
    void attemptUrl(quint16 tunnelPort);
    void attemptRun();
    void attemptDone(bool healthy, const QString &detail);

    SshClient *m_client;
    DeployContext m_context;
    QString m_host;
    QString m_release;
    QNetworkAccessManager *m_network;
    QElapsedTimer m_elapsed;
    int m_attempts = 0;
    bool m_done = false;
    QPointer<QNetworkReply> m_reply;
    QPointer<SshExec> m_exec;
};

} // namespace Opsdeck
