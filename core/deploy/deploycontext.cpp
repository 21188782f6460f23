// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploycontext.h"

#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>

namespace Opsdeck {

QString releaseName(const QDateTime &utc, const QString &revision)
{
    return utc.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")) + QLatin1Char('-') +
           revision.left(7);
}

QDateTime releaseTime(const QString &release)
{
    QDateTime t = QDateTime::fromString(release.left(16), QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    t.setTimeSpec(Qt::UTC);
    return t;
}

QString releaseRevision(const QString &release)
{
    const qsizetype dash = release.indexOf(QLatin1Char('-'));
    return dash < 0 ? QString() : release.mid(dash + 1);
}

QList<QStringList> computeBatches(const QStringList &hosts, const QStringList &batches)
{
    QList<QStringList> out;
    qsizetype next = 0;
    qsizetype i = 0;
    const qsizetype total = hosts.size();
    while (next < total) {
        const QString spec =
            batches.isEmpty() ? QStringLiteral("all") : batches.at(std::min(i, batches.size() - 1));
        qsizetype size = total - next;
        if (spec.endsWith(QLatin1Char('%'))) {
            const double share = spec.chopped(1).toDouble() / 100.0;
            size = qsizetype(std::floor(share * double(total)));
        } else if (spec != QLatin1String("all")) {
            size = spec.toLongLong();
        }
        size = std::clamp<qsizetype>(size, 1, total - next);
        out << hosts.mid(next, size);
        next += size;
        ++i;
    }
    return out;
}

} // namespace Opsdeck
