// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The one function a command-line module exports. The `opsdeck` launcher (no Qt, no libraries
 * beyond libc) loads the module a command needs with dlopen and calls it; a module links only
 * the libraries its commands use, so `opsdeck secrets decrypt` (git textconv, shell loops) never
 * loads libpq, libssh or any of Qt's GUI modules.
 */
#define OPSDECK_MODULE_ENTRY "opsdeck_command_main"

extern "C" {
using OpsdeckCommandMain = int (*)(int argc, char *argv[]);
}
