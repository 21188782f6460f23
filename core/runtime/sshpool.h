// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshclient.h"
#include "workspace/workspace.h"

#include <QObject>

#include <memory>
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

    /**
     * The client for a host named in the workspace, or nullptr for an unknown name. Its jump
     * chain is the host's `jump:`, else the ProxyJump ssh_config gives for its address,
     * chained natively hop by hop (each hop's host key checked like any host's).
     */
    SshClient *client(const QString &hostName);
    /**
     * A session of its own to that host (through the shared jump chain), owned by the caller,
     * who must let it go before the pool: for bulk copies, which would otherwise hold up every
     * other channel (tunnels included) of the host's shared session.
     */
    std::unique_ptr<SshClient> separateClient(const QString &hostName);
    const Workspace &workspace() const { return m_workspace; }

private:
    SshClient *create(const QString &key, SshEndpoint endpoint, SshClient *jump);
    /** The client at the end of `endpoint`'s ProxyJump chain, or nullptr when it has none. */
    SshClient *proxyJumpChain(const SshEndpoint &endpoint, int depth);
    SshEndpoint hopEndpoint(const QString &hopText, const QString &user, const QString &host,
                            int port) const;

    Workspace m_workspace;
    SshPrompter *m_prompter;
    std::vector<SshClient *> m_creationOrder;
    QHash<QString, SshClient *> m_clients;
};

} // namespace Opsdeck
