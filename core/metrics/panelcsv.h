// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>

namespace Opsdeck {

struct PanelResult;

/**
 * A panel's series as CSV, the way Grafana's "Download CSV" lays them out: one row per step of
 * the panel's grid — the time (ISO 8601, UTC), then each series' value (17 significant digits,
 * so a value reads back exactly) — and an empty cell where a series has no sample.
 */
QByteArray panelCsv(const PanelResult &result);

/** panelCsv() written to `path` atomically (QSaveFile): the path, or why it was not written. */
Result<QString> savePanelCsv(const PanelResult &result, const QString &path);

} // namespace Opsdeck
