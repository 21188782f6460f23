// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Opsdeck {

struct HostSpec;
struct Workspace;

/** Everything needed to open one SSH session, resolved from the workspace. */
struct SshEndpoint
{
    QString name;    // the workspace's name for the host ("web1")
    QString address; // host name, IP or ~/.ssh/config alias
    int port = 0;    // 0 = ~/.ssh/config or 22
    QString user;
    QString identityFile;
    QString knownHostsFile; // empty = ~/.ssh/known_hosts
    bool useSshConfig = true;
    QString sshConfigFile; // empty = ~/.ssh/config
    int connectTimeoutSeconds = 10;
    int keepaliveSeconds = 15;

    /** "user@address:port" for messages. */
    QString displayAddress() const;
};

SshEndpoint endpointFor(const Workspace &workspace, const HostSpec &host);
/** The workspace's `ssh:` settings every session shares: known_hosts, ssh_config, timeouts. */
void applySessionDefaults(SshEndpoint &endpoint, const Workspace &workspace);

} // namespace Opsdeck
