// SPDX-License-Identifier: GPL-3.0-or-later
#include "sshpool.h"

#include "ssh/sshconfig.h"

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
    const SshEndpoint endpoint = endpointFor(m_workspace, *host);
    SshClient *jump = nullptr;
    if (!host->jump.isEmpty()) {
        jump = client(host->jump); // the loader has already refused loops
        if (!jump)
            return nullptr;
    } else {
        jump = proxyJumpChain(endpoint, 0);
    }
    return create(hostName, endpoint, jump);
}

std::unique_ptr<SshClient> SshPool::separateClient(const QString &hostName)
{
    const HostSpec *host = m_workspace.host(hostName);
    if (!host)
        return nullptr;
    SshEndpoint endpoint = endpointFor(m_workspace, *host);
    SshClient *jump = host->jump.isEmpty() ? proxyJumpChain(endpoint, 0) : client(host->jump);
    if (!host->jump.isEmpty() && !jump)
        return nullptr;
    return std::make_unique<SshClient>(std::move(endpoint), jump, m_prompter);
}

SshClient *SshPool::create(const QString &key, SshEndpoint endpoint, SshClient *jump)
{
    auto *created = new SshClient(std::move(endpoint), jump, m_prompter);
    m_clients.insert(key, created);
    m_creationOrder.push_back(created);
    return created;
}

SshEndpoint SshPool::hopEndpoint(const QString &hopText, const QString &user, const QString &host,
                                 int port) const
{
    // As `ssh -J` does: the hop's own ssh_config entry applies (HostName, Port, User), then what
    // the hop says explicitly. Keys and known_hosts are the workspace's, as for every host.
    SshEndpoint ep;
    ep.name = hopText;
    ep.address = host;
    ep.port = port;
    ep.user = user;
    ep.identityFile = m_workspace.ssh.identity;
    applySessionDefaults(ep, m_workspace);
    return ep;
}

SshClient *SshPool::proxyJumpChain(const SshEndpoint &endpoint, int depth)
{
    constexpr int kMaxHops = 8; // OpenSSH has no limit; a loop in ssh_config must end somewhere
    const Result<QList<SshConfig::Hop>> hops = SshConfig::proxyJumpHops(endpoint);
    // A refused config is reported when the session itself reads it (configureSession).
    if (!hops || hops->isEmpty() || depth >= kMaxHops)
        return nullptr;
    SshClient *previous = nullptr;
    for (qsizetype i = 0; i < hops->size(); ++i) {
        const SshConfig::Hop &hop = hops->at(i);
        const QString key = QStringLiteral("proxyjump:%1>%2")
                                .arg(previous ? previous->endpoint().name : QString(), hop.text);
        if (SshClient *existing = m_clients.value(key)) {
            previous = existing;
            continue;
        }
        SshEndpoint ep = hopEndpoint(hop.text, hop.user, hop.host, hop.port);
        // Only the first hop is reached by its own ssh_config route; later ones go through the
        // hop before them, as `ssh -J a,b` does.
        SshClient *jump = i == 0 ? proxyJumpChain(ep, depth + 1) : previous;
        previous = create(key, std::move(ep), jump);
    }
    return previous;
}

} // namespace Opsdeck
