// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck db health ENV` and `opsdeck db activity ENV`: the database pane's terminal face. */
CliCommand dbCommand();

} // namespace Opsdeck
