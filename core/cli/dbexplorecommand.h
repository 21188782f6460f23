// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

#include <optional>

namespace Opsdeck {

/** The Database pane's terminal face: db tables|describe|query|explain. */
extern const char kDbExploreUsage[];

/** Runs `opsdeck db SUB …` when SUB is one of the explorer's; std::nullopt otherwise. */
std::optional<int> runDbExplore(CliContext &ctx);

} // namespace Opsdeck
