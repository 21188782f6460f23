// SPDX-License-Identifier: GPL-3.0-or-later
#include "panecatalog.h"

#include "config/configpane.h"
#include "dbhealth/dbhealthpane.h"
#include "deploy/deploypane.h"
#include "flags/flagspane.h"
#include "metrics/metricspane.h"
#include "overview/overviewpane.h"
#include "secrets/secretspane.h"
#include "workspacecontext.h"

namespace Opsdeck {

const QList<PaneKind> &paneCatalog()
{
    static const QList<PaneKind> kinds = {
        {QStringLiteral("overview"), QStringLiteral("Overview"),
         [](const EnvironmentSpec &env, WorkspaceContext &ctx, QWidget *parent) -> Pane * {
             return new OverviewPane(env, ctx.sshPool(), parent);
         }},
        {QStringLiteral("dbhealth"), QStringLiteral("Database health"),
         [](const EnvironmentSpec &env, WorkspaceContext &ctx, QWidget *parent) -> Pane * {
             return new DbHealthPane(ctx.workspace(), env, ctx.sshPool(), parent);
         }},
        {QStringLiteral("deploy"), QStringLiteral("Deployments"),
         [](const EnvironmentSpec &env, WorkspaceContext &ctx, QWidget *parent) -> Pane * {
             return new DeployPane(ctx.workspace(), env, ctx.sshPool(), parent);
         }},
        {QStringLiteral("secrets"), QStringLiteral("Secrets"),
         [](const EnvironmentSpec &env, WorkspaceContext &ctx, QWidget *parent) -> Pane * {
             return new SecretsPane(ctx.workspace(), env, parent);
         }},
        {QStringLiteral("flags"), QStringLiteral("Feature flags"),
         [](const EnvironmentSpec &env, WorkspaceContext &ctx, QWidget *parent) -> Pane * {
             return new FlagsPane(ctx.workspace(), env, ctx.sshPool(), parent);
         }},
        {QStringLiteral("metrics"), QStringLiteral("Metrics"),
         [](const EnvironmentSpec &env, WorkspaceContext &ctx, QWidget *parent) -> Pane * {
             return new MetricsPane(ctx.workspace(), env, ctx.sshPool(), parent);
         }},
        {QStringLiteral("config"), QStringLiteral("Config"),
         [](const EnvironmentSpec &env, WorkspaceContext &ctx, QWidget *parent) -> Pane * {
             return new ConfigPane(ctx.workspace(), env, ctx.sshPool(), parent);
         }},
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
