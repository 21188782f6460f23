// SPDX-License-Identifier: GPL-3.0-or-later
#include "dotenveditor.h"

#include "dotenvmodel.h"
#include "statuscolors.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QListWidget>
#include <QMessageBox>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Opsdeck {

DotenvEditor::DotenvEditor(QWidget *parent)
    : ConfigEditor(parent)
    , m_model(new DotenvModel(this))
    , m_table(new QTableView(this))
    , m_findings(new QListWidget(this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(DotenvModel::KeyColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(DotenvModel::ValueColumn,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(DotenvModel::CommentColumn,
                                                      QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(DotenvModel::LineColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(tr("Add key…"), this, &DotenvEditor::addKey);
    bar->addAction(tr("Remove key"), this, &DotenvEditor::removeSelectedKey);
    bar->addSeparator();
    m_reveal = bar->addAction(tr("Reveal values"));
    m_reveal->setCheckable(true);
    m_reveal->setToolTip(tr("Show the values of secret-looking keys"));
    connect(m_reveal, &QAction::toggled, m_model, &DotenvModel::setRevealAll);

    m_findings->setAlternatingRowColors(true);
    m_findings->setWordWrap(true);
    connect(m_findings, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { selectKey(item->data(Qt::UserRole).toString()); });
    connect(m_findings, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { selectKey(item->data(Qt::UserRole).toString()); });
    connect(m_model, &DotenvModel::modifiedChanged, this, &ConfigEditor::modifiedChanged);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &DotenvEditor::refreshFindings);
    connect(m_model, &QAbstractItemModel::modelReset, this, &DotenvEditor::refreshFindings);
    connect(m_model, &DotenvModel::editRefused, this,
            [this](const QString &message) { tellRefused(tr("Not changed"), message); });

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_findings);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(split, 1);
}

QByteArray DotenvEditor::content() const
{
    return m_model->file().serialize();
}

void DotenvEditor::setContent(const QByteArray &bytes)
{
    m_model->setFile(DotenvFile::parse(bytes));
    m_reveal->setChecked(false);
}

bool DotenvEditor::isModified() const
{
    return m_model->isModified();
}

QString DotenvEditor::changeSummary() const
{
    const QStringList keys = m_model->changedKeys();
    return keys.isEmpty() ? tr("no key changed")
                          : tr("keys %1").arg(keys.join(QStringLiteral(", ")));
}

Status DotenvEditor::setValue(const QString &key, const QString &value)
{
    return m_model->setValue(key, value);
}

void DotenvEditor::addKey()
{
    const QString key = QInputDialog::getText(this, tr("Add key"), tr("Name:")).trimmed();
    if (key.isEmpty())
        return;
    if (m_model->file().value(key)) {
        selectKey(key);
        return;
    }
    if (const Status added = m_model->setValue(key, QString()); !added) {
        tellRefused(tr("Not added"), added.errorString());
        return;
    }
    selectKey(key);
    m_table->edit(m_model->index(m_model->rowOfKey(key), DotenvModel::ValueColumn));
}

void DotenvEditor::tellRefused(const QString &title, const QString &message)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setTextFormat(Qt::PlainText); // names and values from the file, never markup
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void DotenvEditor::removeSelectedKey()
{
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid())
        m_model->removeKey(m_model->keyAt(current.row()));
}

void DotenvEditor::selectKey(const QString &key)
{
    const int row = m_model->rowOfKey(key);
    if (row >= 0)
        m_table->selectRow(row);
}

void DotenvEditor::refreshFindings()
{
    m_findings->clear();
    for (const DotenvFinding &f : m_model->file().lint()) {
        const Health health = f.severity == DotenvFinding::Severity::Error     ? Health::Critical
                              : f.severity == DotenvFinding::Severity::Warning ? Health::Warning
                                                                               : Health::Unknown;
        auto *item = new QListWidgetItem(healthIcon(health),
                                         tr("line %1: %2").arg(f.line).arg(f.message), m_findings);
        item->setData(Qt::UserRole, f.key);
    }
    if (m_findings->count() == 0)
        new QListWidgetItem(healthIcon(Health::Good), tr("No findings"), m_findings);
}

} // namespace Opsdeck
