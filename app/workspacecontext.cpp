// SPDX-License-Identifier: GPL-3.0-or-later
#include "workspacecontext.h"

#include "common/guiprompter.h"
#include "runtime/sshpool.h"

namespace Opsdeck {

WorkspaceContext::WorkspaceContext(Workspace workspace, QWidget *dialogParent)
    : m_workspace(std::move(workspace))
    , m_prompter(std::make_unique<GuiPrompter>(dialogParent))
    , m_pool(std::make_unique<SshPool>(m_workspace, m_prompter.get()))
{}

WorkspaceContext::~WorkspaceContext() = default;

} // namespace Opsdeck
