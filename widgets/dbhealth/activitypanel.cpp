// SPDX-License-Identifier: GPL-3.0-or-later
#include "activitypanel.h"
#include "common/emptystate.h"

#include "activitymodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace Opsdeck {

ActivityPanel::ActivityPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new ActivityModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_showIdle(new QCheckBox(QStringLiteral("Idle sessions"), this))
    , m_wholeCluster(new QCheckBox(QStringLiteral("Whole server"), this))
    , m_cancel(new QPushButton(QStringLiteral("Cancel query"), this))
    , m_terminate(new QPushButton(QStringLiteral("Terminate session…"), this))
    , m_explain(new QPushButton(QStringLiteral("Query and plan…"), this))
    , m_log(new QPushButton(QStringLiteral("Its log lines"), this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ActivityModel::SortRole);
    m_proxy->setFilterKeyColumn(-1); // any column
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("activityFilter"));
    m_filter->setPlaceholderText(
        QStringLiteral("Filter by user, database, application, state or query text"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        keepingSelection([this, text] { m_proxy->setFilterFixedString(text); });
    });

    m_table->setObjectName(QStringLiteral("activityTable"));
    m_table->setModel(m_proxy);
    EmptyState *empty = EmptyState::attach(m_table, [this] {
        if (m_model->rowCount() > 0)
            return QStringLiteral("No session matches “%1”.").arg(m_filter->text());
        return m_showIdle->isChecked()
                   ? QStringLiteral("No sessions.")
                   : QStringLiteral("Nothing is running: no active or waiting sessions. "
                                    "Tick “Idle sessions” to see the idle ones.");
    });
    connect(m_filter, &QLineEdit::textChanged, empty, &EmptyState::update);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ActivityModel::TransactionAge,
                          Qt::DescendingOrder); // oldest transactions first
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ActivityModel::Query, QHeaderView::Stretch);

    m_showIdle->setObjectName(QStringLiteral("showIdle"));
    m_showIdle->setChecked(true);
    m_showIdle->setToolTip(
        QStringLiteral("Untick to fetch only sessions doing something (pg_activity's default): "
                       "cheaper with hundreds of pooled connections"));
    connect(m_showIdle, &QCheckBox::toggled, this, &ActivityPanel::showIdleChanged);
    m_wholeCluster->setObjectName(QStringLiteral("wholeCluster"));
    m_wholeCluster->setToolTip(
        QStringLiteral("Show the sessions of every database on this server, each with the "
                       "environment that owns it; actions on them are confirmed as that "
                       "environment's"));
    connect(m_wholeCluster, &QCheckBox::toggled, this, &ActivityPanel::wholeClusterChanged);
    m_cancel->setToolTip(
        QStringLiteral("pg_cancel_backend: stops the running query, keeps the session"));
    m_terminate->setToolTip(
        QStringLiteral("pg_terminate_backend: ends the session and rolls back its transaction"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_filter, 1);
    buttons->addWidget(m_showIdle);
    buttons->addWidget(m_wholeCluster);
    buttons->addWidget(m_explain);
    buttons->addWidget(m_log);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_terminate);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_table);

    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (const auto row = selected())
            emit signalRequested(*row, BackendSignal::Cancel);
    });
    connect(m_terminate, &QPushButton::clicked, this, [this] {
        if (const auto row = selected())
            emit signalRequested(*row, BackendSignal::Terminate);
    });
    connect(m_explain, &QPushButton::clicked, this, [this] {
        if (const auto row = selected())
            emit explainRequested(*row);
    });
    m_log->setObjectName(QStringLiteral("sessionLog"));
    m_log->setVisible(false); // until the environment reads a PostgreSQL log (setLogSource)
    connect(m_log, &QPushButton::clicked, this, [this] {
        if (const auto row = selected())
            emit logRequested(*row);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (!m_restoringSelection)
            rememberSelection();
        updateButtons();
    });
    updateButtons();
}

void ActivityPanel::setRows(const QList<ActivityRow> &rows)
{
    keepingSelection([this, &rows] { m_model->update(rows); });
}

void ActivityPanel::rememberSelection()
{
    const std::optional<ActivityRow> row = selected();
    m_selectedPid = row ? row->pid : 0;
    m_selectedStart = row ? row->backendStartText : QString();
}

void ActivityPanel::keepingSelection(const std::function<void()> &change)
{
    // Removing the selected row makes the view select its neighbour: after a terminate that was
    // another session (even another environment's) under the Cancel and Terminate buttons.
    m_restoringSelection = true;
    change();
    m_table->selectionModel()->clear();
    const int row = m_model->rowOfPid(m_selectedPid);
    if (m_selectedPid > 0 && row >= 0 && m_model->row(row).backendStartText == m_selectedStart) {
        const QModelIndex shown = m_proxy->mapFromSource(m_model->index(row, 0));
        if (shown.isValid())
            m_table->selectRow(shown.row());
    }
    m_restoringSelection = false;
    updateButtons();
}

bool ActivityPanel::showIdle() const
{
    return m_showIdle->isChecked();
}

bool ActivityPanel::wholeCluster() const
{
    return m_wholeCluster->isChecked();
}

std::optional<ActivityRow> ActivityPanel::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->row(m_proxy->mapToSource(rows.first()).row());
}

bool ActivityPanel::selectPid(int pid)
{
    const int row = m_model->rowOfPid(pid);
    if (row < 0)
        return false;
    m_table->selectRow(m_proxy->mapFromSource(m_model->index(row, 0)).row());
    rememberSelection();
    return true;
}

void ActivityPanel::updateButtons()
{
    const std::optional<ActivityRow> row = selected();
    const bool active = row && row->state == QLatin1String("active");
    m_cancel->setEnabled(active || (row && !row->blockedBy.isEmpty()));
    m_terminate->setEnabled(row.has_value());
    m_explain->setEnabled(row && !row->query.isEmpty());
    m_log->setEnabled(row.has_value());
}

void ActivityPanel::setLogSource(const QString &source)
{
    m_log->setVisible(!source.isEmpty());
    m_log->setToolTip(
        QStringLiteral("The selected session's lines in the server log (%1), from when it "
                       "started, in the Logs pane")
            .arg(source));
}

} // namespace Opsdeck
