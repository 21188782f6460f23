// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

class QLineEdit;

namespace Opsdeck {

class PrometheusClient;

/**
 * Completion for a PromQL line edit, as Prometheus' own expression browser does it: metric
 * names, then inside `metric{` that metric's label names, then inside `label="` its values —
 * each asked of the server once, when first needed.
 */
class PromqlCompleter final : public QObject
{
    Q_OBJECT

public:
    PromqlCompleter(QLineEdit *editor, PrometheusClient *prometheus, QObject *parent);

private:
    void completeLabels(const QString &text);
    void completeLabelValues(const QString &text, const QString &metric, const QString &label);

    QLineEdit *m_query;
    PrometheusClient *m_prometheus;
    QStringList m_metricNames;
    QHash<QString, QStringList> m_labelNames;  // metric → its label names (asked once)
    QHash<QString, QStringList> m_labelValues; // "metric/label" → its values (asked once)
};

} // namespace Opsdeck
