// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbhealth/healthreport.h"

#include <QWidget>

class QPushButton;
class QTableView;
class QTextBrowser;
class QSortFilterProxyModel;

namespace Opsdeck {

class CheckResultsModel;

/** Every check with its verdict; the selected one's explanation, thresholds, objects and fix SQL.
 */
class ChecksPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ChecksPanel(QWidget *parent = nullptr);

    void setReport(const HealthReport &report);
    CheckResultsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    void selectCheck(const QString &name);
    QString detailText() const;

signals:
    /** A slow statement's plan was asked for: "pg_stat_statements:QUERYID". */
    void planRequested(const QString &statement);

private:
    void showSelected();

    CheckResultsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QTextBrowser *m_detail;
    QPushButton *m_copyFix;
};

} // namespace Opsdeck
