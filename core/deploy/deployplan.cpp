// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployplan.h"

#include "deployscripts.h"

namespace Opsdeck {

namespace {

/** Per batch: switch, restart and (for deploys) the health gate — the part deploy and rollback
 * share. */
void appendBatchSteps(QList<PlanStep> &plan, const DeployContext &c, bool withHealthGate)
{
    const QList<QStringList> batches = computeBatches(c.hosts, c.spec.batches);
    for (qsizetype i = 0; i < batches.size(); ++i) {
        const QString phase = QStringLiteral("batch %1/%2").arg(i + 1).arg(batches.size());
        plan << PlanStep{phase + QStringLiteral(": switch"), batches[i],
                         DeployScripts::switchCurrent(c.spec, c.release)};
        if (!c.spec.restart.isEmpty())
            plan << PlanStep{phase + QStringLiteral(": restart"), batches[i],
                             DeployScripts::restart(c, batches[i].value(0), c.release)};
        if (withHealthGate && c.spec.healthcheck) {
            const HealthCheckSpec &h = *c.spec.healthcheck;
            const QString gate =
                h.url.isEmpty()
                    ? DeployScripts::healthRun(c, batches[i].value(0), c.release)
                    : QStringLiteral("GET %1 (through an SSH tunnel to the host)\n").arg(h.url);
            plan << PlanStep{QStringLiteral("%1: health gate (every %2 ms, %3 ms timeout, %4 ms "
                                            "budget)")
                                 .arg(phase)
                                 .arg(h.intervalMs)
                                 .arg(h.timeoutMs)
                                 .arg(h.budgetMs),
                             batches[i], gate};
        }
    }
}

} // namespace

QList<PlanStep> deployPlan(const DeployContext &c)
{
    QList<PlanStep> plan;
    const QString lockHost = c.spec.lockHost;
    plan << PlanStep{QStringLiteral("preflight"), c.hosts, DeployScripts::preflight(c.spec)};
    plan << PlanStep{QStringLiteral("lock"), {lockHost}, DeployScripts::lock(c.spec, {})};
    for (const QString &host : c.hosts)
        plan << PlanStep{QStringLiteral("build"), {host}, DeployScripts::build(c, host)};
    if (!c.spec.release.isEmpty())
        plan << PlanStep{QStringLiteral("release (once)"),
                         {c.hosts.value(0)},
                         DeployScripts::release(c, c.hosts.value(0))};
    appendBatchSteps(plan, c, true);
    plan << PlanStep{QStringLiteral("prune (keep %1)").arg(c.spec.keep), c.hosts,
                     DeployScripts::prune(c.spec)};
    plan << PlanStep{QStringLiteral("unlock"), {lockHost}, DeployScripts::unlock(c.spec, c.id)};
    plan << PlanStep{QStringLiteral("history"), c.hosts,
                     DeployScripts::appendHistory(c.spec, {{QStringLiteral("id"), c.id}})};
    return plan;
}

QList<PlanStep> rollbackPlan(const DeployContext &c)
{
    QList<PlanStep> plan;
    plan << PlanStep{QStringLiteral("preflight"), c.hosts, DeployScripts::status(c.spec, 0)};
    plan << PlanStep{QStringLiteral("lock"), {c.spec.lockHost}, DeployScripts::lock(c.spec, {})};
    appendBatchSteps(plan, c, false);
    plan << PlanStep{
        QStringLiteral("unlock"), {c.spec.lockHost}, DeployScripts::unlock(c.spec, c.id)};
    return plan;
}

QString formatPlan(const QList<PlanStep> &plan)
{
    QString out;
    for (const PlanStep &step : plan) {
        out +=
            QStringLiteral("== %1 on %2\n").arg(step.phase, step.hosts.join(QStringLiteral(", ")));
        for (const QString &line : step.script.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            out += QStringLiteral("   ") + line + QLatin1Char('\n');
    }
    return out;
}

} // namespace Opsdeck
