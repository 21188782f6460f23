// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace/workspace.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck {

/** What one deploy, rollback or ad-hoc run is about; fixed before the first host is touched. */
struct DeployContext
{
    QString environment;
    QStringList hosts;
    DeploySpec spec;
    QString ref;      // as asked ("main", "v2", a sha)
    QString revision; // the full commit id it resolved to
    QString release;  // releases/<this>: "20261122T133000Z-abc1234"
    QString id;       // this run's id: lock owner and history key
    QString user;     // user@machine
    QString comment;
};

/** "20261122T133000Z-abc1234": sorts by time, names the commit. */
QString releaseName(const QDateTime &utc, const QString &revision);
/** The UTC time encoded in a release name, invalid when the name is not one of ours. */
QDateTime releaseTime(const QString &release);
/** The short commit id in a release name, empty when there is none. */
QString releaseRevision(const QString &release);

/**
 * Ansible's `serial` semantics: counts and percentages of the whole host list, in order; a
 * batch is never empty or smaller than one host, the last batch repeats until every host is
 * in one, "all"/"100%" takes the rest. No batches: all hosts at once.
 */
QList<QStringList> computeBatches(const QStringList &hosts, const QStringList &batches);

/** 'text' for a POSIX shell, whatever it contains. */
QString shellQuote(const QString &text);

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

/**
 * The shell scripts the engine runs on the hosts. They are the plan a dry run prints, so each
 * is short, readable and echoes what it does; the runner adds nothing that is not here.
 */
namespace DeployScripts {
QString listRefs(const DeploySpec &spec);
/** Prints "key<TAB>value" lines: current, release, lock, history, free, problem. */
QString status(const DeploySpec &spec, int historyLines = 200);
/** status() plus the checks a deploy needs (git, tar, writable path, shared files). */
QString preflight(const DeploySpec &spec);
/** Exit 0 with the lock taken; exit 3 printing the holder's details when it is held. */
QString lock(const DeploySpec &spec, const QJsonObject &details);
QString unlock(const DeploySpec &spec, const QString &id);
/** Removes the lock; with `id`, only if it is still that lock (exit 4 and its details if not). */
QString breakLock(const DeploySpec &spec, const QString &id = {});
QString build(const DeployContext &context, const QString &host);
QString release(const DeployContext &context, const QString &host);
QString switchCurrent(const DeploySpec &spec, const QString &release);
QString restart(const DeployContext &context, const QString &host, const QString &release);
QString healthRun(const DeployContext &context, const QString &host, const QString &release);
QString discard(const DeploySpec &spec, const QString &release);
QString prune(const DeploySpec &spec);
QString appendHistory(const DeploySpec &spec, const QJsonObject &entry);
QString adHoc(const DeployContext &context, const QString &host, const QString &command);
} // namespace DeployScripts

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
