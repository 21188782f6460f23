// SPDX-License-Identifier: GPL-3.0-or-later
#include "suggest.h"

#include <algorithm>
#include <vector>

namespace Opsdeck {

namespace {

/** Optimal string alignment distance, case-insensitive. */
qsizetype editDistance(const QString &a, const QString &b)
{
    const QString x = a.toCaseFolded(), y = b.toCaseFolded();
    const qsizetype n = x.size(), m = y.size();
    std::vector<std::vector<qsizetype>> d(size_t(n + 1), std::vector<qsizetype>(size_t(m + 1)));
    for (qsizetype i = 0; i <= n; ++i)
        d[size_t(i)][0] = i;
    for (qsizetype j = 0; j <= m; ++j)
        d[0][size_t(j)] = j;
    for (qsizetype i = 1; i <= n; ++i)
        for (qsizetype j = 1; j <= m; ++j) {
            const qsizetype cost = x[i - 1] == y[j - 1] ? 0 : 1;
            qsizetype best =
                std::min({d[size_t(i - 1)][size_t(j)] + 1, d[size_t(i)][size_t(j - 1)] + 1,
                          d[size_t(i - 1)][size_t(j - 1)] + cost});
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1])
                best = std::min(best, d[size_t(i - 2)][size_t(j - 2)] + 1);
            d[size_t(i)][size_t(j)] = best;
        }
    return d[size_t(n)][size_t(m)];
}

} // namespace

QString nearestName(const QString &typed, const QStringList &known)
{
    // One edit in four characters is a typo; more is another word ("qa" is not "staging").
    const qsizetype allowed = std::max<qsizetype>(1, typed.size() / 4 + 1);
    QString best;
    qsizetype bestDistance = allowed + 1;
    for (const QString &name : known) {
        const qsizetype distance =
            name.startsWith(typed, Qt::CaseInsensitive) && typed.size() >= 3
                ? std::min<qsizetype>(1, editDistance(typed, name)) // "prod" → "production"
                : editDistance(typed, name);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = name;
        }
    }
    return bestDistance <= allowed ? best : QString();
}

QString didYouMean(const QString &typed, const QStringList &known)
{
    const QString near = nearestName(typed, known);
    return near.isEmpty() ? QString() : QStringLiteral(" — did you mean '%1'?").arg(near);
}

} // namespace Opsdeck
