// SPDX-License-Identifier: GPL-3.0-or-later
#include "resultrowsmodel.h"

#include "common/csv.h"
#include "dbexplorer/schemacatalog.h"

#include <QColor>
#include <QFont>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>

namespace Opsdeck {

namespace {

QString sqlLiteral(const QVariant &value)
{
    if (value.isNull())
        return QStringLiteral("NULL");
    QString text = value.toString();
    text.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

} // namespace

ResultRowsModel::ResultRowsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ResultRowsModel::setResult(const QStringList &columns, QList<QList<QVariant>> rows)
{
    beginResetModel();
    m_columns = columns;
    m_rows = std::move(rows);
    endResetModel();
}

void ResultRowsModel::appendRows(const QList<QList<QVariant>> &rows)
{
    if (rows.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size() - 1));
    m_rows += rows;
    endInsertRows();
}

void ResultRowsModel::clear()
{
    setResult({}, {});
}

int ResultRowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ResultRowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant ResultRowsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const QVariant value = m_rows.at(index.row()).value(index.column());
    switch (role) {
    case Qt::DisplayRole: {
        if (value.isNull())
            return QStringLiteral("NULL");
        const QString text = value.toString();
        const qsizetype newline = text.indexOf(QLatin1Char('\n'));
        if (newline < 0 && text.size() <= kShownCharacters)
            return text;
        return QString(
            text.left(std::min<qsizetype>(newline < 0 ? text.size() : newline, kShownCharacters)) +
            QStringLiteral(" …"));
    }
    case Qt::ToolTipRole:
        return value.isNull() ? QStringLiteral("NULL") : value.toString().left(2000);
    case FullValueRole:
        return value;
    case IsNullRole:
        return value.isNull();
    case Qt::ForegroundRole:
        return value.isNull() ? QVariant(QColor(0x80, 0x80, 0x80)) : QVariant();
    case Qt::FontRole:
        if (value.isNull()) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    default:
        return {};
    }
}

QVariant ResultRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    return m_columns.value(section);
}

QString ResultRowsModel::copyText(const QModelIndexList &cells, CopyFormat format,
                                  const QString &table) const
{
    // Rows and columns of the selection, in order, whatever order they were selected in.
    std::map<int, std::map<int, QVariant>> grid;
    for (const QModelIndex &cell : cells)
        if (cell.isValid())
            grid[cell.row()][cell.column()] = m_rows.value(cell.row()).value(cell.column());
    QStringList lines;
    QJsonArray json;
    for (const auto &[row, values] : grid) {
        QStringList fields;
        QStringList names;
        QJsonObject object;
        for (const auto &[column, value] : values) {
            names << quoteIdentifier(m_columns.value(column));
            switch (format) {
            case CopyFormat::Tsv:
                fields << (value.isNull() ? QString() : value.toString());
                break;
            case CopyFormat::Csv:
                fields << csvField(value);
                break;
            case CopyFormat::Insert:
                fields << sqlLiteral(value);
                break;
            case CopyFormat::Json:
                object.insert(m_columns.value(column),
                              value.isNull() ? QJsonValue() : QJsonValue(value.toString()));
                break;
            }
        }
        if (format == CopyFormat::Json)
            json.append(object);
        else if (format == CopyFormat::Insert)
            lines << QStringLiteral("INSERT INTO %1 (%2) VALUES (%3);")
                         .arg(table, names.join(QStringLiteral(", ")),
                              fields.join(QStringLiteral(", ")));
        else
            lines << fields.join(format == CopyFormat::Tsv ? QLatin1Char('\t') : QLatin1Char(','));
    }
    if (format == CopyFormat::Json)
        return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Indented));
    return lines.join(QLatin1Char('\n'));
}

} // namespace Opsdeck
