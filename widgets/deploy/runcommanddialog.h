// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QLineEdit;
class QListWidget;
class QPushButton;

namespace Opsdeck {

/** Run command…: one shell command on some or all of an environment's hosts (`ansible -m shell`).
 */
class RunCommandDialog final : public QDialog
{
    Q_OBJECT

public:
    RunCommandDialog(const QString &environment, const QStringList &hosts,
                     QWidget *parent = nullptr);

    QString command() const;
    void setCommand(const QString &command);
    QStringList selectedHosts() const;

    QLineEdit *commandEdit() const { return m_command; }
    QListWidget *hostList() const { return m_hosts; }

private:
    void updateButton();

    QLineEdit *m_command;
    QListWidget *m_hosts;
    QPushButton *m_run;
};

} // namespace Opsdeck
