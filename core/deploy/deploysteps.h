// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

namespace Opsdeck {

/**
 * How long each step of a job took, so a slow build or a long health gate is visible while it
 * happens and afterwards: "Preflight 0.4 s › Lock 0.2 s › Build 8.1 s › Batch 1/2 (5 s…)".
 * Times are milliseconds on the job's own clock.
 */
class DeploySteps final
{
public:
    struct Step
    {
        QString name;
        qint64 startedMs = 0;
        qint64 endedMs = -1; // -1: still running
    };

    void clear() { m_steps.clear(); }
    /** Ends the running step (if any) and starts `name`. */
    void begin(const QString &name, qint64 nowMs);
    /** Ends the running step. */
    void end(qint64 nowMs);

    const QList<Step> &steps() const { return m_steps; }
    /** One line, oldest first; the running step counts up to `nowMs` and ends in "…". */
    QString text(qint64 nowMs) const;

    /** 0.4 s, 8.1 s, 42 s, 2 min 5 s. */
    static QString formatDuration(qint64 ms);

private:
    QList<Step> m_steps;
};

} // namespace Opsdeck
