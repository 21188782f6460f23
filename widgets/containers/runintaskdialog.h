// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace Opsdeck {

struct SwarmService;

/**
 * Run command… on a service: one shell command, either in a new task of the service (its
 * image, environment and mounts: `kamal app exec`) or in one of its running tasks, the way
 * `docker exec` does (that container's files and processes: Portainer's console, k9s' shell).
 */
class RunInTaskDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit RunInTaskDialog(const SwarmService &service, QWidget *parent = nullptr);

    QString command() const;
    /** The running task chosen (its id), or empty for a new task. */
    QString task() const;
    /** "web.1 on node1", or empty for a new task. */
    QString taskLabel() const;

    QLineEdit *commandEdit() const { return m_command; }
    QComboBox *where() const { return m_where; }

private:
    QLineEdit *m_command;
    QComboBox *m_where;
    QPushButton *m_run;
};

} // namespace Opsdeck
