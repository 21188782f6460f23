// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QString>

namespace Opsdeck {

/** Prometheus refuses a range query with more than 11,000 steps per series (HTTP 400). */
constexpr qint64 kMaxStepsPerSeries = 11000;

/** A time range, absolute or "the last N seconds" (re-evaluated at every refresh). */
struct TimeRange
{
    qint64 fromMs = 0, toMs = 0; // absolute, when lastSeconds == 0
    qint64 lastSeconds = 0;

    static TimeRange last(qint64 seconds) { return {0, 0, seconds}; }
    static TimeRange absolute(qint64 fromMs, qint64 toMs) { return {fromMs, toMs, 0}; }
    bool isRelative() const { return lastSeconds > 0; }
    /** The range as of `nowMs`: [from, to] in milliseconds since the epoch. */
    std::pair<qint64, qint64> resolve(qint64 nowMs) const;
    /** "Last 15 minutes", "2026-11-23 10:00 – 11:30". */
    QString label() const;
    bool operator==(const TimeRange &o) const = default;
};

/** The points a range query asks for: start and end aligned to the step, both inclusive. */
struct QueryGrid
{
    qint64 startMs = 0, endMs = 0, stepMs = 1000;

    qint64 points() const { return stepMs > 0 ? (endMs - startMs) / stepMs + 1 : 0; }
    qint64 timeAt(qint64 index) const { return startMs + index * stepMs; }
    bool isValid() const { return stepMs > 0 && endMs >= startMs; }
    bool operator==(const QueryGrid &o) const = default;
};

/** Grafana's roundInterval (backend version): a "nice" interval near `ms`. */
qint64 roundIntervalMs(qint64 ms);

/**
 * The step for a range drawn `widthPx` wide, as Grafana chooses it: about one point per pixel,
 * never under the scrape interval, never more than 11,000 steps; start and end floored to
 * multiples of the step (Prometheus caches aligned ranges, and refreshes line up).
 */
QueryGrid chooseGrid(qint64 fromMs, qint64 toMs, int widthPx, qint64 scrapeIntervalMs);

/** A step or duration as Prometheus reads it: "15s", "1m", "250ms", "2h". */
QString promDuration(qint64 ms);
/** "15s", "1m30s", "2h" → milliseconds; -1 when it does not read as a duration. */
qint64 parseDurationMs(const QString &text);

} // namespace Opsdeck
