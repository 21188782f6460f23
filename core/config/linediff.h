// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck {

struct DiffLine
{
    enum class Kind { Same, Removed, Added };
    Kind kind = Kind::Same;
    QString text;
};

/**
 * Line diff of two small texts (config files): longest common subsequence, so a moved line shows
 * as removed + added. Past `maxLines` on either side it degrades to "all removed, all added"
 * rather than spend quadratic memory.
 */
QList<DiffLine> lineDiff(const QStringList &before, const QStringList &after, int maxLines = 4000);

/** Unified-diff-like text ("-"/"+"/" " prefixes), for display. */
QString diffText(const QList<DiffLine> &diff);

} // namespace Opsdeck
