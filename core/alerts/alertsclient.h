// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts.h"

#include <QFuture>
#include <QObject>
#include <QTimer>

#include <optional>

namespace Opsdeck {

class HttpEndpoint;
class PrometheusClient;

/**
 * One environment's alerts: Prometheus' rules and their alerts, and, when the workspace names
 * an Alertmanager, what it silenced and inhibited and its silences. Asks both at once and
 * parses on the thread pool. Every future finishes with an answer (an error when the client
 * went away first); read it with onFinished() or a LatestRequest.
 */
class AlertsClient final : public QObject
{
    Q_OBJECT

public:
    /** `alertmanager` may be null (no alertmanager: block). Neither is owned. */
    AlertsClient(PrometheusClient *prometheus, HttpEndpoint *alertmanager,
                 QObject *parent = nullptr);

    /** Alerts labelled env=<one of these> belong elsewhere (a Prometheus shared by several
     * environments) and are left out. */
    void setOtherEnvironments(const QStringList &names) { m_otherEnvironments = names; }
    bool hasAlertmanager() const { return m_alertmanager != nullptr; }
    QString alertmanagerUrl() const;

    /** Errors are the snapshot's prometheusError and alertmanagerError. */
    QFuture<AlertsSnapshot> refresh();

    /** Reads now unless a read is on its way; the answer becomes latest() and changed() follows,
     * with startedFiring() first when alerts began firing since the previous answer. */
    void update();
    /** The newest answer of update(), if any. */
    const std::optional<AlertsSnapshot> &latest() const { return m_latest; }
    bool isUpdating() const { return m_updating; }
    /** update() every `ms` (the window's sidebar and notifications watch every environment);
     * 0 stops. */
    void setPollInterval(int ms);

    /** What fired between `fromMs` and `toMs`, from Prometheus' ALERTS series. */
    QFuture<Result<QList<AlertInterval>>> history(qint64 fromMs, qint64 toMs);
    /** POST /api/v2/silences; the new silence's id. */
    QFuture<Result<QString>> createSilence(const Silence &silence);
    /** DELETE /api/v2/silence/ID. */
    QFuture<Status> expireSilence(const QString &id);

signals:
    void changed();
    void startedFiring(const QList<Opsdeck::AlertInstance> &alerts);

private:
    PrometheusClient *m_prometheus;
    HttpEndpoint *m_alertmanager;
    QStringList m_otherEnvironments;
    std::optional<AlertsSnapshot> m_latest;
    bool m_updating = false;
    QTimer m_poll;
};

/** The OS user a silence is created by (`createdBy`), as Alertmanager's amtool sets it. */
QString silenceAuthor();

} // namespace Opsdeck
