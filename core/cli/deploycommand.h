// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"
#include "deploy/deployrunner.h"

namespace Opsdeck {

/** The deployments pane's terminal face: deploy, rollback, run, releases, lock, unlock. */
QList<CliCommand> deployCommands();

/** The exit code of a deploy, rollback or run that ended so (releases and containers alike). */
int deployExitCode(DeployRunner::Outcome outcome);

} // namespace Opsdeck
