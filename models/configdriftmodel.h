// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config/configdrift.h"

#include <QAbstractTableModel>
#include <QSet>

namespace Opsdeck {

/**
 * Config drift as a table: key, state, then one column per environment. Missing cells and
 * differing rows are coloured; masked values stay masked (the state still says whether they
 * differ) until revealed; a secret's value from sops is never shown here at all.
 */
class ConfigDriftModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { KeyColumn, StateColumn, FirstEnvironmentColumn };
    /** SortRole: the state column sorts by how much attention a key needs (files disagreeing
     * first), the others by their text. */
    enum Role { StateRole = Qt::UserRole + 1, SortRole };

    explicit ConfigDriftModel(QObject *parent = nullptr);

    void setDrift(const QStringList &environments, const QList<DriftRow> &rows);
    const QList<DriftRow> &rows() const { return m_rows; }
    const QStringList &environments() const { return m_environments; }
    void setRevealAll(bool reveal);
    /** Counts per state, for the summary line. */
    int count(DriftRow::State state) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    static QList<DriftInput::Value> distinctValues(const QList<DriftInput::Value> &values);
    QVariant cellText(const DriftRow &row, int environment) const;

    QStringList m_environments;
    QList<DriftRow> m_rows;
    bool m_revealAll = false;
};

} // namespace Opsdeck
