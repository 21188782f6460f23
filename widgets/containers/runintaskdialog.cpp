// SPDX-License-Identifier: GPL-3.0-or-later
#include "runintaskdialog.h"

#include "docker/swarmstatus.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
constexpr int kLabelRole = Qt::UserRole + 1;
}

RunInTaskDialog::RunInTaskDialog(const SwarmService &service, QWidget *parent)
    : QDialog(parent)
    , m_command(new QLineEdit(this))
    , m_where(new QComboBox(this))
    , m_run(new QPushButton(tr("Run"), this))
{
    setObjectName(QStringLiteral("runInTaskDialog"));
    setWindowTitle(tr("Run in %1").arg(service.name));
    m_command->setObjectName(QStringLiteral("runCommand"));
    m_command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_command->setPlaceholderText(tr("python3 manage.py showmigrations"));
    m_command->setMinimumWidth(420);
    m_where->setObjectName(QStringLiteral("runWhere"));
    const bool compose = service.mode == QLatin1String("compose");
    m_where->addItem(compose ? tr("A new container (the service's image, environment and mounts)")
                             : tr("A new task (the service's image, environment and mounts)"));
    for (const SwarmTask &task : service.tasks) {
        if (!task.isCurrent() || task.state != QLatin1String("running"))
            continue;
        const QString name = QStringLiteral("%1.%2").arg(service.name).arg(task.slot);
        const QString label = tr("%1 on %2").arg(name, task.node);
        m_where->addItem(tr("%1, running (docker exec)").arg(label), task.id);
        m_where->setItemData(m_where->count() - 1, label, kLabelRole);
    }
    m_run->setEnabled(false);
    connect(m_command, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_run->setEnabled(!text.trimmed().isEmpty()); });

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_run, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout;
    form->addRow(tr("Command:"), m_command);
    form->addRow(tr("Run in:"), m_where);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

QString RunInTaskDialog::command() const
{
    return m_command->text().trimmed();
}

QString RunInTaskDialog::task() const
{
    return m_where->currentData().toString();
}

QString RunInTaskDialog::taskLabel() const
{
    return m_where->currentData(kLabelRole).toString();
}

} // namespace Opsdeck
