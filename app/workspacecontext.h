// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace/workspaceloader.h"

#include <QObject>

#include <memory>

namespace Opsdeck {

class EnvironmentContext;
class EnvironmentContexts;
class GuiPrompter;
class SshPool;

/**
 * Everything that lives as long as one loaded workspace: the prompter that asks about host
 * keys, the SSH pool, and one EnvironmentContext per environment (its database sessions,
 * Prometheus, flags backend). Panes borrow from it and are destroyed before it
 * (MainWindow::closeWorkspace).
 */
class WorkspaceContext final : public QObject
{
    Q_OBJECT

public:
    WorkspaceContext(Workspace workspace, QWidget *dialogParent);
    ~WorkspaceContext() override;

    const Workspace &workspace() const;
    SshPool *sshPool() const { return m_pool.get(); }
    /** The environment's context, shared by all of its panes; nullptr if there is none. */
    EnvironmentContext *environment(const QString &name) const;

private:
    std::unique_ptr<GuiPrompter> m_prompter;
    std::unique_ptr<SshPool> m_pool;                     // after the prompter: destroyed first
    std::unique_ptr<EnvironmentContexts> m_environments; // after the pool: destroyed first
};

} // namespace Opsdeck
