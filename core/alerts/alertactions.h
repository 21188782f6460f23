// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "alerts.h"
#include "workspace/workspace.h"

namespace Opsdeck {

class AlertsClient;

/**
 * Silencing and expiring, the same in the Alerts pane and `opsdeck silence`/`unsilence`: one
 * request each for the action pipeline (the environment whose Alertmanager holds the silence
 * decides the protection), and the act that runs once it is confirmed and audited.
 */
namespace AlertActions {

ActionRequest silenceRequest(const QString &workspace, const EnvironmentSpec &environment,
                             const Silence &silence);
ActionRequest expireRequest(const QString &workspace, const EnvironmentSpec &environment,
                            const Silence &silence);

/** Creates the silence with the confirmed comment (the silence's own when none was asked);
 * `created` gets the new id. */
ActionPipeline::Act createSilence(AlertsClient *client, Silence silence, QObject *guard,
                                  std::function<void(const QString &id)> created = {});
ActionPipeline::Act expireSilence(AlertsClient *client, QString id, QObject *guard);

/** "2026-12-06 13:30 UTC (in 1h)". */
QString untilText(qint64 endsAtMs);

} // namespace AlertActions

} // namespace Opsdeck
