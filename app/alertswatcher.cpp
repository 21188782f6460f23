// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertswatcher.h"

#include "alerts/alertsclient.h"
#include "common/desktopnotifier.h"
#include "runtime/environmentcontext.h"
#include "workspacecontext.h"

#include <QDateTime>

namespace Opsdeck {

AlertsWatcher::AlertsWatcher(WorkspaceContext &workspace, QWidget *window, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_window(window)
{
    for (const QString &name : workspace.workspace().environmentNames())
        watch(name);
}

void AlertsWatcher::watch(const QString &environment)
{
    EnvironmentContext *context = m_workspace.environment(environment);
    AlertsClient *client = context ? context->alerts() : nullptr;
    if (!client)
        return;
    connect(client, &AlertsClient::changed, this, [this, client, environment] {
        const AlertsSnapshot &snapshot = *client->latest();
        int firing = 0;
        for (const AlertInstance &a : snapshot.firing())
            firing += !a.isSilenced();
        emit badgeChanged(environment, firing, snapshot.worstFiring(), snapshot.summary());
    });
    connect(
        client, &AlertsClient::startedFiring, this,
        [this, environment](const QList<AlertInstance> &started) { queue(environment, started); });
    client->setPollInterval(kPollMs);
    // Not at once: the window's first pane is opening its own connections.
    QTimer::singleShot(2000, client, &AlertsClient::update);
}

void AlertsWatcher::queue(const QString &environment, const QList<AlertInstance> &started)
{
    Pending &pending = m_pending[environment];
    pending.alerts += started;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 wait = pending.lastShownMs + kNotifyEveryMs - now;
    if (wait <= 0) {
        flush(environment);
        return;
    }
    if (!pending.timer) {
        pending.timer = new QTimer(this);
        pending.timer->setSingleShot(true);
        connect(pending.timer, &QTimer::timeout, this, [this, environment] { flush(environment); });
    }
    if (!pending.timer->isActive())
        pending.timer->start(int(wait));
}

void AlertsWatcher::flush(const QString &environment)
{
    Pending &pending = m_pending[environment];
    if (pending.alerts.isEmpty())
        return;
    pending.lastShownMs = QDateTime::currentMSecsSinceEpoch();
    notifyDesktop(m_window, firingNotification(environment, pending.alerts), false);
    pending.alerts.clear();
}

} // namespace Opsdeck
