// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

namespace Opsdeck {

class HttpEndpoint;
class PrometheusClient;

/**
 * One environment's alerts: Prometheus' rules and their alerts, and, when the workspace names
 * an Alertmanager, what it silenced and inhibited and its silences. Asks both at once; parses
 * on the thread pool; answers on the owner's thread (not at all once `guard` is gone).
 */
class AlertsClient final : public QObject
{
    Q_OBJECT

public:
    using Snapshot = std::function<void(const AlertsSnapshot &snapshot)>;

    /** `alertmanager` may be null (no alertmanager: block). Neither is owned. */
    AlertsClient(PrometheusClient *prometheus, HttpEndpoint *alertmanager,
                 QObject *parent = nullptr);

    /** Alerts labelled env=<one of these> belong elsewhere (a Prometheus shared by several
     * environments) and are left out. */
    void setOtherEnvironments(const QStringList &names) { m_otherEnvironments = names; }
    bool hasAlertmanager() const { return m_alertmanager != nullptr; }
    QString alertmanagerUrl() const;

    void refresh(QObject *guard, Snapshot done);

    /** Reads now unless a read is on its way; the answer becomes latest() and changed() follows,
     * with startedFiring() first when alerts began firing since the previous answer. */
    void update();
    /** The newest answer of update(), if any. */
    const std::optional<AlertsSnapshot> &latest() const { return m_latest; }
    bool isUpdating() const { return m_updating; }
    /** update() every `ms` (the window's sidebar and notifications watch every environment);
     * 0 stops. */
    void setPollInterval(int ms);

    using Intervals = std::function<void(const Result<QList<AlertInterval>> &intervals)>;
    /** What fired between `fromMs` and `toMs`, from Prometheus' ALERTS series. */
    void history(qint64 fromMs, qint64 toMs, QObject *guard, Intervals done);
    /** POST /api/v2/silences; the new silence's id. */
    void createSilence(const Silence &silence, QObject *guard,
                       std::function<void(const Result<QString> &id)> done);
    /** DELETE /api/v2/silence/ID. */
    void expireSilence(const QString &id, QObject *guard, std::function<void(const Status &)> done);

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
