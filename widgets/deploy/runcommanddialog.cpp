// SPDX-License-Identifier: GPL-3.0-or-later
#include "runcommanddialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

RunCommandDialog::RunCommandDialog(const QString &environment, const QStringList &hosts,
                                   QWidget *parent)
    : QDialog(parent)
    , m_command(new QLineEdit(this))
    , m_hosts(new QListWidget(this))
    , m_run(new QPushButton(QStringLiteral("Run"), this))
{
    setObjectName(QStringLiteral("runCommandDialog"));
    setWindowTitle(QStringLiteral("Run command on %1").arg(environment));
    resize(560, 360);
    m_command->setObjectName(QStringLiteral("runCommand"));
    m_command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_command->setPlaceholderText(
        QStringLiteral("df -h /srv   (a login shell on each host; $HOST and $ENV are set)"));
    for (const QString &host : hosts) {
        auto *item = new QListWidgetItem(host, m_hosts);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_run, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_command, &QLineEdit::textChanged, this, &RunCommandDialog::updateButton);
    connect(m_hosts, &QListWidget::itemChanged, this, &RunCommandDialog::updateButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("Command:"), this));
    layout->addWidget(m_command);
    layout->addWidget(new QLabel(QStringLiteral("On:"), this));
    layout->addWidget(m_hosts, 1);
    layout->addWidget(buttons);
    updateButton();
}

QString RunCommandDialog::command() const
{
    return m_command->text().trimmed();
}

void RunCommandDialog::setCommand(const QString &command)
{
    m_command->setText(command);
}

QStringList RunCommandDialog::selectedHosts() const
{
    QStringList out;
    for (int row = 0; row < m_hosts->count(); ++row)
        if (m_hosts->item(row)->checkState() == Qt::Checked)
            out << m_hosts->item(row)->text();
    return out;
}

void RunCommandDialog::updateButton()
{
    m_run->setEnabled(!command().isEmpty() && !selectedHosts().isEmpty());
}

} // namespace Opsdeck
