// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "explainplan.h"
#include "pg/pgtypes.h"

#include <QFuture>
#include <QString>

namespace Opsdeck {

class PgConnection;

/** What a console statement returned: its first rows, and whether a cursor holds more. */
struct ConsoleAnswer
{
    PgResultSet rows;
    bool more = false; // "Fetch more" can read further rows from the open cursor
};

/**
 * The SQL console's statements, on a read-only session. Every statement runs inside its own
 * `BEGIN READ ONLY … ROLLBACK`, so nothing a statement does survives it — not a write (the
 * server refuses it with its own message), and not a `SET default_transaction_read_only = off`
 * that would turn the session into a writing one for the next statement.
 *
 * Queries (SELECT, WITH, VALUES, TABLE) are read through a cursor: the first `rows` come back,
 * the rest stay on the server until fetchMore(); never a whole table in memory.
 * Values come back as the server's text (PgValues::Text), exactly as psql shows them.
 */
namespace SqlConsole {

/** True for the statements a cursor can read (SELECT, WITH … SELECT, VALUES, TABLE). */
bool isQuery(const QString &sql);

/**
 * The statement around `position` in a text of several (`;`-separated, quotes, comments and
 * dollar-quoting respected): what Ctrl+Enter runs when nothing is selected.
 */
QString statementAt(const QString &text, int position);

/** Splits a text into its statements (empty ones dropped). */
QStringList splitStatements(const QString &text);

QFuture<Result<ConsoleAnswer>> run(PgConnection &connection, const QString &sql, int rows);
/**
 * A query's rows as CSV with a header, formatted by the server (`COPY (query) TO STDOUT`, the
 * same text psql --csv prints) and handed to `sink` on the session's thread as they come: the
 * fast path for exports. In its own read-only transaction without a statement timeout (an
 * export may take longer than a console query may); only for isQuery() statements.
 */
QFuture<Result<PgResultSet>> copyCsv(PgConnection &connection, const QString &sql,
                                     std::function<void(const char *, int)> sink);
/** The next `rows` of the open cursor; closes it when it runs dry. */
QFuture<Result<ConsoleAnswer>> fetchMore(PgConnection &connection, int rows);
/** Ends the open cursor's transaction, if any. */
void closeCursor(PgConnection &connection);

/**
 * The highest `$n` placeholder in a statement outside quotes and comments (0 without any):
 * pg_stat_statements and pg_stat_activity show statements with their values as $1, $2 ….
 */
int parameterCount(const QString &sql);

/**
 * EXPLAIN (FORMAT JSON), with ANALYZE on request — still inside a read-only transaction.
 * A statement with placeholders gets its generic plan (prepared, then planned with
 * plan_cache_mode = force_generic_plan, PostgreSQL 12–15's way to what 16 calls GENERIC_PLAN);
 * ANALYZE of one is refused, since it would need the values nobody showed.
 */
QFuture<Result<QueryPlanTree>> explain(PgConnection &connection, const QString &sql, bool analyze);

/**
 * The text pg_stat_statements keeps for `queryId` (its placeholders as $1, $2 …): a health
 * check lists a slow statement by id, shortened, and the console plans the whole of it. Fails
 * with a sentence when the statistics were reset since.
 */
QFuture<Result<QString>> statementText(PgConnection &connection, const QString &queryId);

/** True when the statement may go to the history kept on disk: nothing that looks like it
 * carries a password, a key or a token (ALTER ROLE … PASSWORD, pgp_sym_encrypt(…, 'key')). */
bool mayRemember(const QString &sql);

/**
 * Write mode, on a writing session of its own: BEGIN and the statement. The transaction stays
 * open until endWrite() commits or rolls it back (the person decides, having seen the result).
 */
QFuture<Result<PgResultSet>> beginWrite(PgConnection &connection, const QString &sql);
/** COMMIT or ROLLBACK; the answer is the server's command tag ("COMMIT", "ROLLBACK"). */
QFuture<Result<QString>> endWrite(PgConnection &connection, bool commit);

} // namespace SqlConsole
} // namespace Opsdeck
