// SPDX-License-Identifier: GPL-3.0-or-later
#include "httppolicy.h"

#include <QNetworkReply>
#include <QNetworkRequest>

namespace Opsdeck::HttpPolicy {

namespace {

constexpr const char *kRefusedProperty = "opsdeckRefusedRedirect";

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    const int defaultPort = a.scheme() == QLatin1String("https") ? 443 : 80;
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(defaultPort) == b.port(defaultPort);
}

} // namespace

void followNoRedirects(QNetworkRequest &request)
{
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
}

void followSameOriginRedirects(QNetworkRequest &request)
{
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::UserVerifiedRedirectPolicy);
}

void guardRedirects(QNetworkReply *reply)
{
    QObject::connect(reply, &QNetworkReply::redirected, reply, [reply](const QUrl &target) {
        const QUrl origin = reply->request().url();
        const QUrl resolved = origin.resolved(target);
        if (sameOrigin(origin, resolved)) {
            emit reply->redirectAllowed();
            return;
        }
        reply->setProperty(
            kRefusedProperty,
            QStringLiteral("the server redirected to %1, another origin; Opsdeck does not send "
                           "credentials there (set the URL to the final address)")
                .arg(resolved.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)));
        reply->abort();
    });
}

QString refusedRedirect(const QNetworkReply *reply)
{
    return reply->property(kRefusedProperty).toString();
}

QString describeRedirect(const QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QByteArray location = reply->rawHeader("Location");
    return QStringLiteral("HTTP %1 %2 → %3 (a redirect is not healthy: the check must answer "
                          "2xx itself)")
        .arg(status)
        .arg(reason, QString::fromUtf8(location.left(200)));
}

} // namespace Opsdeck::HttpPolicy
