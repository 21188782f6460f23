// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploycontext.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck {

/** One step of a plan, for the dry run and the dialog's "Plan" tab. */
struct PlanStep
{
    QString phase;
    QStringList hosts;
    QString script;
};

QList<PlanStep> deployPlan(const DeployContext &context);
QList<PlanStep> rollbackPlan(const DeployContext &context);
QString formatPlan(const QList<PlanStep> &plan);

} // namespace Opsdeck
