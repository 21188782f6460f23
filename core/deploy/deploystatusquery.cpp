// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploystatusquery.h"

#include "deployscripts.h"
#include "hostfanout.h"
#include "workspace/workspace.h"

namespace Opsdeck {

const HistoryEntry *EnvironmentDeployState::deployOf(const QString &release) const
{
    for (const HistoryEntry &e : history)
        if (e.release == release && e.action == QLatin1String("deploy"))
            return &e;
    return nullptr;
}

QString EnvironmentDeployState::currentRelease(const QString &lockHost) const
{
    for (const HostDeployState &h : hosts)
        if (h.host == lockHost && !h.current.isEmpty())
            return h.current;
    for (const HostDeployState &h : hosts)
        if (!h.current.isEmpty())
            return h.current;
    return {};
}

DeployStatusQuery::DeployStatusQuery(SshPool *pool, const EnvironmentSpec &environment,
                                     QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_hosts(environment.hosts)
{
    if (environment.deploy) {
        m_lockHost = environment.deploy->lockHost;
        m_path = environment.deploy->path;
    }
}

void DeployStatusQuery::start(int historyLines)
{
    auto *fanOut = new HostFanOut(m_pool, this);
    fanOut->setCaptureOutput(true);
    fanOut->setStreamOutput(false);
    DeploySpec spec;
    spec.path = m_path;
    connect(fanOut, &HostFanOut::finished, this,
            [this, fanOut](const QList<HostOutcome> &outcomes) {
                fanOut->deleteLater();
                EnvironmentDeployState state;
                for (const QString &host : std::as_const(m_hosts)) {
                    for (const HostOutcome &o : outcomes) {
                        if (o.host != host)
                            continue;
                        HostDeployState h =
                            o.ok() ? HostDeployState::parse(host, o.output) : HostDeployState();
                        h.host = host;
                        if (!o.ok())
                            h.error = o.describe();
                        if (host == m_lockHost)
                            state.lock = h.lock;
                        for (const QString &r : std::as_const(h.releases))
                            if (!state.releases.contains(r))
                                state.releases << r;
                        state.hosts << h;
                    }
                }
                std::sort(state.releases.begin(), state.releases.end(), std::greater<>());
                state.history = mergeHistory(state.hosts, state.lock ? state.lock->id : QString());
                emit finished(state);
            });
    fanOut->start(m_path.isEmpty() ? QStringList() : m_hosts,
                  [spec, historyLines](const QString &) {
                      return DeployScripts::status(spec, historyLines);
                  });
}

} // namespace Opsdeck
