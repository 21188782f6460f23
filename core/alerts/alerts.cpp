// SPDX-License-Identifier: GPL-3.0-or-later
#include "alerts.h"

#include "common/formatting.h"
#include "logs/logparse.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace Opsdeck {

AlertSeverity severityOf(const LabelSet &labels)
{
    const QString s = labels.value(QStringLiteral("severity")).toLower();
    if (s == QLatin1String("critical") || s == QLatin1String("page") ||
        s == QLatin1String("error") || s == QLatin1String("high"))
        return AlertSeverity::Critical;
    if (s == QLatin1String("warning") || s == QLatin1String("warn") || s == QLatin1String("medium"))
        return AlertSeverity::Warning;
    if (s.isEmpty())
        return AlertSeverity::None;
    return AlertSeverity::Info;
}

QString severityName(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Critical:
        return QStringLiteral("critical");
    case AlertSeverity::Warning:
        return QStringLiteral("warning");
    case AlertSeverity::Info:
        return QStringLiteral("info");
    case AlertSeverity::None:
        break;
    }
    return QStringLiteral("none");
}

QString AlertInstance::title(const QStringList &distinguishing) const
{
    QStringList parts{labels.value(QStringLiteral("alertname"))};
    for (const QString &label : distinguishing)
        if (const QString v = labels.value(label); !v.isEmpty())
            parts << v;
    return parts.join(QLatin1Char(' '));
}

int AlertRule::firingCount() const
{
    return int(std::count_if(alerts.cbegin(), alerts.cend(),
                             [](const AlertInstance &a) { return a.isFiring(); }));
}

QStringList AlertRule::distinguishingLabels() const
{
    // The labels people tell instances apart by come first ("InstanceDown web2").
    static const QStringList preferred = {QStringLiteral("host"), QStringLiteral("instance"),
                                          QStringLiteral("service"), QStringLiteral("job")};
    QStringList differing;
    if (alerts.size() == 1) {
        for (const QString &p : preferred)
            if (alerts.first().labels.contains(p))
                return {p};
        return {};
    }
    for (const AlertInstance &a : alerts)
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            if (!differing.contains(it.key()) &&
                alerts.first().labels.value(it.key()) != it.value())
                differing << it.key();
    std::sort(differing.begin(), differing.end(), [](const QString &a, const QString &b) {
        const qsizetype ia = preferred.indexOf(a), ib = preferred.indexOf(b);
        return (ia < 0 ? 99 : ia) != (ib < 0 ? 99 : ib) ? (ia < 0 ? 99 : ia) < (ib < 0 ? 99 : ib)
                                                        : a < b;
    });
    return differing.mid(0, 2);
}

QString SilenceMatcher::text() const
{
    const QString op = isRegex ? (isEqual ? QStringLiteral("=~") : QStringLiteral("!~"))
                               : (isEqual ? QStringLiteral("=") : QStringLiteral("!="));
    QString quoted = value;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return name + op + QLatin1Char('"') + quoted + QLatin1Char('"');
}

Result<SilenceMatcher> SilenceMatcher::parse(const QString &text)
{
    static const QRegularExpression form(
        QStringLiteral(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$)"));
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch())
        return Result<SilenceMatcher>::failure(
            QStringLiteral("'%1': expected a matcher like alertname=InstanceDown, "
                           "instance=~\"web.*\" or severity!=info")
                .arg(text));
    SilenceMatcher matcher;
    matcher.name = m.captured(1);
    const QString op = m.captured(2);
    matcher.isEqual = !op.startsWith(QLatin1Char('!'));
    matcher.isRegex = op.endsWith(QLatin1Char('~'));
    QString value = m.captured(3);
    if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) &&
        value.endsWith(QLatin1Char('"'))) {
        value = value.mid(1, value.size() - 2);
        value.replace(QStringLiteral("\\\""), QStringLiteral("\""))
            .replace(QStringLiteral("\\\\"), QStringLiteral("\\"));
    }
    if (matcher.isRegex && !QRegularExpression(value).isValid())
        return Result<SilenceMatcher>::failure(
            QStringLiteral("'%1': not a regular expression").arg(value));
    matcher.value = value;
    return matcher;
}

QString Silence::matchersText() const
{
    QStringList parts;
    for (const SilenceMatcher &m : matchers)
        parts << m.text();
    return parts.join(QStringLiteral(", "));
}

namespace {

QString isoMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

qint64 parseTime(const QJsonValue &value)
{
    const QByteArray text = value.toString().toUtf8();
    return LogTime::parseIso(text.constData(), text.size()).value_or(0);
}

LabelSet labelSet(const QJsonValue &value)
{
    LabelSet labels;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

QStringList strings(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &v : value.toArray())
        list << v.toString();
    return list;
}

/** The document, or why not: a non-2xx status with the server's own message when it sent one. */
Result<QJsonDocument> document(const QByteArray &body, int httpStatus, const char *what)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (httpStatus < 200 || httpStatus >= 300) {
        QString message = doc.object().value(QStringLiteral("error")).toString();
        if (message.isEmpty() && doc.isObject())
            message = doc.object().value(QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = QString::fromUtf8(body.left(200)).simplified();
        return Result<QJsonDocument>::failure(QStringLiteral("%1: HTTP %2: %3")
                                                  .arg(QLatin1String(what))
                                                  .arg(httpStatus)
                                                  .arg(message));
    }
    if (error.error != QJsonParseError::NoError)
        return Result<QJsonDocument>::failure(QStringLiteral("%1: not JSON (%2 at byte %3)")
                                                  .arg(QLatin1String(what), error.errorString())
                                                  .arg(error.offset));
    return doc;
}

AlertInstance alertInstance(const QJsonObject &a)
{
    AlertInstance alert;
    alert.labels = labelSet(a.value(QStringLiteral("labels")));
    alert.annotations = labelSet(a.value(QStringLiteral("annotations")));
    alert.state = a.value(QStringLiteral("state")).toString();
    alert.activeAtMs = parseTime(a.value(QStringLiteral("activeAt")));
    alert.value = a.value(QStringLiteral("value")).toString();
    return alert;
}

AlertRule alertRule(const QJsonObject &r, const QString &group, const QString &file)
{
    AlertRule rule;
    rule.group = group;
    rule.file = file;
    rule.name = r.value(QStringLiteral("name")).toString();
    rule.query = r.value(QStringLiteral("query")).toString();
    rule.forMs = qint64(r.value(QStringLiteral("duration")).toDouble() * 1000);
    rule.labels = labelSet(r.value(QStringLiteral("labels")));
    rule.annotations = labelSet(r.value(QStringLiteral("annotations")));
    rule.state = r.value(QStringLiteral("state")).toString();
    rule.health = r.value(QStringLiteral("health")).toString();
    rule.lastError = r.value(QStringLiteral("lastError")).toString();
    const QJsonArray alerts = r.value(QStringLiteral("alerts")).toArray();
    for (qsizetype i = 0; i < alerts.size() && i < kMaxAlertsPerRule; ++i)
        rule.alerts << alertInstance(alerts.at(i).toObject());
    return rule;
}

} // namespace

QByteArray Silence::toJson() const
{
    QJsonArray list;
    for (const SilenceMatcher &m : matchers)
        list << QJsonObject{{QStringLiteral("name"), m.name},
                            {QStringLiteral("value"), m.value},
                            {QStringLiteral("isRegex"), m.isRegex},
                            {QStringLiteral("isEqual"), m.isEqual}};
    QJsonObject object{{QStringLiteral("matchers"), list},
                       {QStringLiteral("startsAt"), isoMs(startsAtMs)},
                       {QStringLiteral("endsAt"), isoMs(endsAtMs)},
                       {QStringLiteral("createdBy"), createdBy},
                       {QStringLiteral("comment"), comment}};
    if (!id.isEmpty()) // an update of an existing silence
        object.insert(QStringLiteral("id"), id);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<QList<AlertRule>> parseAlertRules(const QByteArray &body, int httpStatus)
{
    const Result<QJsonDocument> doc = document(body, httpStatus, "Prometheus rules");
    if (!doc)
        return Result<QList<AlertRule>>::failure(doc.errorString());
    const QJsonObject root = doc->object();
    if (root.value(QStringLiteral("status")).toString() != QLatin1String("success"))
        return Result<QList<AlertRule>>::failure(
            QStringLiteral("Prometheus rules: %1")
                .arg(root.value(QStringLiteral("error")).toString(QStringLiteral("no data"))));
    QList<AlertRule> rules;
    const QJsonArray groups =
        root.value(QStringLiteral("data")).toObject().value(QStringLiteral("groups")).toArray();
    for (const QJsonValue &g : groups) {
        const QJsonObject group = g.toObject();
        const QString name = group.value(QStringLiteral("name")).toString();
        const QString file = group.value(QStringLiteral("file")).toString();
        for (const QJsonValue &r : group.value(QStringLiteral("rules")).toArray()) {
            const QJsonObject rule = r.toObject();
            if (rule.value(QStringLiteral("type")).toString() != QLatin1String("alerting"))
                continue;
            if (rules.size() >= kMaxAlertRules)
                return rules;
            rules << alertRule(rule, name, file);
        }
    }
    return rules;
}

namespace {

ManagedAlert managedAlert(const QJsonObject &a)
{
    const QJsonObject status = a.value(QStringLiteral("status")).toObject();
    return ManagedAlert{labelSet(a.value(QStringLiteral("labels"))),
                        status.value(QStringLiteral("state")).toString(),
                        strings(status.value(QStringLiteral("silencedBy"))),
                        strings(status.value(QStringLiteral("inhibitedBy")))};
}

} // namespace

Result<QList<ManagedAlert>> parseManagedAlerts(const QByteArray &body, int httpStatus)
{
    const Result<QJsonDocument> doc = document(body, httpStatus, "Alertmanager alerts");
    if (!doc)
        return Result<QList<ManagedAlert>>::failure(doc.errorString());
    QList<ManagedAlert> alerts;
    const QJsonArray list = doc->array();
    for (qsizetype i = 0; i < list.size() && i < kMaxAlertRules; ++i)
        alerts << managedAlert(list.at(i).toObject());
    return alerts;
}

Result<QList<AlertGroup>> parseAlertGroups(const QByteArray &body, int httpStatus)
{
    const Result<QJsonDocument> doc = document(body, httpStatus, "Alertmanager alert groups");
    if (!doc)
        return Result<QList<AlertGroup>>::failure(doc.errorString());
    QList<AlertGroup> groups;
    qsizetype read = 0;
    for (const QJsonValue &g : doc->array()) {
        const QJsonObject group = g.toObject();
        AlertGroup parsed{labelSet(group.value(QStringLiteral("labels"))),
                          group.value(QStringLiteral("receiver"))
                              .toObject()
                              .value(QStringLiteral("name"))
                              .toString(),
                          {}};
        for (const QJsonValue &a : group.value(QStringLiteral("alerts")).toArray()) {
            if (++read > kMaxAlertRules)
                break;
            parsed.alerts << managedAlert(a.toObject());
        }
        groups << parsed;
        if (read > kMaxAlertRules)
            break;
    }
    return groups;
}

bool isSameAlert(const ManagedAlert &managed, const AlertInstance &alert)
{
    for (auto it = alert.labels.cbegin(); it != alert.labels.cend(); ++it)
        if (managed.labels.value(it.key()) != it.value())
            return false;
    return true;
}

Result<QList<Silence>> parseSilences(const QByteArray &body, int httpStatus)
{
    const Result<QJsonDocument> doc = document(body, httpStatus, "Alertmanager silences");
    if (!doc)
        return Result<QList<Silence>>::failure(doc.errorString());
    QList<Silence> silences;
    const QJsonArray list = doc->array();
    for (qsizetype i = 0; i < list.size() && i < kMaxSilences; ++i) {
        const QJsonObject s = list.at(i).toObject();
        Silence silence;
        silence.id = s.value(QStringLiteral("id")).toString();
        silence.state =
            s.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString();
        silence.startsAtMs = parseTime(s.value(QStringLiteral("startsAt")));
        silence.endsAtMs = parseTime(s.value(QStringLiteral("endsAt")));
        silence.createdBy = s.value(QStringLiteral("createdBy")).toString();
        silence.comment = s.value(QStringLiteral("comment")).toString();
        for (const QJsonValue &m : s.value(QStringLiteral("matchers")).toArray()) {
            const QJsonObject o = m.toObject();
            silence.matchers << SilenceMatcher{o.value(QStringLiteral("name")).toString(),
                                               o.value(QStringLiteral("value")).toString(),
                                               o.value(QStringLiteral("isRegex")).toBool(),
                                               o.value(QStringLiteral("isEqual")).toBool(true)};
        }
        silences << silence;
    }
    // Active first, then the newest: what `opsdeck silences` and the pane list.
    std::stable_sort(silences.begin(), silences.end(), [](const Silence &a, const Silence &b) {
        if (a.isActive() != b.isActive())
            return a.isActive();
        return a.startsAtMs > b.startsAtMs;
    });
    return silences;
}

void markSilenced(QList<AlertRule> &rules, const QList<ManagedAlert> &managed)
{
    // Alertmanager's labels are Prometheus' plus any external labels: match on Prometheus' own.
    QMultiHash<QString, const ManagedAlert *> byName;
    for (const ManagedAlert &m : managed)
        byName.insert(m.labels.value(QStringLiteral("alertname")), &m);
    for (AlertRule &rule : rules)
        for (AlertInstance &alert : rule.alerts) {
            const auto candidates = byName.values(alert.labels.value(QStringLiteral("alertname")));
            for (const ManagedAlert *m : candidates) {
                if (isSameAlert(*m, alert)) {
                    alert.silencedBy = m->silencedBy;
                    alert.inhibitedBy = m->inhibitedBy;
                    break;
                }
            }
        }
}

void keepEnvironmentAlerts(QList<AlertRule> &rules, const QStringList &otherEnvironments)
{
    if (otherEnvironments.isEmpty())
        return;
    for (AlertRule &rule : rules) {
        rule.alerts.removeIf([&otherEnvironments](const AlertInstance &a) {
            for (const char *label : {"env", "environment"})
                if (otherEnvironments.contains(a.labels.value(QLatin1String(label))))
                    return true;
            return false;
        });
        if (rule.firingCount() > 0)
            rule.state = QStringLiteral("firing");
        else if (!rule.alerts.isEmpty())
            rule.state = QStringLiteral("pending");
        else
            rule.state = QStringLiteral("inactive");
    }
}

QList<AlertInstance> AlertsSnapshot::firing() const
{
    QList<AlertInstance> list;
    for (const AlertRule &rule : rules)
        for (const AlertInstance &a : rule.alerts)
            if (a.isFiring())
                list << a;
    std::stable_sort(list.begin(), list.end(), [](const AlertInstance &a, const AlertInstance &b) {
        if (a.isSilenced() != b.isSilenced())
            return !a.isSilenced();
        if (a.severity() != b.severity())
            return a.severity() > b.severity();
        return a.activeAtMs < b.activeAtMs;
    });
    return list;
}

int AlertsSnapshot::pendingCount() const
{
    int pending = 0;
    for (const AlertRule &rule : rules)
        for (const AlertInstance &a : rule.alerts)
            pending += a.state == QLatin1String("pending");
    return pending;
}

AlertSeverity AlertsSnapshot::worstFiring() const
{
    AlertSeverity worst = AlertSeverity::None;
    for (const AlertInstance &a : firing())
        if (!a.isSilenced())
            worst = std::max(worst, a.severity());
    return worst;
}

QString AlertsSnapshot::summary() const
{
    int firingLoud = 0, silenced = 0;
    for (const AlertInstance &a : firing())
        (a.isSilenced() ? silenced : firingLoud)++;
    QStringList parts;
    if (firingLoud) {
        const AlertSeverity worst = worstFiring();
        parts << (worst == AlertSeverity::None
                      ? QStringLiteral("%1 firing").arg(firingLoud)
                      : QStringLiteral("%1 firing (%2)").arg(firingLoud).arg(severityName(worst)));
    }
    if (const int pending = pendingCount())
        parts << QStringLiteral("%1 pending").arg(pending);
    if (silenced)
        parts << QStringLiteral("%1 silenced").arg(silenced);
    return parts.isEmpty() ? QStringLiteral("no alerts firing") : parts.join(QStringLiteral(" · "));
}

} // namespace Opsdeck
