// SPDX-License-Identifier: GPL-3.0-or-later
#include "datagridview.h"

#include "dbexplorer/tableexport.h"
#include "pg/pgconnection.h"
#include "resultrowsmodel.h"
#include "runtime/databasesession.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace Opsdeck {

namespace {

const GridFilter::Op kOps[] = {GridFilter::Op::Contains,  GridFilter::Op::Equals,
                               GridFilter::Op::NotEquals, GridFilter::Op::Less,
                               GridFilter::Op::Greater,   GridFilter::Op::StartsWith,
                               GridFilter::Op::IsNull,    GridFilter::Op::IsNotNull};

QString prettyValue(const QVariant &value)
{
    if (value.isNull())
        return QStringLiteral("NULL");
    const QString text = value.toString();
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(QLatin1Char('{')) || trimmed.startsWith(QLatin1Char('['))) {
        const QJsonDocument json = QJsonDocument::fromJson(trimmed.toUtf8());
        if (!json.isNull())
            return QString::fromUtf8(json.toJson(QJsonDocument::Indented));
    }
    return text;
}

} // namespace

DataGridView::DataGridView(DatabaseSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new ResultRowsModel(this))
    , m_table(new QTableView(this))
    , m_viewer(new QPlainTextEdit(this))
    , m_filterColumn(new QComboBox(this))
    , m_filterOp(new QComboBox(this))
    , m_filterValue(new QLineEdit(this))
    , m_first(new QPushButton(QStringLiteral("First"), this))
    , m_previous(new QPushButton(QStringLiteral("◀ Previous"), this))
    , m_next(new QPushButton(QStringLiteral("Next ▶"), this))
    , m_last(new QPushButton(QStringLiteral("Last"), this))
    , m_export(new QPushButton(QStringLiteral("Export CSV…"), this))
    , m_status(new QLabel(this))
{
    for (GridFilter::Op op : kOps)
        m_filterOp->addItem(gridFilterOpName(op));
    m_filterValue->setPlaceholderText(QStringLiteral("value (runs on the server)"));
    m_filterValue->setClearButtonEnabled(true);
    auto *filterBar = new QHBoxLayout;
    filterBar->addWidget(new QLabel(QStringLiteral("Filter:"), this));
    filterBar->addWidget(m_filterColumn);
    filterBar->addWidget(m_filterOp);
    filterBar->addWidget(m_filterValue, 1);
    auto *pager = new QHBoxLayout;
    for (QPushButton *b : {m_first, m_previous, m_next, m_last})
        pager->addWidget(b);
    pager->addWidget(m_status, 1);
    pager->addWidget(m_export);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setSectionsClickable(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setWordWrap(false);
    m_viewer->setReadOnly(true);
    m_viewer->setPlaceholderText(QStringLiteral("Select a cell to see its whole value"));
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(m_viewer);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filterBar);
    layout->addWidget(split, 1);
    layout->addLayout(pager);

    connect(m_first, &QPushButton::clicked, this, &DataGridView::firstPage);
    connect(m_last, &QPushButton::clicked, this, &DataGridView::lastPage);
    connect(m_next, &QPushButton::clicked, this, &DataGridView::nextPage);
    connect(m_previous, &QPushButton::clicked, this, &DataGridView::previousPage);
    connect(m_filterValue, &QLineEdit::returnPressed, this, &DataGridView::applyFilterBar);
    connect(m_filterOp, &QComboBox::currentIndexChanged, this, [this] {
        const GridFilter::Op op = kOps[m_filterOp->currentIndex()];
        m_filterValue->setEnabled(op != GridFilter::Op::IsNull && op != GridFilter::Op::IsNotNull);
        if (!m_filterValue->isEnabled() || !m_filterValue->text().isEmpty())
            applyFilterBar();
    });
    connect(m_filterValue, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty() && !m_query.filters.isEmpty())
            applyFilterBar(); // the clear button drops the filter
    });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int section) {
        const QString column = m_query.columns.value(section);
        setSort(column, column == m_query.sortColumn && !m_query.descending);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &DataGridView::showSelectedValue);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        QMenu menu(this);
        const char *formats[] = {"Copy as TSV", "Copy as CSV", "Copy as JSON", "Copy as INSERT"};
        for (int f = 0; f < 4; ++f)
            menu.addAction(QLatin1String(formats[f]), this, [this, f] { copySelection(f); });
        menu.exec(m_table->viewport()->mapToGlobal(at));
    });
    // QTableView handles Ctrl+C itself (the current cell only), before any shortcut sees it.
    m_table->installEventFilter(this);
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (m_exportJob) // the button reads "Stop export"
            return m_exportJob->cancel();
        emit exportRequested();
    });
    clear(QStringLiteral("Select a table or view to see its rows."));
}

DataGridView::~DataGridView() = default; // an unfinished export is deleted with its file

bool DataGridView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->matches(QKeySequence::Copy)) {
        copySelection(0);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void DataGridView::showObject(const ObjectDetails &details)
{
    m_query = GridQuery();
    m_query.schema = details.object.schema;
    m_query.table = details.object.name;
    for (const ColumnInfo &c : details.columns)
        m_query.columns << c.name;
    // Views have no key and no ctid worth paging by: their pages go by every column instead.
    m_query.keyColumns = details.primaryKey();
    if (m_query.keyColumns.isEmpty() && details.object.kind == CatalogKind::View)
        m_query.keyColumns = m_query.columns;
    m_estimatedRows = details.object.estimatedRows;
    m_filterColumn->clear();
    m_filterColumn->addItems(m_query.columns);
    m_filterValue->clear();
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    load(PageDirection::First);
}

void DataGridView::clear(const QString &why)
{
    m_request.forget();
    m_query = GridQuery();
    m_model->clear();
    m_status->setText(why);
    m_atStart = m_atEnd = true;
    updateButtons();
}

void DataGridView::nextPage()
{
    if (!m_model->rows().isEmpty() && !m_atEnd)
        load(PageDirection::After, rowPosition(m_query, m_model->rows().last()));
}

void DataGridView::previousPage()
{
    if (!m_model->rows().isEmpty() && !m_atStart)
        load(PageDirection::Before, rowPosition(m_query, m_model->rows().first()));
}

void DataGridView::setSort(const QString &column, bool descending)
{
    m_query.sortColumn = column;
    m_query.descending = descending;
    m_table->horizontalHeader()->setSortIndicator(int(m_query.columns.indexOf(column)),
                                                  descending ? Qt::DescendingOrder
                                                             : Qt::AscendingOrder);
    load(PageDirection::First);
}

void DataGridView::setFilter(const GridFilter &filter)
{
    m_query.filters.clear();
    if (!filter.column.isEmpty())
        m_query.filters << filter;
    load(PageDirection::First);
}

void DataGridView::applyFilterBar()
{
    const GridFilter::Op op = kOps[std::max(0, m_filterOp->currentIndex())];
    const bool needsValue = op != GridFilter::Op::IsNull && op != GridFilter::Op::IsNotNull;
    if (needsValue && m_filterValue->text().isEmpty())
        setFilter({});
    else
        setFilter({m_filterColumn->currentText(), op, m_filterValue->text()});
}

void DataGridView::load(PageDirection direction, const RowPosition &anchor)
{
    if (m_query.table.isEmpty() || !m_session)
        return;
    m_status->setText(QStringLiteral("Reading rows…"));
    const PgStatement statement = pageStatement(m_query, direction, anchor, kPageSize);
    m_request.start(m_session->query(statement.sql, statement.params, PgValues::Text),
                    [this, direction](const Result<PgResultSet> &page) {
                        if (!page) {
                            m_status->setText(page.errorString());
                            return;
                        }
                        showPage(direction, *page);
                    });
}

void DataGridView::showPage(PageDirection direction, const PgResultSet &page)
{
    QList<QList<QVariant>> rows = page.rows;
    if (pageIsReversed(direction))
        std::reverse(rows.begin(), rows.end());
    const bool full = rows.size() >= kPageSize;
    if (rows.isEmpty() &&
        (direction == PageDirection::After || direction == PageDirection::Before)) {
        // Rows went away since the page was read (or it ended exactly at a page): stay.
        (direction == PageDirection::After ? m_atEnd : m_atStart) = true;
        updateButtons();
        m_status->setText(QStringLiteral("No more rows that way."));
        emit pageShown(); // the same page, still current
        return;
    }
    const qint64 shownBefore = m_model->rowCount();
    switch (direction) {
    case PageDirection::First:
        m_firstRowNumber = 1;
        m_atStart = true;
        m_atEnd = !full;
        break;
    case PageDirection::Last:
        m_firstRowNumber = 0;
        m_atEnd = true;
        m_atStart = !full;
        break;
    case PageDirection::After:
        m_firstRowNumber = m_firstRowNumber ? m_firstRowNumber + shownBefore : 0;
        m_atStart = false;
        m_atEnd = !full;
        break;
    case PageDirection::Before:
        m_firstRowNumber =
            m_firstRowNumber ? std::max<qint64>(1, m_firstRowNumber - rows.size()) : 0;
        m_atEnd = false;
        m_atStart = !full;
        break;
    }
    m_model->setResult(m_query.columns, rows);
    m_table->resizeColumnsToContents();
    for (int c = 0; c < m_model->columnCount(); ++c)
        m_table->setColumnWidth(c, std::min(m_table->columnWidth(c), 360));
    const QLocale locale;
    QString where =
        m_firstRowNumber
            ? QStringLiteral("Rows %1–%2")
                  .arg(locale.toString(m_firstRowNumber),
                       locale.toString(m_firstRowNumber + rows.size() - 1))
            : QStringLiteral("The last %1 rows").arg(locale.toString(qint64(rows.size())));
    if (rows.isEmpty())
        where = m_query.filters.isEmpty() ? QStringLiteral("The table is empty")
                                          : QStringLiteral("No rows match the filter");
    if (m_estimatedRows >= 0 && m_query.filters.isEmpty())
        where += QStringLiteral(" of about %1").arg(locale.toString(qint64(m_estimatedRows)));
    where += QStringLiteral(" · by %1")
                 .arg(m_query.sortColumn.isEmpty()
                          ? (m_query.byCtid() ? QStringLiteral("physical order (no primary key)")
                                              : m_query.keyColumns.join(QStringLiteral(", ")))
                          : m_query.sortColumn);
    if (m_query.descending)
        where += QStringLiteral(", descending");
    m_status->setText(where);
    updateButtons();
    emit pageShown();
}

void DataGridView::updateButtons()
{
    const bool any = !m_query.table.isEmpty();
    m_first->setEnabled(any && !m_atStart);
    m_previous->setEnabled(any && !m_atStart);
    m_next->setEnabled(any && !m_atEnd);
    m_last->setEnabled(any && !m_atEnd);
    m_export->setEnabled(any);
    m_filterColumn->setEnabled(any);
    m_filterOp->setEnabled(any);
}

void DataGridView::showSelectedValue()
{
    const QModelIndex index = m_table->currentIndex();
    m_viewer->setPlainText(index.isValid() ? prettyValue(index.data(ResultRowsModel::FullValueRole))
                                           : QString());
}

void DataGridView::copySelection(int format)
{
    const QString text = m_model->copyText(
        m_table->selectionModel()->selectedIndexes(), ResultRowsModel::CopyFormat(format),
        quoteIdentifier(m_query.schema) + QLatin1Char('.') + quoteIdentifier(m_query.table));
    QApplication::clipboard()->setText(text);
}

void DataGridView::exportCsv(const QString &path)
{
    if (m_query.table.isEmpty() || m_exportJob)
        return;
    auto *job = new TableExportJob(m_session, m_query, path, this);
    m_exportJob = job;
    m_export->setText(QStringLiteral("Stop export"));
    connect(job, &Job::lineReceived, m_status, [this](const QString &progress) {
        m_status->setText(QStringLiteral("Exporting: %1…").arg(progress));
    });
    connect(job, &Job::finished, this, [this, job](const Result<QString> &outcome) {
        job->deleteLater();
        m_export->setText(QStringLiteral("Export CSV…"));
        const QString message = outcome
                                    ? QStringLiteral("Exported %1 rows to %2")
                                          .arg(QLocale().toString(job->rowsWritten()), job->path())
                                : job->state() == Job::State::Cancelled
                                    ? QStringLiteral("Export stopped; nothing was written.")
                                    : QStringLiteral("Export failed: ") + outcome.errorString();
        m_status->setText(message);
        emit exportFinished(message);
    });
    job->start();
}

} // namespace Opsdeck
