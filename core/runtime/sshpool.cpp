// SPDX-License-Identifier: GPL-3.0-or-later
#include "sshpool.h"

namespace Opsdeck {

SshPool::SshPool(Workspace workspace, SshPrompter *prompter, QObject *parent)
    : QObject(parent)
    , m_workspace(std::move(workspace))
    , m_prompter(prompter)
{}

SshPool::~SshPool()
{
    for (auto it = m_creationOrder.rbegin(); it != m_creationOrder.rend(); ++it)
        delete *it;
}

SshClient *SshPool::client(const QString &hostName)
{
    if (SshClient *existing = m_clients.value(hostName))
        return existing;
    const HostSpec *host = m_workspace.host(hostName);
    if (!host)
        return nullptr;
    SshClient *jump = nullptr;
    if (!host->jump.isEmpty()) {
        jump = client(host->jump); // the loader has already refused loops
        if (!jump)
            return nullptr;
    }
    auto *created = new SshClient(endpointFor(m_workspace, *host), jump, m_prompter);
    m_clients.insert(hostName, created);
    m_creationOrder.push_back(created);
    return created;
}

} // namespace Opsdeck
