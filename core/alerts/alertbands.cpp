// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertbands.h"

#include <QDateTime>
#include <QHash>

namespace Opsdeck {

namespace {

bool isNameStart(QChar c)
{
    return c.isLetter() || c == QLatin1Char('_') || c == QLatin1Char(':');
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || c.isDigit();
}

/** Skips from `i` (at `open`) past its matching `close`, strings included. */
qsizetype skipGroup(const QString &text, qsizetype i, QChar open, QChar close)
{
    int depth = 0;
    for (; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('"') || c == QLatin1Char('\'') || c == QLatin1Char('`')) {
            for (++i; i < text.size() && text.at(i) != c; ++i)
                if (text.at(i) == QLatin1Char('\\'))
                    ++i;
        } else if (c == open) {
            ++depth;
        } else if (c == close && --depth == 0) {
            return i + 1;
        }
    }
    return i;
}

const QSet<QString> &keywords()
{
    static const QSet<QString> words{
        QStringLiteral("by"),       QStringLiteral("without"),    QStringLiteral("on"),
        QStringLiteral("ignoring"), QStringLiteral("group_left"), QStringLiteral("group_right"),
        QStringLiteral("bool"),     QStringLiteral("and"),        QStringLiteral("or"),
        QStringLiteral("unless"),   QStringLiteral("offset"),     QStringLiteral("atan2"),
        QStringLiteral("inf"),      QStringLiteral("nan"),        QStringLiteral("start"),
        QStringLiteral("end")};
    return words;
}

/** Aggregations may put `by (…)` between their name and their parenthesis. */
bool isAggregation(const QString &word)
{
    static const QSet<QString> names{
        QStringLiteral("sum"),     QStringLiteral("avg"),        QStringLiteral("min"),
        QStringLiteral("max"),     QStringLiteral("count"),      QStringLiteral("group"),
        QStringLiteral("stddev"),  QStringLiteral("stdvar"),     QStringLiteral("topk"),
        QStringLiteral("bottomk"), QStringLiteral("quantile"),   QStringLiteral("count_values"),
        QStringLiteral("limitk"),  QStringLiteral("limit_ratio")};
    return names.contains(word);
}

} // namespace

QSet<QString> promqlMetricNames(const QString &promql)
{
    QSet<QString> names;
    qsizetype i = 0;
    bool labelList = false; // the ( after by/without/on/ignoring/group_x holds label names
    while (i < promql.size()) {
        const QChar c = promql.at(i);
        if (c == QLatin1Char('"') || c == QLatin1Char('\'') || c == QLatin1Char('`')) {
            for (++i; i < promql.size() && promql.at(i) != c; ++i)
                if (promql.at(i) == QLatin1Char('\\'))
                    ++i;
            ++i;
        } else if (c == QLatin1Char('{')) {
            i = skipGroup(promql, i, QLatin1Char('{'), QLatin1Char('}'));
        } else if (c == QLatin1Char('[')) {
            i = skipGroup(promql, i, QLatin1Char('['), QLatin1Char(']'));
        } else if (c == QLatin1Char('(') && labelList) {
            i = skipGroup(promql, i, QLatin1Char('('), QLatin1Char(')'));
            labelList = false;
        } else if (c == QLatin1Char('#')) { // a comment runs to the end of the line
            while (i < promql.size() && promql.at(i) != QLatin1Char('\n'))
                ++i;
        } else if (c.isDigit() ||
                   (c == QLatin1Char('.') && i + 1 < promql.size() && promql.at(i + 1).isDigit())) {
            while (i < promql.size() &&
                   (promql.at(i).isLetterOrNumber() || promql.at(i) == QLatin1Char('.')))
                ++i; // 5, 0.05, 1e3, 5m, 0x1f
        } else if (isNameStart(c)) {
            const qsizetype start = i;
            while (i < promql.size() && isNameChar(promql.at(i)))
                ++i;
            const QString word = promql.mid(start, i - start);
            qsizetype next = i;
            while (next < promql.size() && promql.at(next).isSpace())
                ++next;
            const bool call = next < promql.size() && promql.at(next) == QLatin1Char('(');
            const QString lower = word.toLower();
            if (keywords().contains(lower)) {
                labelList = lower != QLatin1String("bool") && lower != QLatin1String("and") &&
                            lower != QLatin1String("or") && lower != QLatin1String("unless") &&
                            lower != QLatin1String("offset");
            } else if (!call && !isAggregation(lower)) {
                names.insert(word);
            }
        } else {
            if (!c.isSpace())
                labelList = false;
            ++i;
        }
    }
    return names;
}

QList<Annotation> alertAnnotations(const QList<AlertInterval> &intervals,
                                   const QList<AlertRule> &rules, const QString &panelQuery,
                                   bool all)
{
    const QSet<QString> panelMetrics = promqlMetricNames(panelQuery);
    QHash<QString, bool> related; // by alertname
    for (const AlertRule &rule : rules)
        related[rule.name] =
            related.value(rule.name) || promqlMetricNames(rule.query).intersects(panelMetrics);
    QList<Annotation> bands;
    for (const AlertInterval &interval : intervals) {
        const QString name = interval.labels.value(QStringLiteral("alertname"));
        if (!all && !related.value(name))
            continue;
        Annotation a;
        a.kind = Annotation::Kind::Alert;
        a.atMs = interval.fromMs;
        a.endMs = std::max(interval.toMs, interval.fromMs + 1);
        a.title = interval.title() + QStringLiteral(" firing");
        const QString severity = interval.labels.value(QStringLiteral("severity"));
        a.detail = (severity.isEmpty() ? QString() : severity + QStringLiteral(" · ")) +
                   (interval.ongoing ? QStringLiteral("still firing")
                                     : QStringLiteral("until %1")
                                           .arg(QDateTime::fromMSecsSinceEpoch(interval.toMs)
                                                    .toString(QStringLiteral("HH:mm:ss"))));
        bands << a;
    }
    return bands;
}

} // namespace Opsdeck
