// SPDX-License-Identifier: GPL-3.0-or-later
#include "configconflictdialog.h"

#include "configdiffview.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

ConfigConflictDialog::ConfigConflictDialog(const QString &location, const QByteArray &theirs,
                                           const QByteArray &mine, QWidget *parent)
    : QDialog(parent)
    , m_diff(new ConfigDiffView(this))
{
    setWindowTitle(tr("%1 changed meanwhile").arg(location));
    auto *explanation = new QLabel(
        tr("<b>%1</b> was changed by someone else since you opened it. Nothing was written.<br>"
           "Lines marked <b>-</b> are in the file now, lines marked <b>+</b> are yours.")
            .arg(location.toHtmlEscaped()),
        this);
    explanation->setWordWrap(true);
    m_diff->showDiff(theirs, mine);
    auto *buttons = new QDialogButtonBox(this);
    QPushButton *overwrite =
        buttons->addButton(tr("Overwrite with mine"), QDialogButtonBox::DestructiveRole);
    QPushButton *take =
        buttons->addButton(tr("Discard mine, load theirs"), QDialogButtonBox::ResetRole);
    QPushButton *cancel = buttons->addButton(tr("Keep editing"), QDialogButtonBox::RejectRole);
    cancel->setDefault(true);
    connect(overwrite, &QPushButton::clicked, this, [this] { choose(Choice::Overwrite); });
    connect(take, &QPushButton::clicked, this, [this] { choose(Choice::TakeTheirs); });
    connect(cancel, &QPushButton::clicked, this, [this] { choose(Choice::Cancel); });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addWidget(m_diff, 1);
    layout->addWidget(buttons);
    resize(760, 480);
}

void ConfigConflictDialog::choose(Choice choice)
{
    emit chosen(choice);
    if (choice == Choice::Cancel)
        reject();
    else
        accept();
}

} // namespace Opsdeck
