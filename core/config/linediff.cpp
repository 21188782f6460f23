// SPDX-License-Identifier: GPL-3.0-or-later
#include "linediff.h"

#include <vector>

namespace Opsdeck {

QList<DiffLine> lineDiff(const QStringList &before, const QStringList &after, int maxLines)
{
    const qsizetype n = before.size(), m = after.size();
    QList<DiffLine> out;
    if (n > maxLines || m > maxLines) {
        for (const QString &line : before)
            out << DiffLine{DiffLine::Kind::Removed, line};
        for (const QString &line : after)
            out << DiffLine{DiffLine::Kind::Added, line};
        return out;
    }
    // lcs[i][j]: length of the LCS of before[i..] and after[j..].
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = before.at(i) == after.at(j) ? lcs[i + 1][j + 1] + 1
                                                    : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    qsizetype i = 0, j = 0;
    while (i < n && j < m) {
        if (before.at(i) == after.at(j)) {
            out << DiffLine{DiffLine::Kind::Same, before.at(i)};
            ++i, ++j;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
            out << DiffLine{DiffLine::Kind::Removed, before.at(i++)};
        } else {
            out << DiffLine{DiffLine::Kind::Added, after.at(j++)};
        }
    }
    while (i < n)
        out << DiffLine{DiffLine::Kind::Removed, before.at(i++)};
    while (j < m)
        out << DiffLine{DiffLine::Kind::Added, after.at(j++)};
    return out;
}

QString diffText(const QList<DiffLine> &diff)
{
    QString text;
    for (const DiffLine &line : diff) {
        text += line.kind == DiffLine::Kind::Same      ? QLatin1Char(' ')
                : line.kind == DiffLine::Kind::Removed ? QLatin1Char('-')
                                                       : QLatin1Char('+');
        text += line.text + QLatin1Char('\n');
    }
    return text;
}

} // namespace Opsdeck
