// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/shellquote.h"
#include "deploycontext.h"

#include <QJsonObject>
#include <QString>

namespace Opsdeck {

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
/**
 * What deploying `to` brings (on the lock host, in the repository's mirror): "# commits", then
 * "count N" and up to 50 `git log` lines since `from` when that commit is known, then
 * "# migrations" and the Django migration files in `to`'s tree.
 */
QString changes(const DeploySpec &spec, const QString &from, const QString &to);
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

} // namespace Opsdeck
