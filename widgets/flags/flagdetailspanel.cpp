// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagdetailspanel.h"

#include "common/formatting.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QTreeWidget *makeTree(const QStringList &headers)
{
    auto *tree = new QTreeWidget;
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setAlternatingRowColors(true);
    tree->setUniformRowHeights(true);
    tree->header()->setStretchLastSection(true);
    return tree;
}

QString when(const QDateTime &at)
{
    return QLocale().toString(at.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace

FlagDetailsPanel::FlagDetailsPanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_tabs(new QTabWidget)
    , m_environments(makeTree({tr("Environment"), tr("State"), tr("Rules"), tr("Changed")}))
    , m_history(makeTree(
          {tr("When"), tr("Environment"), tr("Who"), tr("Change"), tr("Comment"), tr("Outcome")}))
    , m_usages(makeTree({tr("File"), tr("Line"), tr("Text")}))
    , m_usageStatus(new QLabel)
    , m_find(new QPushButton(tr("Search the repositories")))
{
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_environments->setWordWrap(true);
    m_environments->setUniformRowHeights(false);
    m_environments->header()->resizeSection(0, 120);
    m_environments->header()->resizeSection(1, 160);
    m_environments->header()->resizeSection(2, 360);
    m_history->header()->resizeSection(0, 150);
    m_history->header()->resizeSection(3, 200);
    m_history->header()->resizeSection(4, 180);
    m_usages->header()->resizeSection(0, 320);

    auto *usagesPage = new QWidget;
    auto *usagesLayout = new QVBoxLayout(usagesPage);
    auto *usagesBar = new QHBoxLayout;
    usagesBar->addWidget(m_find);
    usagesBar->addWidget(m_usageStatus, 1);
    usagesLayout->addLayout(usagesBar);
    usagesLayout->addWidget(m_usages, 1);
    m_tabs->addTab(m_environments, tr("Environments"));
    m_tabs->addTab(m_history, tr("History"));
    m_tabs->addTab(usagesPage, tr("Where is it used?"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_tabs, 1);
    connect(m_find, &QPushButton::clicked, this, &FlagDetailsPanel::findUsagesRequested);
    clear();
}

void FlagDetailsPanel::clear()
{
    m_title->setText(tr("Select a flag to see its rules, history and uses."));
    m_environments->clear();
    m_history->clear();
    m_usages->clear();
    m_usageStatus->clear();
    m_find->setEnabled(false);
}

void FlagDetailsPanel::showFlag(const QString &title,
                                const QList<std::pair<QString, const FlagState *>> &states)
{
    m_title->setText(title);
    m_environments->clear();
    for (const auto &[environment, state] : states) {
        auto *item = new QTreeWidgetItem(m_environments);
        item->setText(0, environment);
        for (int column = 0; column < 4; ++column)
            item->setTextAlignment(column, Qt::AlignTop | Qt::AlignLeft);
        if (!state) {
            item->setText(1, tr("not defined"));
            continue;
        }
        item->setText(1, state->summary());
        item->setText(2, state->rules()); // one rule per line: the row grows to show them all
        if (state->modified.isValid())
            item->setText(3, when(state->modified));
    }
    m_usages->clear();
    m_usageStatus->clear();
    m_find->setEnabled(true);
}

void FlagDetailsPanel::setHistory(const QList<AuditEntry> &entries)
{
    m_history->clear();
    for (const AuditEntry &e : entries) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, when(e.at));
        item->setText(1, e.environment);
        item->setText(2, e.user);
        item->setText(3, QStringLiteral("%1 → %2").arg(e.before, e.after));
        item->setText(4, e.comment);
        item->setText(5, e.outcome);
        if (!auditOutcomeSucceeded(e.outcome))
            item->setForeground(5, QColor(0xd0, 0x3b, 0x3b));
    }
    if (entries.isEmpty())
        (new QTreeWidgetItem(m_history))->setText(3, tr("No changes made through Opsdeck yet"));
}

void FlagDetailsPanel::addServerEvents(const QList<FlagEvent> &events)
{
    for (const FlagEvent &e : events) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, when(e.at));
        item->setText(1, e.environment);
        item->setText(2, e.by);
        item->setText(3, e.summary.isEmpty() ? e.type : e.summary);
        item->setText(5, tr("server event"));
        item->setToolTip(3, e.type);
    }
    m_history->sortItems(0, Qt::DescendingOrder);
}

void FlagDetailsPanel::setSearching()
{
    m_usages->clear();
    m_usageStatus->setText(tr("Searching…"));
    m_find->setEnabled(false);
}

void FlagDetailsPanel::setUsages(const QList<FlagUsage> &usages, const QStringList &problems,
                                 int repositories)
{
    m_usages->clear();
    for (const FlagUsage &u : usages) {
        auto *item = new QTreeWidgetItem(m_usages);
        item->setText(0, u.file);
        item->setText(1, QString::number(u.line));
        item->setText(2, u.text);
        item->setToolTip(0, u.repository);
    }
    QString status = repositories == 0
                         ? tr("No repository to search: the workspace is not in git and no "
                              "deploy repository is a local path.")
                         : tr("%1 in %2")
                               .arg(countOf(usages.size(), tr("use"), tr("uses")),
                                    countOf(repositories, tr("repository"), tr("repositories")));
    if (repositories > 0 && usages.isEmpty())
        status = tr("Not used anywhere in %1: safe to remove from the code side.")
                     .arg(countOf(repositories, tr("repository"), tr("repositories")));
    if (!problems.isEmpty())
        status += QStringLiteral(" — ") + problems.join(QStringLiteral("; "));
    m_usageStatus->setText(status);
    m_find->setEnabled(true);
}

} // namespace Opsdeck
