// SPDX-License-Identifier: GPL-3.0-or-later
#include "gridquery.h"

#include "schemacatalog.h"

namespace Opsdeck {

namespace {

QString likePattern(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return escaped;
}

/** Appends a parameter and returns its placeholder ("$3"). */
QString bind(QVariantList &params, const QVariant &value)
{
    params << value;
    return QLatin1Char('$') + QString::number(params.size());
}

QString filterCondition(const GridFilter &f, QVariantList &params)
{
    const QString column = quoteIdentifier(f.column);
    switch (f.op) {
    case GridFilter::Op::Equals:
        return column + QStringLiteral(" = ") + bind(params, f.value);
    case GridFilter::Op::NotEquals:
        return QStringLiteral("%1 is distinct from %2").arg(column, bind(params, f.value));
    case GridFilter::Op::Less:
        return column + QStringLiteral(" < ") + bind(params, f.value);
    case GridFilter::Op::Greater:
        return column + QStringLiteral(" > ") + bind(params, f.value);
    case GridFilter::Op::Contains:
        return column + QStringLiteral("::text ilike ") +
               bind(params, QString(QLatin1Char('%') + likePattern(f.value) + QLatin1Char('%')));
    case GridFilter::Op::StartsWith:
        return column + QStringLiteral("::text like ") +
               bind(params, QString(likePattern(f.value) + QLatin1Char('%')));
    case GridFilter::Op::IsNull:
        return column + QStringLiteral(" is null");
    case GridFilter::Op::IsNotNull:
        return column + QStringLiteral(" is not null");
    }
    return QStringLiteral("true");
}

QString keyTuple(const GridQuery &q)
{
    if (q.byCtid())
        return QStringLiteral("ctid");
    QStringList quoted;
    for (const QString &k : q.keyColumns)
        quoted << quoteIdentifier(k);
    return QLatin1Char('(') + quoted.join(QStringLiteral(", ")) + QLatin1Char(')');
}

QString anchorTuple(const GridQuery &q, const RowPosition &anchor, QVariantList &params)
{
    if (q.byCtid())
        return bind(params, anchor.key.value(0)) + QStringLiteral("::tid");
    QStringList placeholders;
    for (qsizetype i = 0; i < q.keyColumns.size(); ++i)
        placeholders << bind(params, anchor.key.value(i));
    return QLatin1Char('(') + placeholders.join(QStringLiteral(", ")) + QLatin1Char(')');
}

/**
 * "After/before this row" in the grid's order. With a sort column NULLs sort last (forward),
 * so a row comparison is not enough: a NULL sort value compares as unknown, and the condition
 * is spelled out for both cases.
 */
QString anchorCondition(const GridQuery &q, bool forward, bool ascendingScan,
                        const RowPosition &anchor, QVariantList &params)
{
    const QString op = ascendingScan ? QStringLiteral(">") : QStringLiteral("<");
    const QString byKey =
        QStringLiteral("%1 %2 %3").arg(keyTuple(q), op, anchorTuple(q, anchor, params));
    if (q.sortColumn.isEmpty())
        return byKey;
    const QString sort = quoteIdentifier(q.sortColumn);
    if (anchor.sortValue.isNull())
        return forward ? QStringLiteral("(%1 is null and %2)").arg(sort, byKey)
                       : QStringLiteral("(%1 is not null or (%1 is null and %2))").arg(sort, byKey);
    const QString value = bind(params, anchor.sortValue);
    const QString afterSort =
        QStringLiteral("%1 %2 %3 or (%1 = %3 and %4)").arg(sort, op, value, byKey);
    return forward ? QStringLiteral("(%1 or %2 is null)").arg(afterSort, sort)
                   : QLatin1Char('(') + afterSort + QLatin1Char(')');
}

QString orderBy(const GridQuery &q, bool forward, bool ascendingScan)
{
    const QString direction = ascendingScan ? QStringLiteral(" asc") : QStringLiteral(" desc");
    QStringList terms;
    if (!q.sortColumn.isEmpty())
        terms << quoteIdentifier(q.sortColumn) + direction +
                     (forward ? QStringLiteral(" nulls last") : QStringLiteral(" nulls first"));
    if (q.byCtid())
        terms << QStringLiteral("ctid") + direction;
    for (const QString &k : q.keyColumns)
        terms << quoteIdentifier(k) + direction;
    return terms.join(QStringLiteral(", "));
}

} // namespace

QString gridFilterOpName(GridFilter::Op op)
{
    switch (op) {
    case GridFilter::Op::Equals:
        return QStringLiteral("=");
    case GridFilter::Op::NotEquals:
        return QStringLiteral("≠");
    case GridFilter::Op::Less:
        return QStringLiteral("<");
    case GridFilter::Op::Greater:
        return QStringLiteral(">");
    case GridFilter::Op::Contains:
        return QStringLiteral("contains");
    case GridFilter::Op::StartsWith:
        return QStringLiteral("starts with");
    case GridFilter::Op::IsNull:
        return QStringLiteral("is NULL");
    case GridFilter::Op::IsNotNull:
        return QStringLiteral("is not NULL");
    }
    return {};
}

QList<int> GridQuery::keyPositions() const
{
    if (byCtid())
        return {int(columns.size())};
    QList<int> positions;
    for (const QString &k : keyColumns)
        positions << int(columns.indexOf(k));
    return positions;
}

RowPosition rowPosition(const GridQuery &query, const QList<QVariant> &row)
{
    RowPosition p;
    if (!query.sortColumn.isEmpty())
        p.sortValue = row.value(query.columns.indexOf(query.sortColumn));
    for (int i : query.keyPositions())
        p.key << row.value(i).toString();
    return p;
}

PgStatement pageStatement(const GridQuery &query, PageDirection direction,
                          const RowPosition &anchor, int limit)
{
    const bool forward = !pageIsReversed(direction);
    const bool ascendingScan = forward != query.descending;
    PgStatement s;
    QStringList select;
    for (const QString &c : query.columns)
        select << quoteIdentifier(c);
    if (query.byCtid())
        select << QStringLiteral("ctid");
    QStringList where;
    for (const GridFilter &f : query.filters)
        where << filterCondition(f, s.params);
    if (direction == PageDirection::After || direction == PageDirection::Before)
        where << anchorCondition(query, forward, ascendingScan, anchor, s.params);
    s.sql = QStringLiteral("select %1 from %2.%3")
                .arg(select.join(QStringLiteral(", ")), quoteIdentifier(query.schema),
                     quoteIdentifier(query.table));
    if (!where.isEmpty())
        s.sql += QStringLiteral(" where ") + where.join(QStringLiteral(" and "));
    s.sql += QStringLiteral(" order by %1 limit %2")
                 .arg(orderBy(query, forward, ascendingScan))
                 .arg(limit);
    return s;
}

} // namespace Opsdeck
