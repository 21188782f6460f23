// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "jobs/job.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <QPointer>

namespace Opsdeck {

/** A `git ls-remote` listing resolved: full commit ids for branches and (peeled) tags. */
struct GitRefs
{
    QList<QPair<QString, QString>> branches; // name, commit
    QList<QPair<QString, QString>> tags;
    QString head;

    /** Lines whose id is not a full hex commit id (SHA-1 or SHA-256) are skipped. */
    static GitRefs parse(const QByteArray &lsRemote);
    /**
     * The commit for a ref as `git rev-parse` finds it: a full id, "HEAD", a full name
     * (refs/heads/x, refs/tags/x), else refs/<name>, refs/tags/<name>, refs/heads/<name> in that
     * order — a tag wins over a branch of the same name. Empty when unknown.
     */
    QString resolve(const QString &ref) const;
    /** The full ref name `resolve` would use ("refs/tags/v2"), or `ref` itself for an id. */
    QString fullName(const QString &ref) const;
};

class HostFanOut;
class SshPool;
struct DeploySpec;

/**
 * The repository's branches and tags as the deploy sees them: `git ls-remote` of `spec.repo` on
 * the lock host (where the hosts fetch from), as a Job — listed in the Jobs view, cancellable, a
 * minute's timeout. The deploy dialog's list and the deploy's own ref resolution both come from
 * here. The whole listing is parsed (a repository may have more refs than a job keeps lines);
 * the job's output is one summary line, and a failure says why in the host's words.
 */
class GitRefsJob final : public Job
{
    Q_OBJECT

public:
    static constexpr std::chrono::seconds kTimeout{60};

    GitRefsJob(SshPool *pool, const DeploySpec &spec, QObject *parent = nullptr);
    ~GitRefsJob() override;

    /** Once finished: the refs, or why they could not be listed (the job's result). */
    Result<GitRefs> listing() const;

protected:
    void begin() override;
    void abort() override;

private:
    SshPool *m_pool;
    QString m_host;
    GitRefs m_refs;
    QPointer<HostFanOut> m_read;
};

} // namespace Opsdeck
