// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "sshendpoint.h"

#include <QStringList>

#include <optional>

namespace Opsdeck::SshConfig {

/**
 * Refuses an ssh_config file named by a workspace that could make Opsdeck run a local command:
 * ProxyCommand (other than `none`), LocalCommand, KnownHostsCommand, `Match exec`, and Include
 * (an included file is not checked). Only the user's own ~/.ssh/config may run commands. The
 * file must also be trusted (checkTrustedFile). Read at most 1 MiB.
 */
Status checkWorkspaceConfig(const QString &path);

/** One ProxyJump hop: `[user@]host[:port]`. */
struct Hop
{
    QString user;
    QString host;
    int port = 0;
    QString text; // as written, for messages and names
};
std::optional<Hop> parseHop(const QString &text);

/**
 * libssh 0.10 turns `ProxyJump a,b` into the ProxyCommand `ssh [-l U] [-p P] [-J b] -W
 * '[%h]:%p' a`, which would start the OpenSSH client. The hops back, in order (the first is
 * reached directly), or nothing when `command` is not of that form.
 */
std::optional<QList<Hop>> hopsFromProxyCommand(const QString &command);

/**
 * The ProxyJump hops ssh_config gives for an endpoint (its own file or ~/.ssh/config), or an
 * empty list. Evaluated by libssh's parser, so Host/Match rules apply as they do for the
 * session itself. Fails when a workspace-named file is refused (checkWorkspaceConfig).
 */
Result<QList<Hop>> proxyJumpHops(const SshEndpoint &endpoint);

} // namespace Opsdeck::SshConfig
