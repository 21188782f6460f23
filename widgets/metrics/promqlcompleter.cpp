// SPDX-License-Identifier: GPL-3.0-or-later
#include "promqlcompleter.h"

#include "common/futures.h"
#include "metrics/prometheusclient.h"

#include <QCompleter>
#include <QLineEdit>
#include <QRegularExpression>
#include <QStringListModel>

namespace Opsdeck {

PromqlCompleter::PromqlCompleter(QLineEdit *editor, PrometheusClient *prometheus, QObject *parent)
    : QObject(parent)
    , m_query(editor)
    , m_prometheus(prometheus)
{
    auto *completer = new QCompleter(new QStringListModel(m_query), m_query);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_query->setCompleter(completer);
    connect(m_query, &QLineEdit::textEdited, this, &PromqlCompleter::completeLabels);
    onFinished(m_prometheus->labelValues(QStringLiteral("__name__")), this,
               [this](const Result<QStringList> &names) {
                   if (!names)
                       return;
                   m_metricNames = *names;
                   completeLabels(m_query->text());
               });
}

void PromqlCompleter::completeLabels(const QString &text)
{
    // Inside `metric{…`: complete that metric's label names; elsewhere: metric names.
    static const QRegularExpression inSelector(
        QStringLiteral("([A-Za-z_:][A-Za-z0-9_:]*)\\{([^}]*)$"));
    auto *model = qobject_cast<QStringListModel *>(m_query->completer()->model());
    const QRegularExpressionMatch m = inSelector.match(text);
    if (!m.hasMatch()) {
        if (model->stringList() != m_metricNames)
            model->setStringList(m_metricNames);
        return;
    }
    const QString metric = m.captured(1);
    // Inside `label="…`: that label's values for this metric.
    static const QRegularExpression inValue(
        QStringLiteral("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!=|!~|=)\\s*\"[^\"]*$"));
    if (const QRegularExpressionMatch v = inValue.match(m.captured(2)); v.hasMatch()) {
        completeLabelValues(text, metric, v.captured(1));
        return;
    }
    if (!m_labelNames.contains(metric)) {
        m_labelNames.insert(metric, {}); // asked once
        onFinished(m_prometheus->labelNames(metric), this,
                   [this, metric](const Result<QStringList> &names) {
                       if (!names)
                           return;
                       m_labelNames[metric] = *names;
                       completeLabels(m_query->text());
                   });
        return;
    }
    // The text up to the label being typed, then each label name.
    const qsizetype cut =
        std::max(text.lastIndexOf(QLatin1Char('{')), text.lastIndexOf(QLatin1Char(','))) + 1;
    QStringList entries;
    for (const QString &label : m_labelNames.value(metric))
        if (label != QLatin1String("__name__"))
            entries << text.left(cut) + label + QStringLiteral("=\"");
    model->setStringList(entries);
    m_query->completer()->complete();
}

void PromqlCompleter::completeLabelValues(const QString &text, const QString &metric,
                                          const QString &label)
{
    const QString key = metric + QLatin1Char('/') + label;
    if (!m_labelValues.contains(key)) {
        m_labelValues.insert(key, {}); // asked once
        onFinished(m_prometheus->labelValues(label, metric), this,
                   [this, key](const Result<QStringList> &values) {
                       if (!values)
                           return;
                       m_labelValues[key] = *values;
                       completeLabels(m_query->text());
                   });
        return;
    }
    // The text up to the opening quote, then each value, closed.
    const qsizetype cut = text.lastIndexOf(QLatin1Char('"')) + 1;
    QStringList entries;
    for (const QString &value : m_labelValues.value(key))
        entries << text.left(cut) + value + QLatin1Char('"');
    auto *model = qobject_cast<QStringListModel *>(m_query->completer()->model());
    model->setStringList(entries);
    m_query->completer()->complete();
}

} // namespace Opsdeck
