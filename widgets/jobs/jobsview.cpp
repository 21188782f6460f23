// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobsview.h"

#include "common/emptystate.h"
#include "common/formatting.h"
#include "jobs/jobregistry.h"
#include "jobsmodel.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace Opsdeck {

JobsView::JobsView(JobRegistry *registry, QWidget *parent)
    : QWidget(parent)
    , m_registry(registry)
    , m_model(new JobsModel(registry, this))
    , m_list(new QTreeView(this))
    , m_command(new QLabel(this))
    , m_output(new QPlainTextEdit(this))
    , m_cancel(new QPushButton(tr("Cancel Job"), this))
{
    m_list->setModel(m_model);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAllColumnsShowFocus(true);
    m_list->header()->setStretchLastSection(true);
    m_list->setColumnWidth(JobsModel::Title, 220);
    EmptyState::attach(m_list, [] {
        return tr("No command has run yet: deploys' health checks, flag writes, lock changes, "
                  "after-save commands and backups are listed here as they start.");
    });

    m_command->setTextFormat(Qt::PlainText); // a command may hold anything a workspace says
    m_command->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_command->setWordWrap(true);
    m_output->setReadOnly(true);
    m_output->setMaximumBlockCount(20'000);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setPlaceholderText(tr("Choose a job to see its output."));

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto *header = new QHBoxLayout;
    header->addWidget(m_command, 1);
    header->addWidget(m_cancel);
    rightLayout->addLayout(header);
    rightLayout->addWidget(m_output, 1);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_list);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    // A deploy may print a million lines: appending each as it comes would hold the window.
    m_flush.setSingleShot(true);
    m_flush.setInterval(100);
    connect(&m_flush, &QTimer::timeout, this, &JobsView::flushPending);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &JobsView::showCurrent);
    connect(m_registry, &JobRegistry::lineAdded, this, &JobsView::appendLine);
    connect(m_registry, &JobRegistry::recordChanged, this, [this](int row) {
        if (row >= 0 && m_registry->at(row).id == m_shownId) {
            m_flush.stop();
            flushPending();
            m_output->appendPlainText(endLine(m_registry->at(row)));
        }
        updateButtons();
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_registry->cancel(currentRow()); });
    showCurrent();
}

void JobsView::selectNewest()
{
    if (m_model->rowCount() > 0)
        m_list->setCurrentIndex(m_model->index(m_model->rowCount() - 1, 0));
}

int JobsView::currentRow() const
{
    return m_list->currentIndex().isValid() ? m_list->currentIndex().row() : -1;
}

void JobsView::showCurrent()
{
    m_flush.stop();
    m_pendingLines.clear();
    m_skippedLines = 0;
    m_output->clear();
    const int row = currentRow();
    if (row < 0) {
        m_shownId = 0;
        m_command->clear();
        return updateButtons();
    }
    const JobRegistry::Record &record = m_registry->at(row);
    m_shownId = record.id;
    m_command->setText(QStringLiteral("$ ") + record.command);
    QStringList text;
    if (record.droppedLines > 0)
        text << tr("(%1 earlier lines were not kept)").arg(record.droppedLines);
    text << record.lines;
    if (!record.isRunning())
        text << endLine(record);
    m_output->setPlainText(text.join(u'\n'));
    updateButtons();
}

void JobsView::flushPending()
{
    if (m_skippedLines > 0)
        m_output->appendPlainText(tr("… %1 lines came too fast to show").arg(m_skippedLines));
    if (!m_pendingLines.isEmpty())
        m_output->appendPlainText(m_pendingLines.join(u'\n'));
    m_pendingLines.clear();
    m_skippedLines = 0;
}

QString JobsView::endLine(const JobRegistry::Record &record)
{
    // How it ended, under its output, as a CI log ends: "— failed after 3.8s: exit 3".
    const QString how = JobsModel::stateText(record.state);
    const QString took = formatAge(double(record.started.msecsTo(record.ended)) / 1000.0);
    return record.state == Job::State::Succeeded || record.outcome == how
               ? tr("— %1 after %2").arg(how, took)
               : tr("— %1 after %2: %3").arg(how, took, record.outcome);
}

void JobsView::appendLine(quint64 id, const QString &line)
{
    if (id != m_shownId)
        return;
    m_pendingLines << line;
    if (m_pendingLines.size() > kMaxPendingLines) { // a flood: its newest lines, said so
        m_pendingLines.removeFirst();
        ++m_skippedLines;
    }
    if (!m_flush.isActive())
        m_flush.start();
}

void JobsView::updateButtons()
{
    const int row = currentRow();
    const JobRegistry::Record *record = row < 0 ? nullptr : &m_registry->at(row);
    m_cancel->setEnabled(record && record->isRunning() && record->job);
}

} // namespace Opsdeck
