// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandregistry.h"
#include "deploy/deployrunner.h"

namespace Opsdeck {

class EnvironmentSession;

/** `opsdeck deploy|rollback|run ENV …` on a swarm environment (the flags of a releases one). */
struct SwarmDeployArgs
{
    DeployRunner::Kind kind = DeployRunner::Kind::Deploy;
    QString refOrImage; // deploy: the ref; rollback: an image tag, or empty for the previous one
    QString service;    // run: the service whose task template the command runs in
    bool exec = false;  // run: in a task already running (docker exec), not in a new one
    QString task;       // exec: which task (id or "web.1"); empty: any running one
    QString command;
    QString comment;
    bool yes = false;
    bool dryRun = false;
};

/** Runs it through the action pipeline with live output; Ctrl-C cancels. The exit code. */
int runSwarmDeploy(CliContext &ctx, EnvironmentSession &session, const SwarmDeployArgs &args);

/**
 * `opsdeck lock|unlock ENV` on a swarm environment: takes the stack's lock by hand
 * (maintenance), or breaks whatever lock is there — a run killed before it could release its
 * own leaves one behind. Through the action pipeline; the exit code.
 */
int runSwarmLock(CliContext &ctx, EnvironmentSession &session, bool take, const QString &comment,
                 bool yes);

} // namespace Opsdeck
