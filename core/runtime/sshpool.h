// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshclient.h"
#include "workspace/workspace.h"

#include <QObject>

#include <vector>

namespace Opsdeck {

/**
 * One SshClient per workspace host, shared by every pane and environment, created on first use
 * together with its jump chain. Clients are destroyed in reverse order of creation, so a jump
 * host always outlives the sessions tunnelled through it.
 */
class SshPool final : public QObject
{
    Q_OBJECT

public:
    SshPool(Workspace workspace, SshPrompter *prompter, QObject *parent = nullptr);
    ~SshPool() override;

    /** The client for a host named in the workspace, or nullptr for an unknown name. */
    SshClient *client(const QString &hostName);
    const Workspace &workspace() const { return m_workspace; }

private:
    Workspace m_workspace;
    SshPrompter *m_prompter;
    std::vector<SshClient *> m_creationOrder;
    QHash<QString, SshClient *> m_clients;
};

} // namespace Opsdeck
