// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck flags ls [ENV]` and `opsdeck flags diff ENV1 ENV2`. */
CliCommand flagsCommand();

} // namespace Opsdeck
