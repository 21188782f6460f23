// SPDX-License-Identifier: GPL-3.0-or-later
#include "healthgate.h"

#include "common/httppolicy.h"
#include "deployscripts.h"

#include "common/futures.h"
#include "ssh/sshclient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

namespace Opsdeck {

HealthGate::HealthGate(SshClient *client, DeployContext context, QString host, QString release,
                       QNetworkAccessManager *network, QObject *parent)
    : Job(QStringLiteral("health check on %1").arg(host),
          context.spec.healthcheck->run.isEmpty() ? context.spec.healthcheck->url
                                                  : context.spec.healthcheck->run,
          parent)
    , m_client(client)
    , m_context(std::move(context))
    , m_host(std::move(host))
    , m_release(std::move(release))
    , m_network(network)
{
    setEnvironment(m_context.environment);
    // The gate ends itself when its budget is spent; the job's timeout only backs that up.
    const HealthCheckSpec &spec = *m_context.spec.healthcheck;
    setTimeout(std::chrono::milliseconds(spec.budgetMs + spec.timeoutMs + 30'000));
}

void HealthGate::begin()
{
    m_elapsed.start();
    attempt();
}

void HealthGate::abort()
{
    m_done = true;
    if (m_reply)
        m_reply->abort();
    if (m_exec)
        m_exec->cancel();
}

void HealthGate::attempt()
{
    if (m_done)
        return;
    ++m_attempts;
    const HealthCheckSpec &spec = *m_context.spec.healthcheck;
    if (spec.run.isEmpty()) {
        const QUrl url(spec.url);
        const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
        onFinished(m_client->openTunnel(url.host(), port), this, [this](Result<quint16> tunnel) {
            if (!tunnel)
                attemptDone(false,
                            QStringLiteral("no tunnel to the host: ") + tunnel.errorString());
            else
                attemptUrl(*tunnel);
        });
    } else {
        attemptRun();
    }
}

void HealthGate::attemptUrl(quint16 tunnelPort)
{
    if (m_done)
        return;
    const QUrl asSeenByHost(m_context.spec.healthcheck->url);
    QUrl local = asSeenByHost;
    local.setHost(QStringLiteral("127.0.0.1"));
    local.setPort(tunnelPort);
    QNetworkRequest request(local);
    // The app sees the request it would get on the host (Django checks ALLOWED_HOSTS).
    request.setRawHeader("Host", asSeenByHost.authority().toUtf8());
    request.setTransferTimeout(m_context.spec.healthcheck->timeoutMs);
    HttpPolicy::followNoRedirects(request);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::sslErrors, m_reply,
            [reply = m_reply](const QList<QSslError> &errors) {
                // Through the tunnel the name is 127.0.0.1; the certificate is still verified
                // otherwise.
                QList<QSslError> nameOnly;
                for (const QSslError &e : errors)
                    if (e.error() == QSslError::HostNameMismatch)
                        nameOnly << e;
                if (nameOnly.size() == errors.size())
                    reply->ignoreSslErrors(nameOnly);
            });
    connect(m_reply, &QNetworkReply::finished, this, [this, reply = m_reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_answeredHttp = status > 0;
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300)
            attemptDone(true, QStringLiteral("HTTP %1").arg(status));
        else if (status >= 300 && status < 400)
            attemptDone(false, HttpPolicy::describeRedirect(reply));
        else if (status > 0)
            attemptDone(
                false,
                QStringLiteral("HTTP %1 %2")
                    .arg(status)
                    .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString()));
        else
            attemptDone(false, reply->errorString());
    });
}

void HealthGate::attemptRun()
{
    m_exec = m_client->exec(DeployScripts::healthRun(m_context, m_host, m_release), this);
    connect(m_exec, &SshExec::finished, this, [this, exec = m_exec](int status) {
        exec->deleteLater();
        const QString output =
            QString::fromUtf8(exec->capturedStdout() + exec->capturedStderr()).trimmed();
        QString detail = output.section(QLatin1Char('\n'), -1).left(200);
        if (status < 0)
            detail = exec->errorString();
        else if (status == 124)
            detail = QStringLiteral("timed out");
        attemptDone(status == 0,
                    detail.isEmpty() ? QStringLiteral("exit status %1").arg(status) : detail);
    });
}

void HealthGate::attemptDone(bool healthy, const QString &detail)
{
    if (m_done)
        return;
    m_lastAnswer = detail;
    const HealthCheckSpec &spec = *m_context.spec.healthcheck;
    receive(QStringLiteral("health check %1 (attempt %2, %3 s): %4\n")
                .arg(healthy ? QStringLiteral("passed") : QStringLiteral("failed"))
                .arg(m_attempts)
                .arg(double(m_elapsed.elapsed()) / 1000.0, 0, 'f', 1)
                .arg(detail)
                .toUtf8());
    if (healthy || m_elapsed.elapsed() + spec.intervalMs > spec.budgetMs) {
        m_done = true;
        if (healthy)
            complete(0, QString());
        else // not an exit status: the sentence is the whole result
            complete(-1,
                     failureSentence(spec, m_host, detail, m_answeredHttp, m_elapsed.elapsed()));
        return;
    }
    QTimer::singleShot(spec.intervalMs, this, &HealthGate::attempt);
}

QString HealthGate::failureSentence(const HealthCheckSpec &spec, const QString &host,
                                    const QString &lastAnswer, bool answeredHttp, qint64 elapsedMs)
{
    const QString seconds = QString::number(qMax<qint64>(1, (elapsedMs + 500) / 1000));
    if (!spec.run.isEmpty())
        return QStringLiteral("%1's health check `%2` kept failing for %3 s: %4")
            .arg(host, spec.run, seconds, lastAnswer);
    if (answeredHttp)
        return QStringLiteral("%1's health check got %2 for %3 s").arg(host, lastAnswer, seconds);
    return QStringLiteral("%1's health check got no answer for %2 s (%3)")
        .arg(host, seconds, lastAnswer);
}

} // namespace Opsdeck
