// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeseries.h"

#include <QRegularExpression>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <limits>

namespace Opsdeck {

QThreadPool *metricsThreadPool()
{
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
        return p;
    }();
    return pool;
}

TimeSeries::Stats TimeSeries::stats() const
{
    Stats s;
    double sum = 0;
    for (const double v : values) {
        if (std::isnan(v))
            continue;
        s.min = s.count ? std::min(s.min, v) : v;
        s.max = s.count ? std::max(s.max, v) : v;
        s.last = v;
        sum += v;
        ++s.count;
    }
    if (s.count)
        s.mean = sum / double(s.count);
    return s;
}

bool TimeSeries::isAllZeroOrNull() const
{
    return std::all_of(values.begin(), values.end(),
                       [](double v) { return std::isnan(v) || v == 0; });
}

QString seriesName(const QMap<QString, QString> &labels)
{
    QStringList parts;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        if (it.key() != QLatin1String("__name__"))
            parts << QStringLiteral("%1=\"%2\"")
                         .arg(it.key(), QString(it.value())
                                            .replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                                            .replace(QLatin1Char('"'), QStringLiteral("\\\"")));
    const QString metric = labels.value(QStringLiteral("__name__"));
    if (parts.isEmpty())
        return metric.isEmpty() ? QStringLiteral("{}") : metric;
    return metric + QLatin1Char('{') + parts.join(QStringLiteral(", ")) + QLatin1Char('}');
}

void applyLegendNames(QList<TimeSeries> &series, const QString &format, const QString &fallback)
{
    const bool labelled = std::any_of(series.cbegin(), series.cend(),
                                      [](const TimeSeries &s) { return !s.labels.isEmpty(); });
    if (!labelled && series.size() != 1)
        return;
    if (!format.isEmpty()) {
        static const QRegularExpression token(
            QStringLiteral("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}\\}"));
        for (TimeSeries &s : series) {
            QString name = format;
            for (QRegularExpressionMatch m = token.match(name); m.hasMatch(); m = token.match(name))
                name.replace(m.capturedStart(), m.capturedLength(), s.labels.value(m.captured(1)));
            s.name = name;
        }
        return;
    }
    if (series.size() == 1) {
        TimeSeries &s = series.first();
        QMap<QString, QString> rest = s.labels;
        const QString metric = rest.take(QStringLiteral("__name__"));
        const QStringList values = rest.values();
        s.name = !metric.isEmpty()   ? metric
                 : !values.isEmpty() ? values.join(QStringLiteral(", "))
                 : !labelled && !s.name.isEmpty() && s.name != QLatin1String("{}") ? s.name
                                                                                   : fallback;
        return;
    }
    QStringList keys; // every label any series has, then those whose values differ
    for (const TimeSeries &s : series)
        for (auto it = s.labels.cbegin(); it != s.labels.cend(); ++it)
            if (!keys.contains(it.key()))
                keys << it.key();
    keys.sort();
    QStringList differing;
    for (const QString &key : keys)
        for (const TimeSeries &s : series)
            if (s.labels.value(key) != series.first().labels.value(key)) {
                differing << key;
                break;
            }
    if (differing.isEmpty())
        return; // identical label sets: the full names are all there is
    for (TimeSeries &s : series) {
        QStringList parts;
        for (const QString &key : differing)
            parts << (differing.size() == 1
                          ? s.labels.value(key)
                          : QStringLiteral("%1=%2").arg(key, s.labels.value(key)));
        s.name = parts.join(QStringLiteral(", "));
    }
}

QList<TimeSeries> stacked(QList<TimeSeries> series)
{
    if (series.isEmpty())
        return series;
    const std::size_t n = series.first().values.size();
    std::vector<double> running(n, 0.0);
    std::vector<bool> any(n, false);
    for (TimeSeries &s : series) {
        if (s.values.size() != n)
            continue; // a different grid cannot be stacked: left as it is
        for (std::size_t i = 0; i < n; ++i) {
            if (!std::isnan(s.values[i])) {
                running[i] += s.values[i];
                any[i] = true;
            }
            s.values[i] = any[i] ? running[i] : NAN;
        }
    }
    return series;
}

QList<QList<QPointF>> drawableRuns(const TimeSeries &series, qint64 fromMs, qint64 toMs,
                                   int widthPx)
{
    QList<QList<QPointF>> runs;
    const std::size_t n = series.values.size();
    const double span = double(std::max<qint64>(toMs - fromMs, 1));
    const int columns = std::max(widthPx, 1);
    const bool decimate = n > std::size_t(columns) * 2;
    QList<QPointF> run;
    const auto flush = [&runs, &run] {
        if (!run.isEmpty())
            runs << std::move(run);
        run.clear();
    };
    // One pixel column being collected: first, min, max, last (by index).
    qint64 column = -1;
    std::size_t first = 0, minAt = 0, maxAt = 0, last = 0;
    const auto emitColumn = [&] {
        if (column < 0)
            return;
        std::size_t picks[4] = {first, minAt, maxAt, last};
        std::sort(std::begin(picks), std::end(picks));
        const std::size_t *end = std::unique(std::begin(picks), std::end(picks));
        for (const std::size_t *p = picks; p != end; ++p)
            run << QPointF(double(series.grid.timeAt(qint64(*p))), series.values[*p]);
        column = -1;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const double v = series.values[i];
        const qint64 t = series.grid.timeAt(qint64(i));
        if (std::isnan(v) || std::isinf(v)) { // a gap: the run ends here
            emitColumn();
            flush();
            continue;
        }
        if (!decimate) {
            run << QPointF(double(t), v);
            continue;
        }
        const qint64 c = qint64(double(t - fromMs) / span * columns);
        if (c != column) {
            emitColumn();
            column = c;
            first = minAt = maxAt = last = i;
            continue;
        }
        last = i;
        if (v < series.values[minAt])
            minAt = i;
        if (v > series.values[maxAt])
            maxAt = i;
    }
    emitColumn();
    flush();
    return runs;
}

QList<DrawnSeries> drawSeries(const QList<TimeSeries> &series, qint64 fromMs, qint64 toMs,
                              int widthPx, bool stack)
{
    QList<DrawnSeries> drawn;
    for (const TimeSeries &s : stack ? stacked(series) : series)
        drawn << DrawnSeries{s.name, drawableRuns(s, fromMs, toMs, widthPx)};
    return drawn;
}

} // namespace Opsdeck
