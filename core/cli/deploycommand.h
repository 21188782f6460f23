// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** The deployments pane's terminal face: deploy, rollback, run, releases, lock, unlock. */
QList<CliCommand> deployCommands();

} // namespace Opsdeck
