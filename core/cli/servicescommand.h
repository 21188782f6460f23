// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck services ENV [--json]`: a container environment's services and their tasks. */
CliCommand servicesCommand();

} // namespace Opsdeck
