// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck secrets decrypt FILE`: sops-compatible decryption with sops's exit codes. */
CliCommand secretsCommand();

} // namespace Opsdeck
