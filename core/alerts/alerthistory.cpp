// SPDX-License-Identifier: GPL-3.0-or-later
// What changed between two snapshots, and what fired in the past, from Prometheus' ALERTS series.
#include "alerts.h"

#include "metrics/timeseries.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace Opsdeck {

namespace {

bool belongsElsewhere(const LabelSet &labels, const QStringList &otherEnvironments)
{
    for (const char *label : {"env", "environment"})
        if (otherEnvironments.contains(labels.value(QLatin1String(label))))
            return true;
    return false;
}

/** An alert's identity across snapshots: its labels (Prometheus' own alert identity). */
QString identity(const LabelSet &labels)
{
    QString key;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        key += it.key() + QLatin1Char('\x1f') + it.value() + QLatin1Char('\x1e');
    return key;
}

} // namespace

bool SilenceMatcher::matches(const LabelSet &labels) const
{
    const QString actual = labels.value(name);
    bool equal = actual == value;
    if (isRegex) {
        const QRegularExpression re(QRegularExpression::anchoredPattern(value));
        equal = re.isValid() && re.match(actual).hasMatch();
    }
    return equal == isEqual;
}

bool Silence::matches(const LabelSet &labels) const
{
    return !matchers.isEmpty() &&
           std::all_of(matchers.cbegin(), matchers.cend(),
                       [&labels](const SilenceMatcher &m) { return m.matches(labels); });
}

QList<SilenceMatcher> silenceMatchersFor(const AlertRule &rule, const AlertInstance *alert)
{
    QList<SilenceMatcher> matchers{{QStringLiteral("alertname"), rule.name}};
    if (!alert)
        return matchers;
    QStringList names = rule.distinguishingLabels();
    for (const char *label : {"env", "environment", "host", "instance"})
        if (!names.contains(QLatin1String(label)))
            names << QLatin1String(label);
    for (const QString &name : std::as_const(names))
        if (const QString value = alert->labels.value(name);
            !value.isEmpty() && name != QLatin1String("alertname"))
            matchers << SilenceMatcher{name, value};
    return matchers;
}

QString AlertInterval::title() const
{
    // The labels an alert carries beyond the rule's own are usually the instance's.
    QStringList parts{labels.value(QStringLiteral("alertname"))};
    for (const char *label : {"host", "instance", "service", "job"})
        if (const QString v = labels.value(QLatin1String(label)); !v.isEmpty()) {
            parts << v;
            break;
        }
    return parts.join(QLatin1Char(' '));
}

QList<AlertInstance> newlyFiring(const AlertsSnapshot *before, const AlertsSnapshot &now)
{
    if (!before || !before->prometheusError.isEmpty())
        return {};
    QSet<QString> known;
    for (const AlertRule &rule : before->rules)
        for (const AlertInstance &a : rule.alerts)
            if (a.isFiring())
                known.insert(identity(a.labels));
    QList<AlertInstance> started;
    for (const AlertInstance &a : now.firing())
        if (!a.isSilenced() && !known.contains(identity(a.labels)))
            started << a;
    return started;
}

QString firingNotification(const QString &environment, const QList<AlertInstance> &alerts)
{
    QList<AlertInstance> worstFirst = alerts;
    std::stable_sort(
        worstFirst.begin(), worstFirst.end(),
        [](const AlertInstance &a, const AlertInstance &b) { return a.severity() > b.severity(); });
    // The rule's other alerts are not at hand here: the host (or instance) tells them apart.
    auto titleOf = [](const AlertInstance &a) {
        return a.title({a.labels.contains(QStringLiteral("host")) ? QStringLiteral("host")
                                                                  : QStringLiteral("instance")});
    };
    if (worstFirst.size() == 1) {
        const AlertInstance &a = worstFirst.first();
        const QString summary = a.annotations.value(QStringLiteral("summary"));
        return QStringLiteral("%1: %2 is firing (%3)%4")
            .arg(environment, titleOf(a), severityName(a.severity()),
                 summary.isEmpty() ? QString() : QString(QStringLiteral(" — ") + summary));
    }
    QStringList titles;
    for (const AlertInstance &a : std::as_const(worstFirst).mid(0, 4))
        titles << titleOf(a);
    if (worstFirst.size() > 4)
        titles << QStringLiteral("%1 more").arg(worstFirst.size() - 4);
    return QStringLiteral("%1: %2 alerts started firing: %3")
        .arg(environment)
        .arg(worstFirst.size())
        .arg(titles.join(QStringLiteral(", ")));
}

QList<AlertInterval> firingIntervals(const QList<TimeSeries> &series,
                                     const QStringList &otherEnvironments, int toleratedGapSteps)
{
    QList<AlertInterval> intervals;
    for (const TimeSeries &s : series) {
        LabelSet labels = s.labels;
        labels.remove(QStringLiteral("alertstate"));
        labels.remove(QStringLiteral("__name__"));
        if (belongsElsewhere(labels, otherEnvironments))
            continue;
        const qint64 n = qint64(s.values.size());
        qint64 i = 0;
        while (i < n) {
            while (i < n && std::isnan(s.values[size_t(i)]))
                ++i;
            if (i >= n)
                break;
            const qint64 first = i;
            qint64 last = i;
            // A missed evaluation or two inside a stretch does not split it.
            for (qint64 j = i + 1; j < n && j - last <= toleratedGapSteps + 1; ++j)
                if (!std::isnan(s.values[size_t(j)]))
                    last = j;
            AlertInterval interval;
            interval.labels = labels;
            interval.fromMs = s.grid.timeAt(first);
            interval.toMs = s.grid.timeAt(last);
            interval.ongoing = last == n - 1;
            intervals << interval;
            i = last + 1;
        }
    }
    std::sort(intervals.begin(), intervals.end(),
              [](const AlertInterval &a, const AlertInterval &b) { return a.fromMs < b.fromMs; });
    return intervals;
}

} // namespace Opsdeck

namespace Opsdeck {

void joinFiringNow(QList<AlertInterval> &intervals, const AlertsSnapshot &now, qint64 nowMs)
{
    for (const AlertRule &rule : now.rules) {
        for (const AlertInstance &alert : rule.alerts) {
            if (!alert.isFiring())
                continue;
            const qint64 firingSince = alert.activeAtMs > 0 ? alert.activeAtMs + rule.forMs : nowMs;
            AlertInterval *latest = nullptr;
            for (AlertInterval &interval : intervals)
                if (interval.labels == alert.labels &&
                    (!latest || interval.fromMs > latest->fromMs))
                    latest = &interval;
            // The same stretch when it reaches the current firing's start (evaluations and
            // activeAt differ by up to an evaluation interval).
            if (latest && latest->toMs >= firingSince - 30'000) {
                latest->toMs = std::max(latest->toMs, nowMs);
                latest->ongoing = true;
                continue;
            }
            AlertInterval interval;
            interval.labels = alert.labels;
            interval.fromMs = std::min(firingSince, nowMs);
            interval.toMs = nowMs;
            interval.ongoing = true;
            intervals << interval;
        }
    }
}

} // namespace Opsdeck
