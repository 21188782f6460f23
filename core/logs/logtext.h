// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "logentry.h"

namespace Opsdeck {

/**
 * One log line as text, the same wherever it is written — `opsdeck logs`, the Logs pane's Copy and
 * Export: `web1 | access.log | 2026-12-07T14:02:11.123Z INFO     GET /timeline 200`, the time in
 * UTC, the level padded so messages line up (CRITICAL too), an interruption marked `── `.
 */
QString logLineText(const LogEntry &entry);

/** The lines written to `path` atomically (QSaveFile), one logLineText() each: how many, or why
 * they were not written. */
Result<qsizetype> saveLogText(const QList<LogEntry> &entries, const QString &path);

} // namespace Opsdeck
