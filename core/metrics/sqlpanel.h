// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pg/pgtypes.h"
#include "timeseries.h"

#include <QFuture>

namespace Opsdeck {

class DatabaseSession;

/**
 * SQL panels, Grafana's way: the query may use $__timeFrom, $__timeTo, $__interval (an
 * interval of the step), $__timeFilter(column) and $__timeGroup(column); they become literals
 * for the panel's range and step.
 */
QString expandSqlMacros(const QString &sql, const QueryGrid &grid);

/**
 * Rows to series. With a time column ("time", or the first column whose values read as times)
 * every numeric column is a series, split by a text column when there is one (like Grafana's
 * "metric" column), placed on the grid's steps. Without one, each numeric column of the first
 * row is one value (a stat).
 */
PanelResult sqlPanelResult(const Result<PgResultSet> &rows, const QueryGrid &grid);

/**
 * A panel's SQL, macros expanded, on `database` (connected first if need be), as the panel's
 * result; a session closed before the answer is an error. The time includes the wait for the
 * connection: it is what the user waited.
 */
QFuture<PanelResult> querySqlPanel(DatabaseSession &database, const QString &sql,
                                   const QueryGrid &grid);

/** A time as PostgreSQL prints it ("2026-11-23 10:15:00.25+01"), or epoch seconds/ms. */
std::optional<qint64> parseSqlTimeMs(const QVariant &value);

} // namespace Opsdeck
