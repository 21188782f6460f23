// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

/** `opsdeck alerts ENV [--all] [--json]`: exit 0 none firing, 1 warnings, 2 critical. */
CliCommand alertsCommand();
/** `opsdeck silence ENV MATCHER... --for 1h -m COMMENT [--yes]` (through the action pipeline). */
CliCommand silenceCommand();
/** `opsdeck silences ENV [--all] [--json]`. */
CliCommand silencesCommand();
/** `opsdeck unsilence ENV ID [-m COMMENT] [--yes]`. */
CliCommand unsilenceCommand();
/** `opsdeck alert-rules ENV [--json]`: the workspace's rule files checked (promtool) and
 * compared with ENV's Prometheus; exit 0 the same, 1 drift, 2 a file or the check failed. */
CliCommand alertRulesCommand();

} // namespace Opsdeck
