// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlconsole.h"

#include "pg/pgconnection.h"

#include <QRegularExpression>

#include <algorithm>

namespace Opsdeck::SqlConsole {

namespace {

const QString kCursor = QStringLiteral("opsdeck_console");

/** Where the quoted part, comment or dollar-quoted body starting at `i` ends (exclusive). */
qsizetype skipQuoted(const QString &text, qsizetype i)
{
    const qsizetype n = text.size();
    const QChar c = text.at(i);
    if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
        for (qsizetype j = i + 1; j < n; ++j) {
            if (text.at(j) != c)
                continue;
            if (j + 1 < n && text.at(j + 1) == c) { // a doubled quote stays inside
                ++j;
                continue;
            }
            return j + 1;
        }
        return n;
    }
    if (text.mid(i, 2) == QLatin1String("--")) {
        const qsizetype end = text.indexOf(QLatin1Char('\n'), i);
        return end < 0 ? n : end + 1;
    }
    if (text.mid(i, 2) == QLatin1String("/*")) { // PostgreSQL's block comments nest
        int depth = 0;
        for (qsizetype j = i; j < n - 1; ++j) {
            if (text.mid(j, 2) == QLatin1String("/*")) {
                ++depth;
                ++j;
            } else if (text.mid(j, 2) == QLatin1String("*/")) {
                ++j;
                if (--depth == 0)
                    return j + 1;
            }
        }
        return n;
    }
    if (c == QLatin1Char('$')) {
        static const QRegularExpression tag(QStringLiteral(R"(\$([A-Za-z_][A-Za-z_0-9]*)?\$)"));
        const QRegularExpressionMatch m = tag.match(text, i, QRegularExpression::NormalMatch,
                                                    QRegularExpression::AnchorAtOffsetMatchOption);
        if (m.hasMatch()) {
            const qsizetype end = text.indexOf(m.captured(0), i + m.capturedLength());
            return end < 0 ? n : end + m.capturedLength();
        }
    }
    return i + 1;
}

/** The text with quoted parts, comments and dollar-quoted bodies blanked out. */
QString codeOnly(const QString &text)
{
    QString code;
    code.reserve(text.size());
    for (qsizetype i = 0; i < text.size();) {
        const qsizetype next = skipQuoted(text, i);
        code += next == i + 1 ? text.at(i) : QLatin1Char(' ');
        i = next;
    }
    return code;
}

constexpr qsizetype kMaxRememberedChars = 20'000;

/** [start, end) of each statement, the semicolons left out. */
QList<std::pair<qsizetype, qsizetype>> statementRanges(const QString &text)
{
    QList<std::pair<qsizetype, qsizetype>> ranges;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size();) {
        if (text.at(i) == QLatin1Char(';')) {
            ranges.append({start, i});
            start = ++i;
            continue;
        }
        i = skipQuoted(text, i);
    }
    ranges.append({start, text.size()});
    return ranges;
}

QString withoutLeadingComments(QString text)
{
    static const QRegularExpression leading(
        QStringLiteral(R"(^(\s+|--[^\n]*(\n|$)|/\*.*?\*/|\()+)"),
        QRegularExpression::DotMatchesEverythingOption);
    return text.remove(leading);
}

Result<ConsoleAnswer> answerOf(const Result<PgResultSet> &fetched, int rows)
{
    if (!fetched)
        return fetched.error();
    ConsoleAnswer answer;
    answer.rows = *fetched;
    answer.more = fetched->rowCount() >= rows;
    return answer;
}

} // namespace

bool isQuery(const QString &sql)
{
    static const QRegularExpression query(QStringLiteral(R"(^(select|with|values|table)\b)"),
                                          QRegularExpression::CaseInsensitiveOption);
    return query.match(withoutLeadingComments(sql)).hasMatch();
}

QStringList splitStatements(const QString &text)
{
    QStringList statements;
    for (const auto &[start, end] : statementRanges(text)) {
        const QString s = text.mid(start, end - start).trimmed();
        if (!withoutLeadingComments(s).trimmed().isEmpty())
            statements << s;
    }
    return statements;
}

QString statementAt(const QString &text, int position)
{
    const auto ranges = statementRanges(text);
    QString previous;
    for (const auto &[start, end] : ranges) {
        const QString s = text.mid(start, end - start).trimmed();
        const bool blank = withoutLeadingComments(s).trimmed().isEmpty();
        if (position >= start && position <= end)
            return blank ? previous : s; // after the last ";": the statement just written
        if (!blank)
            previous = s;
    }
    return previous;
}

QFuture<Result<ConsoleAnswer>> run(PgConnection &connection, const QString &sql, int rows)
{
    // A rollback first ends a cursor still open from the previous statement (outside a
    // transaction it is only a warning).
    const QString fetch = QStringLiteral("fetch %1 from %2").arg(rows).arg(kCursor);
    if (isQuery(sql)) {
        const QList<PgStatement> statements{
            {QStringLiteral("rollback"), {}},
            {QStringLiteral("begin read only"), {}},
            {QStringLiteral("declare %1 no scroll cursor for %2").arg(kCursor, sql), {}},
            {fetch, {}}};
        PgConnection *pg = &connection;
        return connection.pipeline(statements, PgValues::Text)
            .then([pg, rows](const PgBatchResult &r) {
                // A failed DECLARE is the statement's own error; the FETCH after it only
                // says the transaction is aborted.
                Result<ConsoleAnswer> answer =
                    answerOf(r.value(2).ok() ? r.value(3) : r.value(2), rows);
                if (!answer || !answer->more)
                    closeCursor(*pg);
                return answer;
            });
    }
    const QList<PgStatement> statements{{QStringLiteral("rollback"), {}},
                                        {QStringLiteral("begin read only"), {}},
                                        {sql, {}},
                                        {QStringLiteral("rollback"), {}}};
    return connection.pipeline(statements, PgValues::Text).then([](const PgBatchResult &r) {
        const Result<PgResultSet> result = r.value(2);
        if (!result)
            return Result<ConsoleAnswer>(result.error());
        ConsoleAnswer answer;
        answer.rows = *result;
        return Result<ConsoleAnswer>(answer);
    });
}

QFuture<Result<PgResultSet>> copyCsv(PgConnection &connection, const QString &sql,
                                     std::function<void(const char *, int)> sink)
{
    QString statement = sql.trimmed();
    while (statement.endsWith(QLatin1Char(';')))
        statement = statement.chopped(1).trimmed();
    // Queued in order on the one session: nothing else runs between them. The newlines keep a
    // trailing `--` comment from swallowing the closing parenthesis.
    connection.query(QStringLiteral("rollback")); // ends a cursor still open, if any
    connection.query(QStringLiteral("begin read only"));
    connection.query(QStringLiteral("set local statement_timeout = 0"));
    QFuture<Result<PgResultSet>> copied = connection.copyOut(
        QStringLiteral("copy (\n%1\n) to stdout with (format csv, header)").arg(statement),
        std::move(sink));
    connection.query(QStringLiteral("commit")); // a failed copy's transaction rolls back
    return copied;
}

QFuture<Result<ConsoleAnswer>> fetchMore(PgConnection &connection, int rows)
{
    PgConnection *pg = &connection;
    return connection
        .query(QStringLiteral("fetch %1 from %2").arg(rows).arg(kCursor), {}, PgValues::Text)
        .then([pg, rows](const Result<PgResultSet> &r) {
            Result<ConsoleAnswer> answer = answerOf(r, rows);
            if (!answer || !answer->more)
                closeCursor(*pg);
            return answer;
        });
}

void closeCursor(PgConnection &connection)
{
    connection.query(QStringLiteral("rollback")); // the answer does not matter
}

int parameterCount(const QString &sql)
{
    static const QRegularExpression placeholder(QStringLiteral(R"(\$(\d+))"));
    int highest = 0;
    QRegularExpressionMatchIterator it = placeholder.globalMatch(codeOnly(sql));
    while (it.hasNext())
        highest = std::max(highest, it.next().captured(1).toInt());
    return highest;
}

bool mayRemember(const QString &sql)
{
    static const QRegularExpression secretish(
        QStringLiteral(R"(password|passwd|secret|token|api_?key|private_?key|credential|)"
                       R"(pgp_\w*encrypt|pgp_\w*decrypt|encrypt\s*\(|decrypt\s*\()"),
        QRegularExpression::CaseInsensitiveOption);
    return sql.size() <= kMaxRememberedChars && !secretish.match(sql).hasMatch();
}

QFuture<Result<QueryPlanTree>> explain(PgConnection &connection, const QString &sql, bool analyze)
{
    const int parameters = parameterCount(sql);
    if (parameters > 0 && analyze)
        return QtFuture::makeReadyFuture(Result<QueryPlanTree>::failure(
            QStringLiteral("the statement has placeholders ($1 …) and EXPLAIN ANALYZE would run "
                           "it, which needs their values: replace them, or ask for the plan "
                           "without ANALYZE (the generic plan)")));
    QList<PgStatement> statements{{QStringLiteral("rollback"), {}},
                                  {QStringLiteral("begin read only"), {}}};
    int planAt = 2;
    if (parameters > 0) {
        QStringList nulls;
        for (int i = 0; i < parameters; ++i)
            nulls << QStringLiteral("null");
        statements << PgStatement{QStringLiteral("set local plan_cache_mode = force_generic_plan"),
                                  {}}
                   << PgStatement{QStringLiteral("prepare opsdeck_generic as ") + sql.trimmed(), {}}
                   << PgStatement{QStringLiteral("explain (format json) execute "
                                                 "opsdeck_generic(%1)")
                                      .arg(nulls.join(QStringLiteral(", "))),
                                  {}};
        planAt = 4;
    } else {
        statements << PgStatement{explainStatement(sql, analyze), {}};
    }
    statements << PgStatement{QStringLiteral("rollback"), {}};
    if (parameters > 0) // prepared statements outlive transactions
        statements << PgStatement{QStringLiteral("deallocate opsdeck_generic"), {}};
    return connection.pipeline(statements, PgValues::Text).then([planAt](const PgBatchResult &r) {
        Result<PgResultSet> result = r.value(planAt);
        if (!result && planAt == 4 && !r.value(3)) // the prepare failed: its words, not "no such"
            result = r.value(3);
        if (!result)
            return Result<QueryPlanTree>(result.error());
        return parseExplainJson(result->rows.value(0).value(0).toString().toUtf8());
    });
}

QFuture<Result<PgResultSet>> beginWrite(PgConnection &connection, const QString &sql)
{
    const QList<PgStatement> statements{{QStringLiteral("begin"), {}}, {sql, {}}};
    return connection.pipeline(statements, PgValues::Text).then([](const PgBatchResult &r) {
        return r.value(0).ok() ? r.value(1) : r.value(0);
    });
}

QFuture<Result<QString>> statementText(PgConnection &connection, const QString &queryId)
{
    return connection
        .query(QStringLiteral("select query from pg_stat_statements where queryid = $1::bigint "
                              "limit 1"),
               {queryId}, PgValues::Text)
        .then([queryId](const Result<PgResultSet> &r) {
            if (!r)
                return Result<QString>(r.error());
            const QString sql = r->value(0, QStringLiteral("query")).toString();
            if (sql.isEmpty())
                return Result<QString>::failure(
                    QStringLiteral("pg_stat_statements no longer has statement %1 (reset since "
                                   "the check ran).")
                        .arg(queryId));
            return Result<QString>(sql);
        });
}

QFuture<Result<QString>> endWrite(PgConnection &connection, bool commit)
{
    return connection.query(commit ? QStringLiteral("commit") : QStringLiteral("rollback"))
        .then([](const Result<PgResultSet> &r) {
            return r ? Result<QString>(r->commandStatus) : Result<QString>(r.error());
        });
}

} // namespace Opsdeck::SqlConsole
