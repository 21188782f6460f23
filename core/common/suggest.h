// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace Opsdeck {

/**
 * The known name nearest to a mistyped one ("stagin" → "staging"): the smallest edit distance
 * (insert, delete, replace, swap two neighbours), when it is small next to the name's length;
 * empty when nothing is close enough to be a likely typo.
 */
QString nearestName(const QString &typed, const QStringList &known);

/** " — did you mean 'staging'?" for a close name, else empty: appended to an "unknown" error. */
QString didYouMean(const QString &typed, const QStringList &known);

} // namespace Opsdeck
