// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

#include <optional>

namespace Opsdeck {

extern const char kDbBackupUsage[];

/** `opsdeck db backup|backups|restore|clone ...`, or nothing when the subcommand is another. */
std::optional<int> runDbBackup(CliContext &ctx);

} // namespace Opsdeck
