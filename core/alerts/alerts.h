// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace Opsdeck {

using LabelSet = QMap<QString, QString>;

/** How bad an alert says it is, from its `severity` label; ordered. */
enum class AlertSeverity { None, Info, Warning, Critical };
AlertSeverity severityOf(const LabelSet &labels);
QString severityName(AlertSeverity severity);

/** One series an alerting rule's expression returned: pending until `for` has passed. */
struct AlertInstance
{
    LabelSet labels; // the rule's labels and the series' (alertname included)
    LabelSet annotations;
    QString state; // pending | firing
    qint64 activeAtMs = 0;
    QString value;
    // From Alertmanager, when it knows the alert:
    QStringList silencedBy; // silence ids
    QStringList inhibitedBy;
    bool isFiring() const { return state == QLatin1String("firing"); }
    bool isSilenced() const { return !silencedBy.isEmpty(); }
    AlertSeverity severity() const { return severityOf(labels); }
    /** "InstanceDown web2": the name and the labels that tell instances apart. */
    QString title(const QStringList &distinguishing) const;
};

/** One alerting rule as Prometheus evaluates it (`/api/v1/rules`). */
struct AlertRule
{
    QString group;
    QString file;
    QString name;
    QString query;
    qint64 forMs = 0;
    LabelSet labels;
    LabelSet annotations;
    QString state;  // inactive | pending | firing
    QString health; // ok | err | unknown
    QString lastError;
    QList<AlertInstance> alerts;
    int firingCount() const;
    /** The labels whose values differ between this rule's alerts ("instance", "host"). */
    QStringList distinguishingLabels() const;
};

/** A silence matcher: `name="value"`, `name=~"regex"`, `!=`, `!~` (Alertmanager's syntax). */
struct SilenceMatcher
{
    QString name;
    QString value;
    bool isRegex = false;
    bool isEqual = true;
    QString text() const;
    /** As Alertmanager matches: regexes anchored at both ends; a missing label is "". */
    bool matches(const LabelSet &labels) const;
    /** `job="x"`, `severity!=info`, `instance=~"web.*"`; quotes optional. */
    static Result<SilenceMatcher> parse(const QString &text);
};

struct Silence
{
    QString id;
    QString state; // active | pending | expired
    QList<SilenceMatcher> matchers;
    qint64 startsAtMs = 0;
    qint64 endsAtMs = 0;
    QString createdBy;
    QString comment;
    bool isActive() const { return state == QLatin1String("active"); }
    QString matchersText() const;
    bool matches(const LabelSet &labels) const;
    /** Alertmanager's POST /api/v2/silences body. */
    QByteArray toJson() const;
};

/** An alert as Alertmanager holds it (`/api/v2/alerts`): only what marks Prometheus' alerts. */
struct ManagedAlert
{
    LabelSet labels;
    QString state; // active | suppressed | unprocessed
    QStringList silencedBy;
    QStringList inhibitedBy;
};

/** Alerts as Alertmanager groups them for notifying (its route's group_by), one receiver each. */
struct AlertGroup
{
    LabelSet labels; // the group_by labels' values; empty: one group of everything
    QString receiver;
    QList<ManagedAlert> alerts;
};

/** Everything the Alerts pane, Overview and `opsdeck alerts` show of one environment. */
struct AlertsSnapshot
{
    QList<AlertRule> rules; // alerting rules only
    QList<Silence> silences;
    QList<AlertGroup> groups; // Alertmanager's (`/api/v2/alerts/groups`), when there is one
    bool hasAlertmanager = false;
    QString prometheusError;
    QString alertmanagerError;
    qint64 takenAtMs = 0;

    QList<AlertInstance> firing() const; // worst first, then oldest
    int pendingCount() const;
    AlertSeverity worstFiring() const; // unsilenced firing alerts only
    /** "2 firing (critical) · 1 pending · 1 silenced", or "no alerts firing". */
    QString summary() const;
};

/** A desktop notification's text for alerts that started firing in one environment:
 * "production: InstanceDown web2 is firing (critical)", or "production: 3 alerts started
 * firing: …" with the worst first. */
QString firingNotification(const QString &environment, const QList<AlertInstance> &alerts);

/**
 * The matchers a silence of `alert` starts from (Alertmanager's "Silence" button): its name, the
 * labels that tell it from the rule's other alerts, and its environment and host; a rule's row
 * (`alert` null) gives the name alone.
 */
QList<SilenceMatcher> silenceMatchersFor(const AlertRule &rule, const AlertInstance *alert);

/** One stretch of time an alert fired, read back from Prometheus' `ALERTS` series. */
struct AlertInterval
{
    LabelSet labels; // alertname and the alert's labels (alertstate dropped)
    qint64 fromMs = 0;
    qint64 toMs = 0;
    bool ongoing = false; // still firing at the end of the window
    QString title() const;
};

/** The alerts firing now that were not firing (or not known) in `before`; none on the first
 * snapshot (alerts already firing when Opsdeck starts are not news). Silenced ones are left out. */
QList<AlertInstance> newlyFiring(const AlertsSnapshot *before, const AlertsSnapshot &now);

// The readers: bounded (kMaxAlertRules rules, kMaxAlertsPerRule alerts each); a server that
// says more is cut and the cut said in the error of the part it came from.
constexpr int kMaxAlertRules = 20000;
constexpr int kMaxAlertsPerRule = 5000;
constexpr int kMaxSilences = 10000;

/** Prometheus' `/api/v1/rules` answer: the alerting rules (recording rules are skipped). */
Result<QList<AlertRule>> parseAlertRules(const QByteArray &body, int httpStatus);
Result<QList<ManagedAlert>> parseManagedAlerts(const QByteArray &body, int httpStatus);
/** `/api/v2/alerts/groups`; at most kMaxAlertRules alerts in all are read. */
Result<QList<AlertGroup>> parseAlertGroups(const QByteArray &body, int httpStatus);
/** True when Alertmanager's alert is Prometheus' `alert` (its labels, plus external ones). */
bool isSameAlert(const ManagedAlert &managed, const AlertInstance &alert);
Result<QList<Silence>> parseSilences(const QByteArray &body, int httpStatus);
/** Marks each of the rules' alerts silenced/inhibited by the managed alert with its labels. */
void markSilenced(QList<AlertRule> &rules, const QList<ManagedAlert> &managed);
/**
 * One Prometheus often watches several environments, its series labelled `env` (or
 * `environment`). Drops the alerts labelled with one of `otherEnvironments` and sets each rule's
 * state from the alerts left; alerts without such a label (a shared database, a host) stay.
 */
void keepEnvironmentAlerts(QList<AlertRule> &rules, const QStringList &otherEnvironments);

struct TimeSeries;
/**
 * The firing stretches in `ALERTS{alertstate="firing"}` series (1 while firing, no sample
 * otherwise): a gap of up to `toleratedGapSteps` steps is one missed evaluation, not two alerts.
 * Series labelled with one of `otherEnvironments` are left out. Oldest first.
 */
QList<AlertInterval> firingIntervals(const QList<TimeSeries> &series,
                                     const QStringList &otherEnvironments,
                                     int toleratedGapSteps = 2);

/**
 * What fires now, from the newest snapshot, joined to `intervals`: a range query's last step
 * can be minutes old, so a stretch of an alert that still fires runs to `nowMs`, and an alert
 * that began firing since the last step gets its stretch (from activeAt + the rule's `for`).
 */
void joinFiringNow(QList<AlertInterval> &intervals, const AlertsSnapshot &now, qint64 nowMs);

} // namespace Opsdeck
