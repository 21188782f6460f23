// SPDX-License-Identifier: GPL-3.0-or-later
#include "panelcsv.h"

#include "common/csv.h"
#include "timeseries.h"

#include <QDateTime>
#include <QSaveFile>

#include <cmath>

namespace Opsdeck {

QByteArray panelCsv(const PanelResult &result)
{
    QByteArray out = "time";
    for (const TimeSeries &s : result.series)
        out += ',' + csvField(s.name).toUtf8();
    out += '\n';
    const QueryGrid &grid = result.grid;
    for (qint64 i = 0; i < grid.points(); ++i) {
        out +=
            QDateTime::fromMSecsSinceEpoch(grid.timeAt(i), Qt::UTC).toString(Qt::ISODate).toUtf8();
        for (const TimeSeries &s : result.series) {
            out += ',';
            // A series may sit on its own grid (an SQL panel's): the sample at this time, if any.
            const qint64 j =
                s.grid.stepMs > 0 ? (grid.timeAt(i) - s.grid.startMs) / s.grid.stepMs : -1;
            if (j >= 0 && std::size_t(j) < s.values.size() && !std::isnan(s.values[std::size_t(j)]))
                out += QByteArray::number(s.values[std::size_t(j)], 'g', 17);
        }
        out += '\n';
    }
    return out;
}

Result<QString> savePanelCsv(const PanelResult &result, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(panelCsv(result)) < 0 || !file.commit())
        return Result<QString>::failure(
            QStringLiteral("Could not write %1: %2").arg(path, file.errorString()));
    return path;
}

} // namespace Opsdeck
