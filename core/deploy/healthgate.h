// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploycontext.h"
#include "jobs/job.h"

#include <QElapsedTimer>
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
 *
 * A Job like any command run for the user: each attempt is an output line ("health check failed
 * (attempt 2, 3.1 s): HTTP 503 Service Unavailable"), cancel stops the attempt in flight, and the
 * result is the last answer when healthy or failureSentence() when not.
 */
class HealthGate final : public Job
{
    Q_OBJECT

public:
    HealthGate(SshClient *client, DeployContext context, QString host, QString release,
               QNetworkAccessManager *network, QObject *parent = nullptr);

    QString host() const { return m_host; }
    /** What the gate has seen so far, for a countdown while it waits. */
    qint64 elapsedMs() const { return m_elapsed.isValid() ? m_elapsed.elapsed() : 0; }
    qint64 budgetMs() const { return m_context.spec.healthcheck->budgetMs; }
    int attempts() const { return m_attempts; }
    /** The last answer, as said: "HTTP 503 Service Unavailable", "Connection refused". */
    QString lastAnswer() const { return m_lastAnswer; }

    /**
     * Why a gate gave up, in plain words: "web1's health check got HTTP 503 Service
     * Unavailable for 30 s" (a URL), "… got no answer for 30 s (Connection refused)", "…
     * `bin/healthcheck` kept failing for 30 s: <its last line>" (a command).
     */
    static QString failureSentence(const HealthCheckSpec &spec, const QString &host,
                                   const QString &lastAnswer, bool answeredHttp, qint64 elapsedMs);

protected:
    void begin() override;
    void abort() override;

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
    QString m_lastAnswer;
    bool m_answeredHttp = false; // the last answer was an HTTP status, not a transport error
    QPointer<QNetworkReply> m_reply;
    QPointer<SshExec> m_exec;
};

} // namespace Opsdeck
