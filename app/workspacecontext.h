// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace/workspaceloader.h"

#include <QObject>

#include <memory>

namespace Opsdeck {

class GuiPrompter;
class SshPool;

/**
 * Everything that lives as long as one loaded workspace: its typed form, the SSH pool and the
 * prompter. Panes borrow from it and are destroyed before it (MainWindow::closeWorkspace).
 */
class WorkspaceContext final : public QObject
{
    Q_OBJECT

public:
    WorkspaceContext(Workspace workspace, QWidget *dialogParent);
    ~WorkspaceContext() override;

    const Workspace &workspace() const { return m_workspace; }
    SshPool *sshPool() const { return m_pool.get(); }

private:
    Workspace m_workspace;
    std::unique_ptr<GuiPrompter> m_prompter;
    std::unique_ptr<SshPool> m_pool; // after the prompter: destroyed first
};

} // namespace Opsdeck
