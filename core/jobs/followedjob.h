// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "job.h"
#include "jobregistry.h"

#include <QHash>

#include <functional>

namespace Opsdeck {

/**
 * A Job whose work is done by something else — a deploy, rollback or ad-hoc run, which is a
 * recipe of steps on many hosts rather than one command — so that it is listed in the Jobs view
 * beside the commands it starts. The owner passes its output (per host: each line is prefixed
 * "web1: ", and a host's partial line waits for its end) and its end; Cancel asks the owner to
 * stop and the job ends when the owner says how it ended. No timeout: the work bounds itself.
 */
class FollowedJob final : public Job
{
    Q_OBJECT

public:
    /** Of each piece of output, at most this many newest lines are kept (see addOutput). */
    static constexpr int kTailLines = 200;

    FollowedJob(const QString &title, const QString &command, std::function<void()> requestCancel,
                QObject *parent = nullptr);

    /** Output of `source` (a host, a service; empty for the owner's own lines). Of a piece
     * with more than kTailLines lines, the older ones are counted in one line, not kept. */
    void addOutput(const QString &source, const QByteArray &data);
    void end(State state, const QString &outcome);

    /**
     * Lists a run of `runner` (DeployRunner, SwarmDeployRunner: an output(source, data) and a
     * finished(Outcome, summary) signal, a cancel()) until it finishes.
     */
    template<typename Runner>
    static void follow(Runner *runner, const QString &title, const QString &command,
                       const QString &environment)
    {
        if (!JobRegistry::instance())
            return; // nothing lists jobs here (the command line prints the run itself)
        auto *job = new FollowedJob(
            title, command, [runner] { runner->cancel(); }, runner);
        job->setEnvironment(environment);
        connect(runner, &Runner::output, job, &FollowedJob::addOutput);
        using Outcome = typename Runner::Outcome;
        connect(runner, &Runner::finished, job, [job](Outcome outcome, const QString &summary) {
            job->end(outcome == Outcome::Succeeded   ? State::Succeeded
                     : outcome == Outcome::Cancelled ? State::Cancelled
                                                     : State::Failed,
                     summary);
            job->deleteLater();
        });
        job->start();
    }

protected:
    void begin() override {}
    void abort() override;
    bool endsLaterWhenCancelled() const override { return true; }

private:
    std::function<void()> m_requestCancel;
    QHash<QString, QByteArray> m_partial; // per source: lines of hosts do not mix
};

} // namespace Opsdeck
