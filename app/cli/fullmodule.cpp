// SPDX-License-Identifier: GPL-3.0-or-later
// Every command: the module the launcher loads for anything but the light commands (and for
// --help and "did you mean", which need every name).
#include "cli/alertscommand.h"
#include "cli/checkcommand.h"
#include "cli/climain.h"
#include "cli/commandregistry.h"
#include "cli/configcommand.h"
#include "cli/dbcommand.h"
#include "cli/deploycommand.h"
#include "cli/flagscommand.h"
#include "cli/logscommand.h"
#include "cli/secretscommand.h"
#include "cli/servicescommand.h"
#include "commandmodule.h"

using namespace Opsdeck;

extern "C" __attribute__((visibility("default"))) int opsdeck_command_main(int argc, char *argv[])
{
    CommandRegistry registry;
    registry.add(checkCommand());
    registry.add(dbCommand());
    for (CliCommand &c : deployCommands())
        registry.add(std::move(c));
    registry.add(flagsCommand());
    registry.add(configCommand());
    registry.add(secretsCommand());
    registry.add(servicesCommand());
    registry.add(logsCommand());
    for (CliCommand c : {alertsCommand(), silenceCommand(), silencesCommand(), unsilenceCommand(),
                         alertRulesCommand()})
        registry.add(std::move(c));
    return runCommandLine(argc, argv, registry);
}
