// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploysteps.h"

#include <QStringList>

namespace Opsdeck {

void DeploySteps::begin(const QString &name, qint64 nowMs)
{
    end(nowMs);
    m_steps.append(Step{name, nowMs, -1});
}

void DeploySteps::end(qint64 nowMs)
{
    if (!m_steps.isEmpty() && m_steps.last().endedMs < 0)
        m_steps.last().endedMs = qMax(nowMs, m_steps.last().startedMs);
}

QString DeploySteps::text(qint64 nowMs) const
{
    QStringList parts;
    for (const Step &step : m_steps) {
        const bool running = step.endedMs < 0;
        const qint64 took = (running ? qMax(nowMs, step.startedMs) : step.endedMs) - step.startedMs;
        parts << (running ? QStringLiteral("%1 %2…") : QStringLiteral("%1 %2"))
                     .arg(step.name, formatDuration(took));
    }
    return parts.join(QStringLiteral(" › "));
}

QString DeploySteps::formatDuration(qint64 ms)
{
    if (ms < 10'000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 seconds = (ms + 500) / 1000;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
}

} // namespace Opsdeck
