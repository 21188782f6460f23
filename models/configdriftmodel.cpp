// SPDX-License-Identifier: GPL-3.0-or-later
#include "configdriftmodel.h"

#include "dotenvmodel.h"
#include "statuscolors.h"

#include <QBrush>
#include <QFileInfo>

namespace Opsdeck {

ConfigDriftModel::ConfigDriftModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ConfigDriftModel::setDrift(const QStringList &environments, const QList<DriftRow> &rows)
{
    beginResetModel();
    m_environments = environments;
    m_rows = rows;
    endResetModel();
}

void ConfigDriftModel::setRevealAll(bool reveal)
{
    m_revealAll = reveal;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, FirstEnvironmentColumn),
                         index(rowCount() - 1, columnCount() - 1));
}

int ConfigDriftModel::count(DriftRow::State state) const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [state](const DriftRow &r) { return r.state == state; }));
}

int ConfigDriftModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConfigDriftModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstEnvironmentColumn + int(m_environments.size());
}

QList<DriftInput::Value> ConfigDriftModel::distinctValues(const QList<DriftInput::Value> &values)
{
    // One entry per different value (the first file that has it): web1 and web2 agreeing on
    // PORT while the local file does not reads as two values, not three.
    QList<DriftInput::Value> distinct;
    for (const DriftInput::Value &v : values)
        if (std::none_of(distinct.cbegin(), distinct.cend(), [&v](const DriftInput::Value &d) {
                return d.known == v.known && d.text == v.text;
            }))
            distinct << v;
    return distinct;
}

QVariant ConfigDriftModel::cellText(const DriftRow &row, int environment) const
{
    const std::optional<DriftInput::Value> &cell = row.cells.at(environment);
    if (row.inconsistent.contains(m_environments.value(environment)))
        return describeValues(distinctValues(row.values.at(environment)),
                              row.masked && !m_revealAll ? maskedValue() : QString(), true);
    if (!cell)
        return tr("— missing —");
    if (!cell->known)
        return tr("(in secrets)");
    if (row.masked && !m_revealAll)
        return maskedValue();
    return cell->text;
}

QVariant ConfigDriftModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const DriftRow &row = m_rows.at(index.row());
    const int env = index.column() - FirstEnvironmentColumn;
    if (role == StateRole)
        return int(row.state);
    if (role == SortRole)
        return index.column() == StateColumn ? QVariant(int(row.state))
                                             : data(index, Qt::DisplayRole);
    if (role == Qt::DisplayRole) {
        if (index.column() == KeyColumn)
            return row.key;
        if (index.column() == StateColumn)
            return driftStateName(row.state);
        return cellText(row, env);
    }
    if (role == Qt::DecorationRole && index.column() == StateColumn) {
        switch (row.state) {
        case DriftRow::State::Inconsistent:
            return healthIcon(Health::Critical);
        case DriftRow::State::Missing:
            return healthIcon(Health::Critical);
        case DriftRow::State::Differs:
            return healthIcon(Health::Warning);
        case DriftRow::State::Same:
            return healthIcon(Health::Good);
        case DriftRow::State::Unknown:
            return healthIcon(Health::Unknown);
        }
    }
    if (role == Qt::BackgroundRole && env >= 0) {
        if (!row.cells.at(env) || row.inconsistent.contains(m_environments.value(env)))
            return QBrush(healthColor(Health::Critical).lighter(185));
        if (row.state == DriftRow::State::Differs)
            return QBrush(healthColor(Health::Warning).lighter(175));
    }
    if (role == Qt::ToolTipRole && env >= 0 && !row.values.value(env).isEmpty()) {
        // Every file of the environment that sets the key, so a disagreement can be traced.
        QStringList lines;
        for (const DriftInput::Value &v : row.values.at(env))
            lines << describeValues({v}, row.masked && !m_revealAll ? maskedValue() : QString());
        return lines.join(QLatin1Char('\n'));
    }
    return {};
}

QVariant ConfigDriftModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == KeyColumn)
        return tr("Key");
    if (section == StateColumn)
        return tr("State");
    return m_environments.value(section - FirstEnvironmentColumn);
}

} // namespace Opsdeck
