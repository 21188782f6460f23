// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"

#include <QHash>
#include <QObject>
#include <QTimer>

class QWidget;

namespace Opsdeck {

class WorkspaceContext;

/**
 * Watches every environment's alerts while the workspace is open (k9s' pulse, Lens' hotbar
 * badges): polls each environment's AlertsClient, reports the worst firing alert per environment
 * for the sidebar's badge, and tells the desktop when alerts start firing — grouped per
 * environment and at most once a minute each, so a flapping rule does not bury the person.
 */
class AlertsWatcher final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kPollMs = 30'000;
    static constexpr int kNotifyEveryMs = 60'000;

    AlertsWatcher(WorkspaceContext &workspace, QWidget *window, QObject *parent = nullptr);

signals:
    /** An environment's unsilenced firing alerts: how many and the worst; summary for a tooltip. */
    void badgeChanged(const QString &environment, int firing, Opsdeck::AlertSeverity worst,
                      const QString &summary);

private:
    void watch(const QString &environment);
    void queue(const QString &environment, const QList<AlertInstance> &started);
    void flush(const QString &environment);

    struct Pending
    {
        QList<AlertInstance> alerts;
        qint64 lastShownMs = 0;
        QTimer *timer = nullptr;
    };
    WorkspaceContext &m_workspace;
    QWidget *m_window;
    QHash<QString, Pending> m_pending;
};

} // namespace Opsdeck
