// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "swarmstatus.h"
#include "workspace/workspace.h"

namespace Opsdeck {

/**
 * A compose project's containers on its one host, in the shape of a swarm status so the pane,
 * the Overview and `opsdeck services` show both alike: a service per `com.docker.compose.service`
 * label, its containers as tasks (slot = the container number, the node = the host), running
 * out of all, and a container that exited on its own as failed, with Docker's status line.
 */
SwarmStatus composeStatusOf(const QString &project, const QString &host,
                            const QJsonDocument &containers, const QDateTime &now);

/** Reads a compose project's containers (running and stopped) from the host's engine. */
QFuture<Result<SwarmStatus>> readComposeStatus(DockerEngine &engine, const QString &project);

/** A container environment's status, by its kind (swarm stack or compose project). */
QFuture<Result<SwarmStatus>> readContainerStatus(DockerEngine &engine,
                                                 const ContainerDeploySpec &spec);

} // namespace Opsdeck
