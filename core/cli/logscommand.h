// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck logs ENV [--host H] [--source S] [--since T] [--until T] [--grep RE] [--level L]
 * [-n N] [-f] [--json]`: every host's logs merged by time. */
CliCommand logsCommand();

} // namespace Opsdeck
