// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploystate.h"

class QObject;

namespace Opsdeck {

class Job;
class SshPool;
struct DeploySpec;

/**
 * Taking or breaking an environment's deploy lock by hand, on its lock host, as a Job: a minute's
 * timeout, cancel, bounded output. The Deployments pane and `opsdeck lock|unlock` run these.
 * (A deploy takes and releases its own lock as steps of its recipe.)
 */
Job *takeLockJob(SshPool *pool, const DeploySpec &spec, const LockInfo &lock,
                 QObject *parent = nullptr);
/** `id` empty: whichever lock is there; else only that one (the lock the person saw). */
Job *breakLockJob(SshPool *pool, const DeploySpec &spec, const QString &id = {},
                  QObject *parent = nullptr);

/** takeLockJob's answer when the lock was held already (exit 3): who holds it. */
constexpr int kLockHeld = 3;
LockInfo lockHolder(const Job &finishedTakeJob);

} // namespace Opsdeck
