// SPDX-License-Identifier: GPL-3.0-or-later
// The commands that run most often from scripts — sops-style secrets (git textconv, diff
// drivers, shell loops) and `check` (pre-commit hooks) — in a module that links neither libpq
// nor libssh, so each call pays only for what it uses.
#include "cli/checkcommand.h"
#include "cli/climain.h"
#include "cli/commandregistry.h"
#include "cli/secretscommand.h"
#include "commandmodule.h"

using namespace Opsdeck;

extern "C" __attribute__((visibility("default"))) int opsdeck_command_main(int argc, char *argv[])
{
    CommandRegistry registry;
    registry.add(checkCommand());
    registry.add(secretsCommand());
    return runCommandLine(argc, argv, registry);
}
