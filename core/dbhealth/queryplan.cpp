// SPDX-License-Identifier: GPL-3.0-or-later
#include "queryplan.h"

#include "pg/pgconnection.h"

#include <QFuture>
#include <QRegularExpression>

namespace Opsdeck::QueryPlan {

namespace {

/** The query without leading whitespace and SQL comments, so the first word is its verb. */
QString withoutLeadingComments(QString text)
{
    static const QRegularExpression leading(QStringLiteral(R"(^(\s+|--[^\n]*(\n|$)|/\*.*?\*/)+)"),
                                            QRegularExpression::DotMatchesEverythingOption);
    return text.remove(leading);
}

} // namespace

QString whyNotExplainable(const QString &query, bool placeholdersAllowed)
{
    const QString text = withoutLeadingComments(query);
    if (text.isEmpty())
        return QStringLiteral("the session shows no query text");
    // The statements EXPLAIN accepts (PostgreSQL 15's grammar: ExplainableStmt).
    static const QRegularExpression explainable(
        QStringLiteral(R"(^(select|insert|update|delete|merge|values|execute|declare|with|table|)"
                       R"(create\s+(unlogged\s+|temp(orary)?\s+)?table\s.*\sas\s|)"
                       R"(create\s+materialized\s+view\s.*\sas\s|\())"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    if (!explainable.match(text).hasMatch()) {
        const QString verb = text.section(QRegularExpression(QStringLiteral("\\s")), 0, 0);
        return QStringLiteral("%1 statements have no plan: EXPLAIN accepts SELECT, INSERT, "
                              "UPDATE, DELETE, MERGE, VALUES, EXECUTE, DECLARE and CREATE … AS")
            .arg(verb.toUpper());
    }
    static const QRegularExpression parameter(QStringLiteral(R"(\$\d+)"));
    if (!placeholdersAllowed && parameter.match(text).hasMatch())
        return QStringLiteral("the query uses bind parameters ($1, …) whose values "
                              "pg_stat_activity does not show, so it cannot be planned as is");
    return {};
}

QFuture<Result<QString>> explain(PgConnection &connection, const QString &query)
{
    if (const QString why = whyNotExplainable(query); !why.isEmpty())
        return QtFuture::makeReadyFuture(Result<QString>::failure(why));
    return connection.query(QStringLiteral("explain ") + withoutLeadingComments(query))
        .then([](const Result<PgResultSet> &r) {
            if (!r)
                return Result<QString>::failure(r.errorString());
            QStringList plan;
            for (const QList<QVariant> &line : r->rows)
                plan << line.value(0).toString();
            return Result<QString>(plan.join(QLatin1Char('\n')));
        });
}

} // namespace Opsdeck::QueryPlan
