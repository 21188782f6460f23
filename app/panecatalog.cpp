// SPDX-License-Identifier: GPL-3.0-or-later
#include "panecatalog.h"

#include "alerts/alertspane.h"
#include "config/configpane.h"
#include "containers/containerspane.h"
#include "database/databasepane.h"
#include "dbhealth/dbhealthpane.h"
#include "deploy/deploypane.h"
#include "flags/flagspane.h"
#include "logs/logspane.h"
#include "metrics/metricspane.h"
#include "overview/overviewpane.h"
#include "runtime/environmentcontext.h"
#include "secrets/secretspane.h"

namespace Opsdeck {

namespace {

template<typename PaneType>
PaneKind kind(const char *id, const char *title)
{
    return {QLatin1String(id), QLatin1String(title),
            [](EnvironmentContext &context, QWidget *parent) -> Pane * {
                return new PaneType(context, parent);
            }};
}

/** Deployments: releases (Capistrano-style) or a container environment's services. */
PaneKind deployments()
{
    return {QStringLiteral("deploy"), QStringLiteral("Deployments"),
            [](EnvironmentContext &context, QWidget *parent) -> Pane * {
                if (context.environment().containers)
                    return new ContainersPane(context, parent);
                return new DeployPane(context, parent);
            }};
}

} // namespace

const QList<PaneKind> &paneCatalog()
{
    // The order is the sidebar's and Ctrl+1…9, 0's.
    static const QList<PaneKind> kinds = {
        kind<OverviewPane>("overview", "Overview"),
        kind<DbHealthPane>("dbhealth", "Database health"),
        kind<DatabasePane>("database", "Database"),
        deployments(),
        kind<SecretsPane>("secrets", "Secrets"),
        kind<FlagsPane>("flags", "Feature flags"),
        kind<MetricsPane>("metrics", "Metrics"),
        kind<ConfigPane>("config", "Config"),
        kind<LogsPane>("logs", "Logs"),
        kind<AlertsPane>("alerts", "Alerts"),
    };
    return kinds;
}

const PaneKind *findPaneKind(const QString &id)
{
    for (const PaneKind &kind : paneCatalog())
        if (kind.id == id)
            return &kind;
    return nullptr;
}

} // namespace Opsdeck
