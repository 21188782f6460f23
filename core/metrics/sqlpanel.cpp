// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlpanel.h"

#include "runtime/databasesession.h"

#include <QElapsedTimer>
#include <QRegularExpression>

#include <limits>
#include <memory>
#include <optional>

namespace Opsdeck {

QString expandSqlMacros(const QString &sql, const QueryGrid &grid)
{
    const QString from =
        QStringLiteral("to_timestamp(%1)").arg(double(grid.startMs) / 1000.0, 0, 'f', 3);
    // The last step is a bucket [end, end + step): rows in it count.
    const QString to = QStringLiteral("to_timestamp(%1)")
                           .arg(double(grid.endMs + grid.stepMs) / 1000.0, 0, 'f', 3);
    const QString stepSeconds = QString::number(double(grid.stepMs) / 1000.0, 'f', 3);
    QString out = sql;
    static const QRegularExpression filter(QStringLiteral("\\$__timeFilter\\(([^)]+)\\)"));
    static const QRegularExpression group(QStringLiteral("\\$__timeGroup\\(([^)]+)\\)"));
    out.replace(filter, QStringLiteral("\\1 between %1 and %2").arg(from, to));
    out.replace(
        group,
        QStringLiteral("to_timestamp(floor(extract(epoch from \\1) / %1) * %1)").arg(stepSeconds));
    out.replace(QStringLiteral("$__timeFrom"), from);
    out.replace(QStringLiteral("$__timeTo"), to);
    out.replace(QStringLiteral("$__interval"),
                QStringLiteral("interval '%1 seconds'").arg(stepSeconds));
    return out;
}

std::optional<qint64> parseSqlTimeMs(const QVariant &value)
{
    if (!value.isValid())
        return std::nullopt;
    const QString text = value.toString().trimmed();
    bool isNumber = false;
    const double number = text.toDouble(&isNumber);
    if (isNumber) // epoch seconds, or milliseconds when it is that big
        return number > 1e11 ? qint64(number) : qint64(number * 1000.0);
    // ISO style: 2026-11-23 10:15:00[.fraction][+HH[:MM]]
    static const QRegularExpression re(QStringLiteral(
        "^(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?([+-]\\d{2})(?::?(\\d{2}))?$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch()) {
        const QDate date = QDate::fromString(text, Qt::ISODate); // a plain date
        return date.isValid() ? std::optional<qint64>(
                                    QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch())
                              : std::nullopt;
    }
    QDateTime t =
        QDateTime::fromString(m.captured(1) + QLatin1Char('T') + m.captured(2), Qt::ISODate);
    t.setTimeSpec(Qt::UTC);
    if (!t.isValid())
        return std::nullopt;
    const int sign = m.captured(4).startsWith(QLatin1Char('-')) ? -1 : 1;
    const int offsetSeconds =
        sign * (m.captured(4).mid(1).toInt() * 3600 + m.captured(5).toInt() * 60);
    const double fraction = m.captured(3).isEmpty() ? 0 : m.captured(3).toDouble();
    return t.toMSecsSinceEpoch() - qint64(offsetSeconds) * 1000 + qint64(fraction * 1000.0);
}

namespace {

bool isNumeric(const QVariant &v)
{
    bool ok = false;
    if (!v.isValid())
        return false;
    v.toString().toDouble(&ok);
    return ok;
}

int findTimeColumn(const PgResultSet &rs)
{
    if (const int named = rs.column(QStringLiteral("time")); named >= 0)
        return named;
    if (rs.rowCount() == 0)
        return -1;
    for (int c = 0; c < rs.columns.size(); ++c) {
        const QVariant v = rs.rows.first().at(c);
        if (!isNumeric(v) && parseSqlTimeMs(v))
            return c;
    }
    return -1;
}

} // namespace

PanelResult sqlPanelResult(const Result<PgResultSet> &rows, const QueryGrid &grid)
{
    PanelResult result;
    result.grid = grid;
    if (!rows) {
        result.error = rows.errorString();
        return result;
    }
    const PgResultSet &rs = *rows;
    const int timeColumn = findTimeColumn(rs);
    QList<int> numeric;
    int labelColumn = -1;
    for (int c = 0; c < rs.columns.size(); ++c) {
        if (c == timeColumn)
            continue;
        bool anyNumber = false, anyText = false;
        for (const QList<QVariant> &row : rs.rows) {
            if (!row.at(c).isValid())
                continue;
            (isNumeric(row.at(c)) ? anyNumber : anyText) = true;
        }
        if (anyNumber && !anyText)
            numeric << c;
        else if (anyText && labelColumn < 0)
            labelColumn = c;
    }
    if (numeric.isEmpty()) {
        result.error =
            rs.rowCount() == 0 ? QString() : QStringLiteral("the query returns no numeric column");
        return result;
    }
    if (timeColumn < 0) { // a stat: the first row's values
        for (const int c : numeric) {
            TimeSeries s;
            s.name = rs.columns.at(c);
            s.grid = {grid.endMs, grid.endMs, grid.stepMs};
            s.values = {rs.rowCount() ? rs.rows.first().at(c).toDouble() : NAN};
            result.series << s;
        }
        return result;
    }
    QMap<QString, TimeSeries> byName;
    for (const QList<QVariant> &row : rs.rows) {
        const std::optional<qint64> t = parseSqlTimeMs(row.at(timeColumn));
        if (!t)
            continue;
        const qint64 index =
            grid.stepMs > 0 ? qRound64(double(*t - grid.startMs) / double(grid.stepMs)) : -1;
        if (index < 0 || index >= grid.points())
            continue;
        for (const int c : numeric) {
            QString name = rs.columns.at(c);
            if (labelColumn >= 0)
                name = numeric.size() == 1
                           ? row.at(labelColumn).toString()
                           : row.at(labelColumn).toString() + QLatin1Char(' ') + name;
            TimeSeries &s = byName[name];
            if (s.values.empty()) {
                s.name = name;
                s.grid = grid;
                s.values.assign(std::size_t(grid.points()),
                                std::numeric_limits<double>::quiet_NaN());
            }
            if (row.at(c).isValid())
                s.values[std::size_t(index)] = row.at(c).toDouble();
        }
    }
    result.series = byName.values();
    return result;
}

QFuture<PanelResult> querySqlPanel(DatabaseSession &database, const QString &sql,
                                   const QueryGrid &grid)
{
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    return database.query(expandSqlMacros(sql, grid))
        .then([grid, clock](const Result<PgResultSet> &rows) {
            PanelResult r = sqlPanelResult(rows, grid);
            r.elapsedMs = clock->elapsed();
            return r;
        })
        .onCanceled([grid] {
            PanelResult closed;
            closed.grid = grid;
            closed.error = QStringLiteral("no answer: the database session was closed");
            return closed;
        });
}

} // namespace Opsdeck
