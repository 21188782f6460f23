// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace.h"
#include "yamlreader.h"

#include <functional>

namespace Opsdeck {

/** Reads and validates an environment's `deploy:` block (after its `hosts:`). */
std::optional<DeploySpec> readDeploySpec(YamlReader &reader, const YAML::Node &node,
                                         const QString &path, const EnvironmentSpec &environment);

/** A `healthcheck:` block: exactly one of `url` or `run`, with interval/timeout/budget. */
std::optional<HealthCheckSpec> readHealthCheck(YamlReader &reader, const YAML::Node &node,
                                               const QString &path);

/** True when a `deploy:` block names a container kind (swarm, compose). */
bool isContainerDeploy(const YAML::Node &node);

/** Reads and validates a `deploy: {kind: swarm|compose, ...}` block (after the `hosts:`). */
std::optional<ContainerDeploySpec> readContainerDeploySpec(YamlReader &reader,
                                                           const YAML::Node &node,
                                                           const QString &path,
                                                           const EnvironmentSpec &environment);

/** Reads and validates an environment's `logs:` list (after its `hosts:`); a source's `hosts:`
 * may name any of `workspaceHosts`. */
QList<LogSourceSpec> readLogSources(YamlReader &reader, const YAML::Node &node, const QString &path,
                                    const EnvironmentSpec &environment,
                                    const QStringList &workspaceHosts);

/** The workspace's `alerts: { rules: [...] }` (paths or globs): rule file patterns, made absolute.
 */
QStringList readAlertRuleFiles(YamlReader &reader, const YAML::Node &node);

/** The workspace's `dashboards:` list (name, panels). */
QList<DashboardSpec> readDashboards(YamlReader &reader, const YAML::Node &node);

/**
 * A database's `replicas:` list ({name, conninfo, tunnel}); `requireHost` reports a tunnel that
 * names no host. A replica without a tunnel goes through the primary's (`defaultTunnel`).
 */
QList<ReplicaSpec> readReplicas(
    YamlReader &reader, const YAML::Node &node, const QString &path, const QString &defaultTunnel,
    const std::function<void(const YAML::Node &, const QString &, const QString &)> &requireHost);

/** The workspace's `backups: { location, max_age, scrub }`. */
BackupsSpec readBackupsSpec(YamlReader &reader, const YAML::Node &node, const Workspace &workspace);

} // namespace Opsdeck
