// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbhealth/healthreport.h"

#include <QAbstractTableModel>

namespace Opsdeck {

/** One row per check (fixed catalogue order), updated in place on every refresh. */
class CheckResultsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Verdict_, Title, Summary, ColumnCount };
    enum Role { VerdictRole = Qt::UserRole + 1, NameRole };

    explicit CheckResultsModel(QObject *parent = nullptr);

    void setReport(const HealthReport &report);
    const HealthReport &report() const { return m_report; }
    const CheckResult *check(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    HealthReport m_report;
};

} // namespace Opsdeck
