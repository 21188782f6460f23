// SPDX-License-Identifier: GPL-3.0-or-later
#include "workspacecontext.h"

#include "common/guiprompter.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"

namespace Opsdeck {

WorkspaceContext::WorkspaceContext(Workspace workspace, QWidget *dialogParent)
    : m_prompter(std::make_unique<GuiPrompter>(dialogParent))
    , m_pool(std::make_unique<SshPool>(workspace, m_prompter.get()))
    , m_environments(std::make_unique<EnvironmentContexts>(std::move(workspace), m_pool.get()))
{}

WorkspaceContext::~WorkspaceContext() = default;

const Workspace &WorkspaceContext::workspace() const
{
    return m_environments->workspace();
}

EnvironmentContext *WorkspaceContext::environment(const QString &name) const
{
    return m_environments->context(name);
}

} // namespace Opsdeck
