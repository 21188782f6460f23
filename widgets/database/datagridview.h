// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/futures.h"
#include "dbexplorer/gridquery.h"
#include "dbexplorer/tabledetails.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace Opsdeck {

class DatabaseSession;
class ResultRowsModel;
class TableExportJob;

/**
 * A table's rows, one page of 500 at a time, read by key (never OFFSET, never the whole table):
 * First / Previous / Next / Last, a sort (click a header) and a filter that run on the server,
 * NULL shown as NULL, the selected value whole in a side viewer (JSON indented), copy as
 * TSV/CSV/JSON/INSERT, and an export of every filtered row to CSV, streamed page by page.
 */
class DataGridView final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kPageSize = 500;

    DataGridView(DatabaseSession *session, QWidget *parent = nullptr);
    ~DataGridView() override;

    /** Shows the first page of the object (a table, view or materialized view). */
    void showObject(const ObjectDetails &details);
    void clear(const QString &why);

    void firstPage() { load(PageDirection::First); }
    void lastPage() { load(PageDirection::Last); }
    void nextPage();
    void previousPage();
    void setSort(const QString &column, bool descending);
    void setFilter(const GridFilter &filter);
    /** Every filtered row to `path` as CSV, page by page; progress in the status line. */
    void exportCsv(const QString &path);

    const GridQuery &query() const { return m_query; }
    ResultRowsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLabel *status() const { return m_status; }
    QPlainTextEdit *valueViewer() const { return m_viewer; }
    bool isLoading() const { return m_request.isInFlight(); }
    /** Whether Next / Previous would show another page (the buttons' state). */
    bool canGoNext() const { return !m_atEnd; }
    bool canGoPrevious() const { return !m_atStart; }

signals:
    /** A page came in, or a turn found no more rows that way (the page shown stays). */
    void pageShown();
    /** "Export CSV…" was clicked: the pane asks where, then calls exportCsv(). */
    void exportRequested();
    void exportFinished(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void load(PageDirection direction, const RowPosition &anchor = {});
    void showPage(PageDirection direction, const PgResultSet &page);
    void applyFilterBar();
    void showSelectedValue();
    void copySelection(int format);
    void updateButtons();

    DatabaseSession *m_session;
    GridQuery m_query;
    double m_estimatedRows = -1;
    qint64 m_firstRowNumber = 0; // of the page shown, 1-based; 0 when unknown (after Last)
    bool m_atStart = true;
    bool m_atEnd = true;
    ResultRowsModel *m_model;
    QTableView *m_table;
    QPlainTextEdit *m_viewer;
    QComboBox *m_filterColumn;
    QComboBox *m_filterOp;
    QLineEdit *m_filterValue;
    QPushButton *m_first;
    QPushButton *m_previous;
    QPushButton *m_next;
    QPushButton *m_last;
    QPushButton *m_export;
    QLabel *m_status;
    LatestRequest m_request{this};
    QPointer<TableExportJob> m_exportJob; // a Job: the Jobs view lists it too
};

} // namespace Opsdeck
