// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck check [WORKSPACE]`: validates a workspace and prints its problems with positions. */
CliCommand checkCommand();

} // namespace Opsdeck
