// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck config get|set|diff`: an environment's local .env files. */
CliCommand configCommand();

} // namespace Opsdeck
