// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pg/pgtypes.h"

#include <QAbstractTableModel>

namespace Opsdeck {

/**
 * Rows of a query or a table page, as the server wrote them (PgValues::Text). NULL shows as a
 * grey italic "NULL", never as an empty string; a long value shows its first line, cut, and
 * the whole value is under FullValueRole for the side viewer and copying. Holds only what it is
 * given: the data grid gives it a window of pages, the console at most its row cap.
 */
class ResultRowsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Roles { FullValueRole = Qt::UserRole + 1, IsNullRole };
    static constexpr int kShownCharacters = 200;

    explicit ResultRowsModel(QObject *parent = nullptr);

    void setResult(const QStringList &columns, QList<QList<QVariant>> rows);
    void appendRows(const QList<QList<QVariant>> &rows);
    void clear();

    const QStringList &columns() const { return m_columns; }
    const QList<QList<QVariant>> &rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /** The selection as text: TSV, CSV, JSON (array of objects) or INSERT statements. */
    enum class CopyFormat { Tsv, Csv, Json, Insert };
    QString copyText(const QModelIndexList &cells, CopyFormat format,
                     const QString &table = QStringLiteral("t")) const;

private:
    QStringList m_columns;
    QList<QList<QVariant>> m_rows;
};

} // namespace Opsdeck
