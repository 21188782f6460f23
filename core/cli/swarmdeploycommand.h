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
    QString command;
    QString comment;
    bool yes = false;
    bool dryRun = false;
};

/** Runs it through the action pipeline with live output; returns the exit code. */
int runSwarmDeploy(CliContext &ctx, EnvironmentSession &session, const SwarmDeployArgs &args);

} // namespace Opsdeck
