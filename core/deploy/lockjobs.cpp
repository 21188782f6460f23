// SPDX-License-Identifier: GPL-3.0-or-later
#include "lockjobs.h"

#include "deployscripts.h"
#include "jobs/job.h"
#include "runtime/sshpool.h"
#include "workspace/workspace.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

namespace {

constexpr std::chrono::seconds kLockTimeout{60};

Job *lockHostJob(SshPool *pool, const DeploySpec &spec, const QString &title, const QString &script,
                 QObject *parent)
{
    Job *job = Job::remote(title, pool->client(spec.lockHost), script, parent);
    job->setTimeout(kLockTimeout);
    return job;
}

} // namespace

Job *takeLockJob(SshPool *pool, const DeploySpec &spec, const LockInfo &lock, QObject *parent)
{
    return lockHostJob(pool, spec, QStringLiteral("take the lock on %1").arg(spec.lockHost),
                       DeployScripts::lock(spec, lock.toJson()), parent);
}

Job *breakLockJob(SshPool *pool, const DeploySpec &spec, const QString &id, QObject *parent)
{
    return lockHostJob(pool, spec, QStringLiteral("break the lock on %1").arg(spec.lockHost),
                       DeployScripts::breakLock(spec, id), parent);
}

LockInfo lockHolder(const Job &finishedTakeJob)
{
    // The script prints the holder's details.json when it refuses.
    return LockInfo::fromJson(
        QJsonDocument::fromJson(finishedTakeJob.lines().join(QLatin1Char('\n')).toUtf8()).object());
}

} // namespace Opsdeck
