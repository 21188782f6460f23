// SPDX-License-Identifier: GPL-3.0-or-later
// The rollout of a DeployRunner job: batch by batch, switch and restart, the health gate, a
// failed batch switched back (and said in plain words), then pruning.
#include "deployrunner.h"

#include "deployscripts.h"
#include "healthgate.h"
#include "logs/recentlogs.h"
#include "runtime/sshpool.h"

namespace Opsdeck {

namespace {

QStringList without(const QStringList &list, const QStringList &remove)
{
    QStringList out;
    for (const QString &s : list)
        if (!remove.contains(s))
            out << s;
    return out;
}

} // namespace

void DeployRunner::rollout()
{
    m_batches = computeBatches(m_context.hosts, m_context.spec.batches);
    m_batch = -1;
    rolloutBatch();
}

void DeployRunner::rolloutBatch()
{
    ++m_batch;
    if (m_batch >= m_batches.size())
        return next();
    const QStringList batch = m_batches[m_batch];
    setPhase(Phase::Rollout, tr("Batch %1/%2: %3 → %4")
                                 .arg(m_batch + 1)
                                 .arg(m_batches.size())
                                 .arg(batch.join(QStringLiteral(", ")), m_context.release));
    m_switchedAny = true; // from here on, `current` may have moved (even if a host is lost)
    runOn(
        batch,
        [this](const QString &h) -> QString {
            return DeployScripts::switchCurrent(m_context.spec, m_context.release) +
                   DeployScripts::restart(m_context, h, m_context.release);
        },
        false,
        [this, batch](const QList<HostOutcome> &outcomes) {
            for (const HostOutcome &o : outcomes) {
                if (o.ok()) {
                    setHost(o.host, HostState::Switched, tr("current → %1").arg(m_context.release));
                } else {
                    m_failedHosts << o.host;
                    m_failureReasons.insert(
                        o.host,
                        tr("%1 could not be switched and restarted: %2").arg(o.host, o.describe()));
                    setHost(o.host, HostState::Failed, tr("switch/restart: %1").arg(o.describe()));
                }
            }
            for (const HostOutcome &o : outcomes)
                if (o.lost())
                    return fail(outcomes, tr("switch"));
            gateBatch(batch);
        });
}

void DeployRunner::gateBatch(const QStringList &batch)
{
    const QStringList hosts = without(batch, m_failedHosts);
    if (!m_context.spec.healthcheck || hosts.isEmpty() || m_cancelRequested) {
        for (const QString &h : hosts)
            setHost(h, HostState::Healthy, tr("running %1").arg(m_context.release));
        return batchDone(batch);
    }
    auto pending = std::make_shared<int>(int(hosts.size()));
    m_gates.clear();
    for (const QString &host : hosts) {
        setHost(host, HostState::Switched, tr("health check…"));
        auto *gate = new HealthGate(m_pool->client(host), m_context, host, m_context.release,
                                    m_network, this);
        m_gates << gate;
        connect(gate, &Job::lineReceived, this,
                [this, host](const QString &line) { emit output(host, (line + u'\n').toUtf8()); });
        connect(gate, &Job::finished, this, [this, gate, pending, batch](const Result<QString> &r) {
            gate->deleteLater();
            const QString h = gate->host();
            const bool healthy = r.ok();
            const QString detail = r.errorString();
            if (healthy) {
                setHost(h, HostState::Healthy, tr("healthy on %1").arg(m_context.release));
            } else if (m_cancelRequested) { // not the host's fault: the batch goes back
                setHost(h, HostState::Switched, tr("%1's health check was cancelled").arg(h));
            } else {
                m_failedHosts << h;
                m_failureReasons.insert(h, detail);
                setHost(h, HostState::Failed, detail);
                // The app's own words next to the verdict: its newest log lines.
                readRecentLogs(
                    m_pool, m_environment, h, kGateLogLines, this,
                    [this, h, pending, batch](const QList<LogEntry> &lines) {
                        if (!lines.isEmpty()) {
                            say(tr("the last %n lines of %1's logs:", nullptr, int(lines.size()))
                                    .arg(h));
                            emit output(h, recentLogsText(lines));
                        }
                        if (--*pending == 0)
                            batchDone(batch);
                    });
                return;
            }
            if (--*pending == 0)
                batchDone(batch);
        });
        gate->start();
    }
}

void DeployRunner::batchDone(const QStringList &batch)
{
    m_gates.clear();
    if (m_failedHosts.size() > m_context.spec.maxFail) {
        QStringList reasons;
        for (const QString &host : std::as_const(m_failedHosts))
            reasons << m_failureReasons.value(host, tr("%1 failed").arg(host));
        QString why = reasons.join(QStringLiteral("; "));
        if (m_context.spec.maxFail > 0)
            why += tr(" (more hosts failed than max_fail: %1 allows)").arg(m_context.spec.maxFail);
        return revertBatch(batch, why);
    }
    if (m_cancelRequested)
        return revertBatch(batch, tr("cancelled during batch %1").arg(m_batch + 1));
    rolloutBatch();
}

void DeployRunner::revertBatch(const QStringList &batch, const QString &why)
{
    // Only this batch goes back: earlier batches passed their gates and keep serving.
    QStringList hosts;
    for (const QString &h : batch)
        if (!m_previous.value(h).isEmpty() && m_previous.value(h) != m_context.release)
            hosts << h;
    const Outcome outcome =
        m_cancelRequested && m_failedHosts.isEmpty() ? Outcome::Cancelled : Outcome::Failed;
    if (hosts.isEmpty())
        return conclude(outcome, why);
    say(tr("switching %1 back to the previous release").arg(hosts.join(QStringLiteral(", "))));
    runOn(
        hosts,
        [this](const QString &h) -> QString {
            return DeployScripts::switchCurrent(m_context.spec, m_previous.value(h)) +
                   DeployScripts::restart(m_context, h, m_previous.value(h));
        },
        false,
        [this, why, outcome](const QList<HostOutcome> &outcomes) {
            QStringList back;
            QStringList stuck;
            for (const HostOutcome &o : outcomes) {
                setHost(o.host, o.ok() ? HostState::Reverted : HostState::Failed,
                        o.ok() ? tr("back on %1").arg(m_previous.value(o.host))
                               : tr("switching back failed: %1").arg(o.describe()));
                (o.ok() ? back : stuck) << o.host;
            }
            QString summary = why;
            if (!back.isEmpty())
                summary += QStringLiteral("; ") + switchedBackSentence(back);
            for (const QString &host : std::as_const(stuck))
                summary += tr("; switching %1 back failed — look at it now").arg(host);
            conclude(outcome, summary);
        });
}

QString DeployRunner::switchedBackSentence(const QStringList &hosts) const
{
    const QString release = m_previous.value(hosts.first());
    const QString ref = m_releaseRefs.value(release);
    const QString names = hosts.size() == 1
                              ? hosts.first()
                              : hosts.mid(0, hosts.size() - 1).join(QStringLiteral(", ")) +
                                    tr(" and ") + hosts.last();
    return (hosts.size() == 1 ? tr("%1 was switched back to %2")
                              : tr("%1 were switched back to %2"))
        .arg(names, ref.isEmpty() ? release : ref);
}

const HealthGate *DeployRunner::healthGate(const QString &host) const
{
    for (const QPointer<HealthGate> &gate : m_gates)
        if (gate && gate->host() == host)
            return gate;
    return nullptr;
}

void DeployRunner::concludeRollback()
{
    conclude(Outcome::Succeeded, tr("rolled back to %1").arg(m_context.release));
}

void DeployRunner::prune()
{
    setPhase(Phase::Prune, tr("Prune to %1 releases").arg(m_context.spec.keep));
    // Pruning rides along with the history line and the unlock; a failure there is a warning.
    const QString prune = QStringLiteral("( %1) || echo 'warning: pruning failed'\n")
                              .arg(DeployScripts::prune(m_context.spec));
    for (const QString &host : std::as_const(m_context.hosts))
        m_pendingScripts[host] += prune;
    conclude(Outcome::Succeeded, tr("deployed %1 (%2) to %3")
                                     .arg(m_context.ref, m_context.revision.left(7),
                                          m_context.hosts.join(QStringLiteral(", "))));
}

} // namespace Opsdeck
