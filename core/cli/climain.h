// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Opsdeck {

class CommandRegistry;

/**
 * What a command-line module runs: a QCoreApplication (no GUI), `opsdeck -w FILE COMMAND …`
 * reordered to `COMMAND -w FILE …`, --help from the registry, then the command. Returns its
 * exit status (ExitCode).
 */
int runCommandLine(int argc, char *argv[], const CommandRegistry &registry);

} // namespace Opsdeck
