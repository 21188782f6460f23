// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertdetails.h"

#include "alerts/alertactions.h"
#include "common/formatting.h"

#include <QDateTime>

namespace Opsdeck {

namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString table(const LabelSet &pairs)
{
    if (pairs.isEmpty())
        return QStringLiteral("<p><i>none</i></p>");
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='2'>");
    for (auto it = pairs.cbegin(); it != pairs.cend(); ++it)
        html += QStringLiteral("<tr><td><tt>%1</tt></td><td>%2</td></tr>")
                    .arg(esc(it.key()),
                         esc(it.value()).replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    return html + QStringLiteral("</table>");
}

QString section(const QString &title)
{
    return QStringLiteral("<h4 style='margin-bottom:2px'>%1</h4>").arg(title);
}

QString silencesHolding(const AlertInstance &alert, const QList<Silence> &silences)
{
    QString html;
    for (const QString &id : alert.silencedBy) {
        const auto it = std::find_if(silences.cbegin(), silences.cend(),
                                     [&id](const Silence &s) { return s.id == id; });
        if (it == silences.cend()) {
            html += QStringLiteral("<p>Silenced by %1</p>").arg(esc(id));
            continue;
        }
        html += QStringLiteral("<p>Silenced by <tt>%1</tt> until %2<br>%3 — %4</p>")
                    .arg(esc(it->matchersText()), esc(AlertActions::untilText(it->endsAtMs)),
                         esc(it->createdBy), esc(it->comment));
    }
    if (!alert.inhibitedBy.isEmpty())
        html += QStringLiteral("<p>Inhibited: another alert that fires covers it.</p>");
    return html;
}

} // namespace

QString alertGroupDetailsHtml(const AlertGroup &group, const QList<const AlertInstance *> &alerts)
{
    QString html = QStringLiteral("<h3>Alertmanager group</h3><p>Notified together to <b>%1</b>; "
                                  "Silence… on this row silences the whole group.</p>")
                       .arg(esc(group.receiver));
    html += section(QStringLiteral("Grouped by")) + table(group.labels);
    html += section(QStringLiteral("Alerts"));
    html += QStringLiteral("<table cellspacing='0' cellpadding='2'>");
    for (const AlertInstance *a : alerts)
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                    .arg(esc(a->labels.value(QStringLiteral("alertname"))), esc(a->state),
                         esc(a->isSilenced() ? QStringLiteral("silenced")
                                             : a->annotations.value(QStringLiteral("summary"))));
    return html + QStringLiteral("</table>");
}

QUrl runbookUrl(const AlertRule &rule, const AlertInstance *alert)
{
    for (const LabelSet *annotations : {alert ? &alert->annotations : nullptr, &rule.annotations})
        for (const char *key : {"runbook_url", "runbook"})
            if (annotations && annotations->contains(QLatin1String(key))) {
                const QUrl url(annotations->value(QLatin1String(key)));
                if (url.isValid() && (url.scheme() == QLatin1String("https") ||
                                      url.scheme() == QLatin1String("http")))
                    return url;
            }
    return {};
}

QString alertDetailsHtml(const AlertRule &rule, const AlertInstance *alert,
                         const QList<Silence> &silences)
{
    QString html = QStringLiteral("<h3>%1</h3>")
                       .arg(esc(alert ? alert->title(rule.distinguishingLabels()) : rule.name));
    const QString state = alert ? alert->state : rule.state;
    QStringList facts{QStringLiteral("<b>%1</b>").arg(esc(state)),
                      esc(severityName(alert ? alert->severity() : severityOf(rule.labels)))};
    if (alert && alert->activeAtMs > 0)
        facts << QStringLiteral("active since %1 (%2)")
                     .arg(
                         QDateTime::fromMSecsSinceEpoch(alert->activeAtMs, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")),
                         formatAge(double(QDateTime::currentMSecsSinceEpoch() - alert->activeAtMs) /
                                   1000.0));
    if (alert && !alert->value.isEmpty())
        facts << QStringLiteral("value %1").arg(esc(alert->value));
    html += QStringLiteral("<p>%1</p>").arg(facts.join(QStringLiteral(" · ")));
    if (const QUrl runbook = runbookUrl(rule, alert); runbook.isValid())
        html += QStringLiteral("<p><a href='%1'>Runbook</a> <small>%2</small></p>")
                    .arg(esc(QString::fromUtf8(runbook.toEncoded())), esc(runbook.toString()));
    if (alert)
        html += silencesHolding(*alert, silences);
    const LabelSet &annotations = alert ? alert->annotations : rule.annotations;
    html += section(QStringLiteral("Annotations")) + table(annotations);
    if (alert)
        html += section(QStringLiteral("Labels")) + table(alert->labels);
    html += section(QStringLiteral("Rule"));
    html += QStringLiteral("<p>Group <tt>%1</tt>%2 · for %3</p>")
                .arg(esc(rule.group),
                     rule.file.isEmpty() ? QString()
                                         : QStringLiteral(" in <tt>%1</tt>").arg(esc(rule.file)),
                     esc(formatDuration(rule.forMs / 1000)));
    html += QStringLiteral("<pre>%1</pre>").arg(esc(rule.query));
    if (rule.health == QLatin1String("err"))
        html += QStringLiteral("<p style='color:#b00020'>Prometheus cannot evaluate it: %1</p>")
                    .arg(esc(rule.lastError));
    return html;
}

} // namespace Opsdeck
