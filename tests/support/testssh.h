// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshendpoint.h"
#include "testservices.h"

/**
 * A host of the sshd fixture (tests/services/sshd.sh) as an endpoint: its port, the fixture's
 * user, client key and known_hosts (or `knownHosts`), no ~/.ssh/config. `port` overrides the
 * host's own (a relay in front of it, say).
 */
inline Opsdeck::SshEndpoint sshFixtureEndpoint(const QString &name, const QString &knownHosts = {},
                                               int port = 0)
{
    const QHash<QString, QString> env = TestServices::load(QStringLiteral("sshd"));
    Opsdeck::SshEndpoint ep;
    ep.name = name;
    ep.address = QStringLiteral("127.0.0.1");
    ep.port = port ? port : env.value(QStringLiteral("SSH_PORT_") + name.toUpper()).toInt();
    ep.user = env.value(QStringLiteral("SSH_USER"));
    ep.identityFile = env.value(QStringLiteral("SSH_KEY"));
    ep.knownHostsFile =
        knownHosts.isEmpty() ? env.value(QStringLiteral("SSH_KNOWN_HOSTS")) : knownHosts;
    ep.useSshConfig = false;
    ep.connectTimeoutSeconds = 5;
    return ep;
}
