// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deployrunner.h"
#include "jobs/followedjob.h"

namespace Opsdeck {

/** How a run is listed: its title ("deploy v2") and the command line doing the same. */
struct RunDescription
{
    QString title;
    QString command;
};
RunDescription describeRun(DeployRunner::Kind kind, const QString &environment, const QString &what,
                           const QString &service = {});

/**
 * Lists a deploy, rollback or ad-hoc run in the Jobs view while it runs: titled "deploy v2",
 * "rollback to r2", "run: df -h", with the command line that does the same
 * (`opsdeck deploy production --ref v2`) as its command. `what` is the ref, the release or image
 * (empty: the previous one) or the command.
 */
template<typename Runner>
void listRunAsJob(Runner *runner, DeployRunner::Kind kind, const QString &environment,
                  const QString &what, const QString &service = {})
{
    const auto [title, command] = describeRun(kind, environment, what, service);
    FollowedJob::follow(runner, title, command, environment);
}

} // namespace Opsdeck
