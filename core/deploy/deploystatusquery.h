// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploystate.h"

#include <QObject>

namespace Opsdeck {

class SshPool;
struct EnvironmentSpec;

/** An environment's releases, lock and history as its hosts report them. */
struct EnvironmentDeployState
{
    QList<HostDeployState> hosts;
    std::optional<LockInfo> lock;
    QList<HistoryEntry> history; // newest first
    QStringList releases;        // on any host, newest first

    /** The history entry that created `release`, if the servers remember it. */
    const HistoryEntry *deployOf(const QString &release) const;
    /** The release `current` points at: the lock host's, else the first host's that has one. */
    QString currentRelease(const QString &lockHost) const;
};

/** Asks every host of an environment at once (one SSH command each) and merges the answers. */
class DeployStatusQuery final : public QObject
{
    Q_OBJECT

public:
    DeployStatusQuery(SshPool *pool, const EnvironmentSpec &environment, QObject *parent = nullptr);
    void start(int historyLines = 200);

signals:
    void finished(const Opsdeck::EnvironmentDeployState &state);

private:
    SshPool *m_pool;
    QStringList m_hosts;
    QString m_lockHost;
    QString m_path;
};

} // namespace Opsdeck
