// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbhealth/activity.h"
#include "dbhealth/backendaction.h"

#include <QWidget>

#include <functional>

class QCheckBox;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Opsdeck {

class ActivityModel;

/** Live backends: filter, sort, and cancel or terminate the selected one (the pane acts). */
class ActivityPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ActivityPanel(QWidget *parent = nullptr);

    void setRows(const QList<ActivityRow> &rows);
    ActivityModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *filter() const { return m_filter; }
    /** The selected backend, if any. */
    std::optional<ActivityRow> selected() const;
    bool showIdle() const;
    /** Every database of the server, not only the environment's own (off by default). */
    bool wholeCluster() const;
    bool selectPid(int pid);
    /** The environment's PostgreSQL log source: "Its log lines" shows when there is one. */
    void setLogSource(const QString &source);

signals:
    void signalRequested(const Opsdeck::ActivityRow &row, Opsdeck::BackendSignal signal);
    void explainRequested(const Opsdeck::ActivityRow &row);
    void logRequested(const Opsdeck::ActivityRow &row);
    void showIdleChanged(bool show);
    void wholeClusterChanged(bool wholeCluster);

private:
    void updateButtons();
    void rememberSelection();
    /** Runs a change of rows or filter, then selects the same backend again (or nothing). */
    void keepingSelection(const std::function<void()> &change);

    ActivityModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
    QCheckBox *m_showIdle;
    QCheckBox *m_wholeCluster;
    QPushButton *m_cancel;
    QPushButton *m_terminate;
    QPushButton *m_explain;
    QPushButton *m_log;
    // The backend the user picked (pid + start time: a reused pid is another backend). Rows
    // move, vanish and come back under a filter; the selection follows this, never a row number.
    int m_selectedPid = 0;
    QString m_selectedStart;
    bool m_restoringSelection = false;
};

} // namespace Opsdeck
