// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace.h"
#include "yamlreader.h"

namespace Opsdeck {

/** Reads and validates an environment's `deploy:` block (after its `hosts:`). */
std::optional<DeploySpec> readDeploySpec(YamlReader &reader, const YAML::Node &node,
                                         const QString &path, const EnvironmentSpec &environment);

} // namespace Opsdeck
