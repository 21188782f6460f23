// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"

namespace Opsdeck {

class PgConnection;

/**
 * `opsdeck db query --csv` for a query: the server formats the CSV (COPY ... TO STDOUT) and its
 * chunks are written to ctx.out as they arrive, at most 8 MiB waiting at a time. The exit code.
 */
int copyQueryAsCsv(CliContext &ctx, const QString &sql, PgConnection &db);

} // namespace Opsdeck
