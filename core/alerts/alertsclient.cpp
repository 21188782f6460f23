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

namespace Opsdeck {

namespace {

/** The three answers a refresh waits for; parsed together once the last one is in. */
struct Pending
{
    HttpReply rules, alerts, silences;
    bool hasAlertmanager = false;
    QStringList otherEnvironments;
};

AlertsSnapshot parseSnapshot(const Pending &p)
{
    AlertsSnapshot snapshot;
    snapshot.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    snapshot.hasAlertmanager = p.hasAlertmanager;
    if (!p.rules.error.isEmpty()) {
        snapshot.prometheusError = p.rules.error;
    } else if (Result<QList<AlertRule>> rules = parseAlertRules(p.rules.body, p.rules.status);
               rules) {
        snapshot.rules = std::move(*rules);
    } else {
        snapshot.prometheusError = rules.errorString();
    }
    keepEnvironmentAlerts(snapshot.rules, p.otherEnvironments);
    if (!p.hasAlertmanager)
        return snapshot;
    if (!p.alerts.error.isEmpty()) {
        snapshot.alertmanagerError = p.alerts.error;
    } else if (Result<QList<AlertGroup>> groups = parseAlertGroups(p.alerts.body, p.alerts.status);
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
    if (!p.silences.error.isEmpty()) {
        snapshot.alertmanagerError = p.silences.error;
    } else if (Result<QList<Silence>> silences = parseSilences(p.silences.body, p.silences.status);
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
    onFinished(refresh(), this, [this](const AlertsSnapshot &snapshot) {
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

QFuture<Result<QList<AlertInterval>>> AlertsClient::history(qint64 fromMs, qint64 toMs)
{
    QueryGrid grid;
    // About 720 points whatever the window: the evaluation interval is rarely under 15 s, and
    // a stretch shorter than a step still shows as one step.
    grid.stepMs = std::max<qint64>(15000, roundIntervalMs((toMs - fromMs) / 720));
    grid.startMs = fromMs - fromMs % grid.stepMs;
    grid.endMs = toMs;
    // A window that ends now also shows what fires now, though the range's last step missed it.
    std::optional<AlertsSnapshot> firingNow;
    if (toMs >= QDateTime::currentMSecsSinceEpoch() - 60'000)
        firingNow = m_latest;
    return m_prometheus->queryRange(QStringLiteral("ALERTS{alertstate=\"firing\"}"), grid)
        .then([others = m_otherEnvironments, firingNow,
               toMs](const PanelResult &result) -> Result<QList<AlertInterval>> {
            if (!result.error.isEmpty())
                return Result<QList<AlertInterval>>::failure(result.error);
            QList<AlertInterval> intervals = firingIntervals(result.series, others);
            if (firingNow)
                joinFiringNow(intervals, *firingNow, toMs);
            return intervals;
        });
}

QString AlertsClient::alertmanagerUrl() const
{
    return m_alertmanager ? m_alertmanager->spec().url : QString();
}

QFuture<AlertsSnapshot> AlertsClient::refresh()
{
    Pending asked;
    asked.hasAlertmanager = m_alertmanager != nullptr;
    asked.otherEnvironments = m_otherEnvironments;
    QList<QFuture<HttpReply>> replies = {m_prometheus->http()->get(
        QStringLiteral("/api/v1/rules"), {{QStringLiteral("type"), QStringLiteral("alert")}})};
    if (m_alertmanager)
        replies << m_alertmanager->get(QStringLiteral("/api/v2/alerts/groups"))
                << m_alertmanager->get(QStringLiteral("/api/v2/silences"));
    // 2,000 rules with their alerts are megabytes of JSON: not on the UI thread.
    return QtFuture::whenAll(replies.begin(), replies.end())
        .then(metricsThreadPool(), [asked](const QList<QFuture<HttpReply>> &answers) {
            auto replyAt = [&answers](qsizetype i) {
                return i < answers.size() && answers.at(i).resultCount() > 0
                           ? answers.at(i).result()
                           : HttpReply();
            };
            Pending p = asked;
            p.rules = replyAt(0);
            p.alerts = replyAt(1);
            p.silences = replyAt(2);
            return parseSnapshot(p);
        });
}

QFuture<Result<QString>> AlertsClient::createSilence(const Silence &silence)
{
    if (!m_alertmanager)
        return QtFuture::makeReadyFuture(Result<QString>::failure(
            QStringLiteral("no alertmanager: block for this environment; silences live there")));
    return m_alertmanager->post(QStringLiteral("/api/v2/silences"), silence.toJson())
        .then([](const HttpReply &reply) -> Result<QString> {
            if (!reply.error.isEmpty())
                return Result<QString>::failure(reply.error);
            const QJsonObject answer = QJsonDocument::fromJson(reply.body).object();
            const QString id = answer.value(QStringLiteral("silenceID")).toString();
            if (reply.status != 200 || id.isEmpty())
                return Result<QString>::failure(
                    QStringLiteral("Alertmanager refused the silence: HTTP %1: %2")
                        .arg(reply.status)
                        .arg(QString::fromUtf8(reply.body.left(300)).simplified()));
            return id;
        });
}

QFuture<Status> AlertsClient::expireSilence(const QString &id)
{
    if (!m_alertmanager)
        return QtFuture::makeReadyFuture(
            Status::failure(QStringLiteral("no alertmanager: block for this environment")));
    return m_alertmanager
        ->deleteResource(QStringLiteral("/api/v2/silence/") +
                         QString::fromLatin1(QUrl::toPercentEncoding(id)))
        .then([id](const HttpReply &reply) -> Status {
            if (!reply.error.isEmpty() && reply.status == 0)
                return Status::failure(reply.error);
            if (reply.status == 200)
                return success();
            return Status::failure(QStringLiteral("Alertmanager: silence %1: HTTP %2: %3")
                                       .arg(id)
                                       .arg(reply.status)
                                       .arg(QString::fromUtf8(reply.body.left(300)).simplified()));
        });
}

QString silenceAuthor()
{
    // The audit log's "user@host" without the host: what amtool puts there.
    return AuditLog::currentUser().section(QLatin1Char('@'), 0, 0);
}

} // namespace Opsdeck
