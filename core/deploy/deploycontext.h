// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace/workspace.h"

#include <QDateTime>
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

} // namespace Opsdeck
