// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QNetworkReply;
class QNetworkRequest;

namespace Opsdeck::HttpPolicy {

/**
 * Health checks follow no redirect: `/up → 302 → /accounts/login/ 200` is a login page, not a
 * healthy app, and an absolute Location would be fetched from the operator's machine, outside
 * the tunnel. The 3xx itself is the answer.
 */
void followNoRedirects(QNetworkRequest &request);

/**
 * API clients (Prometheus, Unleash) send credentials: they follow a redirect only within the
 * request's own origin (scheme, host, port), so a token never reaches a host a redirect names.
 * Call with the request before sending, then guard() the reply.
 */
void followSameOriginRedirects(QNetworkRequest &request);
void guardRedirects(QNetworkReply *reply);

/** Why a reply guarded by guardRedirects() was stopped, or empty. */
QString refusedRedirect(const QNetworkReply *reply);

/** "HTTP 302 Found → /accounts/login/" for a 3xx reply, as a health check reports it. */
QString describeRedirect(const QNetworkReply *reply);

} // namespace Opsdeck::HttpPolicy
