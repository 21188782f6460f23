// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QFuture>
#include <QString>

namespace Opsdeck {

class PgConnection;

/**
 * The plan of a query seen in pg_stat_activity, without running it: EXPLAIN without ANALYZE,
 * sent alone (extended protocol: one statement, so a query text cannot smuggle a second one).
 * Only what EXPLAIN accepts is sent; for anything else (DDL, COPY, VACUUM, a truncated text,
 * bind parameters the view does not show) the answer says why in plain words.
 */
namespace QueryPlan {

/** Why `query` cannot be explained, or an empty string when it can. With
 * `placeholdersAllowed` (the console plans them generically), $1 … are no reason. */
QString whyNotExplainable(const QString &query, bool placeholdersAllowed = false);

/** The plan's lines joined, or the reason it cannot be had (the server's words on failure). */
QFuture<Result<QString>> explain(PgConnection &connection, const QString &query);

} // namespace QueryPlan
} // namespace Opsdeck
