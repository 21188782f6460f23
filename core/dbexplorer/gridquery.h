// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pg/pgtypes.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace Opsdeck {

/** One condition of a data grid's filter, run on the server with its value as a parameter. */
struct GridFilter
{
    enum class Op { Equals, NotEquals, Less, Greater, Contains, StartsWith, IsNull, IsNotNull };
    QString column;
    Op op = Op::Equals;
    QString value;
};

/** "=", "contains", "is null": for the filter bar and messages. */
QString gridFilterOpName(GridFilter::Op op);

/**
 * What a data grid shows: a table's rows in key order (or sorted by a column, the key breaking
 * ties), filtered on the server. Pages are read by **keyset**: "the 500 rows after this key",
 * never OFFSET, so the millionth page costs what the first does, and only the pages on screen
 * are held in memory.
 */
struct GridQuery
{
    QString schema;
    QString table;
    QStringList columns;    // the columns shown, in table order
    QStringList keyColumns; // the primary key; empty: the table has none and ctid is used
    QString sortColumn;     // empty: by key
    bool descending = false;
    QList<GridFilter> filters;

    bool byCtid() const { return keyColumns.isEmpty(); }
    /** Where each key column sits in a row of a page (ctid: the hidden last column). */
    QList<int> keyPositions() const;
};

/** Where a page starts: the first or last rows, or the rows just after / before a row. */
enum class PageDirection { First, After, Before, Last };

/** The position of one row in the grid's order: its sort value and key. */
struct RowPosition
{
    QVariant sortValue; // invalid: NULL (or no sort column)
    QStringList key;    // the key columns' values as text (ctid: "(12,3)")
};

/** A row's position, read from a page row. */
RowPosition rowPosition(const GridQuery &query, const QList<QVariant> &row);

/**
 * The statement for one page. Rows come back in the grid's order whatever the direction (the
 * caller reverses Before/Last pages: see pageIsReversed). Values are best read as text
 * (PgValues::Text) so numerics, timestamps and JSON show exactly as PostgreSQL writes them.
 * With ctid paging a hidden last column carries each row's ctid.
 */
PgStatement pageStatement(const GridQuery &query, PageDirection direction,
                          const RowPosition &anchor, int limit);

/** Before and Last pages are read backwards; reverse their rows before showing them. */
inline bool pageIsReversed(PageDirection direction)
{
    return direction == PageDirection::Before || direction == PageDirection::Last;
}

} // namespace Opsdeck
