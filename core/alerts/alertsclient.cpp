// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertsclient.h"

#include "audit/auditlog.h"
#include "common/futures.h"
#include "metrics/httpendpoint.h"
#include "metrics/prometheusclient.h"
#include "metrics/timegrid.h"
#include "metrics/timeseries.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace Opsdeck {

namespace {

/** The three answers a refresh waits for; parsed together once the last one is in. */
struct Pending
{
    QByteArray rules, alerts, silences;
    int rulesStatus = 0, alertsStatus = 0, silencesStatus = 0;
    QString rulesError, alertsError, silencesError;
    int outstanding = 0;
    bool hasAlertmanager = false;
    QStringList otherEnvironments;
};

AlertsSnapshot parseSnapshot(const Pending &p)
{
    AlertsSnapshot snapshot;
    snapshot.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    snapshot.hasAlertmanager = p.hasAlertmanager;
    if (!p.rulesError.isEmpty()) {
        snapshot.prometheusError = p.rulesError;
    } else if (Result<QList<AlertRule>> rules = parseAlertRules(p.rules, p.rulesStatus); rules) {
        snapshot.rules = std::move(*rules);
    } else {
        snapshot.prometheusError = rules.errorString();
    }
    keepEnvironmentAlerts(snapshot.rules, p.otherEnvironments);
    if (!p.hasAlertmanager)
        return snapshot;
    if (!p.alertsError.isEmpty()) {
        snapshot.alertmanagerError = p.alertsError;
    } else if (Result<QList<AlertGroup>> groups = parseAlertGroups(p.alerts, p.alertsStatus);
               groups) {
        // One request for both: the groups hold every alert (an alert routed to two receivers
        // is in two groups; the first match marks it).
        QList<ManagedAlert> managed;
        for (const AlertGroup &g : std::as_const(*groups))
            managed << g.alerts;
        markSilenced(snapshot.rules, managed);
        snapshot.groups = std::move(*groups);
    } else {
        snapshot.alertmanagerError = groups.errorString();
    }
    if (!p.silencesError.isEmpty()) {
        snapshot.alertmanagerError = p.silencesError;
    } else if (Result<QList<Silence>> silences = parseSilences(p.silences, p.silencesStatus);
               silences) {
        snapshot.silences = std::move(*silences);
    } else if (snapshot.alertmanagerError.isEmpty()) {
        snapshot.alertmanagerError = silences.errorString();
    }
    return snapshot;
}

} // namespace

AlertsClient::AlertsClient(PrometheusClient *prometheus, HttpEndpoint *alertmanager,
                           QObject *parent)
    : QObject(parent)
    , m_prometheus(prometheus)
    , m_alertmanager(alertmanager)
{
    connect(&m_poll, &QTimer::timeout, this, &AlertsClient::update);
}

void AlertsClient::update()
{
    if (m_updating)
        return;
    m_updating = true;
    refresh(this, [this](const AlertsSnapshot &snapshot) {
        m_updating = false;
        const QList<AlertInstance> started = newlyFiring(m_latest ? &*m_latest : nullptr, snapshot);
        m_latest = snapshot;
        if (!started.isEmpty())
            emit startedFiring(started);
        emit changed();
    });
}

void AlertsClient::setPollInterval(int ms)
{
    if (ms <= 0) {
        m_poll.stop();
        return;
    }
    m_poll.start(ms);
}

void AlertsClient::history(qint64 fromMs, qint64 toMs, QObject *guard, Intervals done)
{
    QueryGrid grid;
    // About 720 points whatever the window: the evaluation interval is rarely under 15 s, and
    // a stretch shorter than a step still shows as one step.
    grid.stepMs = std::max<qint64>(15000, roundIntervalMs((toMs - fromMs) / 720));
    grid.startMs = fromMs - fromMs % grid.stepMs;
    grid.endMs = toMs;
    m_prometheus->queryRange(
        QStringLiteral("ALERTS{alertstate=\"firing\"}"), grid, guard,
        [this, done, toMs](const PanelResult &result) {
            if (!result.error.isEmpty()) {
                done(Result<QList<AlertInterval>>::failure(result.error));
                return;
            }
            QList<AlertInterval> intervals = firingIntervals(result.series, m_otherEnvironments);
            // A window that ends now: what fires now, though the range's last step missed it.
            if (m_latest && toMs >= QDateTime::currentMSecsSinceEpoch() - 60'000)
                joinFiringNow(intervals, *m_latest, toMs);
            done(intervals);
        });
}

QString AlertsClient::alertmanagerUrl() const
{
    return m_alertmanager ? m_alertmanager->spec().url : QString();
}

void AlertsClient::refresh(QObject *guard, Snapshot done)
{
    auto pending = std::make_shared<Pending>();
    pending->hasAlertmanager = m_alertmanager != nullptr;
    pending->otherEnvironments = m_otherEnvironments;
    pending->outstanding = m_alertmanager ? 3 : 1;
    QPointer<QObject> alive(guard);
    auto arrived = [pending, alive, done] {
        if (--pending->outstanding > 0 || !alive)
            return;
        // 2,000 rules with their alerts are megabytes of JSON: not on the UI thread.
        onFinished(
            QtConcurrent::run(metricsThreadPool(), [pending] { return parseSnapshot(*pending); }),
            alive.data(), [done](const AlertsSnapshot &snapshot) { done(snapshot); });
    };
    m_prometheus->http()->get(
        QStringLiteral("/api/v1/rules"), {{QStringLiteral("type"), QStringLiteral("alert")}}, guard,
        [pending, arrived](const QByteArray &body, int status, const QString &error) {
            pending->rules = body;
            pending->rulesStatus = status;
            pending->rulesError = error;
            arrived();
        });
    if (!m_alertmanager)
        return;
    m_alertmanager->get(
        QStringLiteral("/api/v2/alerts/groups"), {}, guard,
        [pending, arrived](const QByteArray &body, int status, const QString &error) {
            pending->alerts = body;
            pending->alertsStatus = status;
            pending->alertsError = error;
            arrived();
        });
    m_alertmanager->get(
        QStringLiteral("/api/v2/silences"), {}, guard,
        [pending, arrived](const QByteArray &body, int status, const QString &error) {
            pending->silences = body;
            pending->silencesStatus = status;
            pending->silencesError = error;
            arrived();
        });
}

void AlertsClient::createSilence(const Silence &silence, QObject *guard,
                                 std::function<void(const Result<QString> &)> done)
{
    if (!m_alertmanager) {
        done(Result<QString>::failure(
            QStringLiteral("no alertmanager: block for this environment; silences live there")));
        return;
    }
    m_alertmanager->post(QStringLiteral("/api/v2/silences"), silence.toJson(), guard,
                         [done](const QByteArray &body, int status, const QString &error) {
                             if (!error.isEmpty()) {
                                 done(Result<QString>::failure(error));
                                 return;
                             }
                             const QJsonObject answer = QJsonDocument::fromJson(body).object();
                             const QString id =
                                 answer.value(QStringLiteral("silenceID")).toString();
                             if (status != 200 || id.isEmpty()) {
                                 QString message = QString::fromUtf8(body.left(300)).simplified();
                                 done(Result<QString>::failure(
                                     QStringLiteral("Alertmanager refused the silence: HTTP %1: %2")
                                         .arg(status)
                                         .arg(message)));
                                 return;
                             }
                             done(id);
                         });
}

void AlertsClient::expireSilence(const QString &id, QObject *guard,
                                 std::function<void(const Status &)> done)
{
    if (!m_alertmanager) {
        done(Status::failure(QStringLiteral("no alertmanager: block for this environment")));
        return;
    }
    m_alertmanager->deleteResource(
        QStringLiteral("/api/v2/silence/") + QString::fromLatin1(QUrl::toPercentEncoding(id)),
        guard, [done, id](const QByteArray &body, int status, const QString &error) {
            if (!error.isEmpty() && status == 0)
                done(Status::failure(error));
            else if (status == 200)
                done(success());
            else
                done(Status::failure(QStringLiteral("Alertmanager: silence %1: HTTP %2: %3")
                                         .arg(id)
                                         .arg(status)
                                         .arg(QString::fromUtf8(body.left(300)).simplified())));
        });
}

QString silenceAuthor()
{
    // The audit log's "user@host" without the host: what amtool puts there.
    return AuditLog::currentUser().section(QLatin1Char('@'), 0, 0);
}

} // namespace Opsdeck
