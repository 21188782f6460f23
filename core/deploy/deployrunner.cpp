// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployrunner.h"

#include "audit/auditlog.h"
#include "common/formatting.h"
#include "deployscripts.h"
#include "gitrefs.h"
#include "healthgate.h"
#include "runlisting.h"
#include "runtime/hostprobe.h"
#include "runtime/sshpool.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUuid>

namespace Opsdeck {

namespace {

constexpr qint64 kMinimumFreeBytes = 100 * 1024 * 1024;

} // namespace

DeployRunner::DeployRunner(SshPool *pool, const EnvironmentSpec &environment, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_environment(environment)
    , m_network(new QNetworkAccessManager(this))
    , m_fanOut(nullptr)
{}

DeployRunner::~DeployRunner() = default;

void DeployRunner::setAuditLog(AuditLog *log, const QString &workspaceName)
{
    m_audit = log;
    m_workspaceName = workspaceName;
}

QString DeployRunner::phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Idle:
        return tr("Ready");
    case Phase::Preflight:
        return tr("Preflight");
    case Phase::Lock:
        return tr("Lock");
    case Phase::Build:
        return tr("Build");
    case Phase::Release:
        return tr("Release phase");
    case Phase::Rollout:
        return tr("Rollout");
    case Phase::Prune:
        return tr("Prune");
    case Phase::Finish:
        return tr("Finishing");
    case Phase::Done:
        return tr("Done");
    }
    return {};
}

QString DeployRunner::hostStateName(HostState state)
{
    switch (state) {
    case HostState::Waiting:
        return tr("waiting");
    case HostState::Working:
        return tr("working");
    case HostState::Built:
        return tr("built");
    case HostState::Switched:
        return tr("switched");
    case HostState::Healthy:
        return tr("healthy");
    case HostState::Failed:
        return tr("failed");
    case HostState::Reverted:
        return tr("switched back");
    case HostState::Done:
        return tr("done");
    }
    return {};
}

QList<PlanStep> DeployRunner::plan() const
{
    switch (m_kind) {
    case Kind::Deploy:
        return deployPlan(m_context);
    case Kind::Rollback:
        return rollbackPlan(m_context);
    case Kind::Command:
        break;
    }
    return {PlanStep{tr("run"), m_context.hosts, m_command}};
}

// ---- the recipes ------------------------------------------------------------------------------

QList<DeployRunner::Step> DeployRunner::recipeFor(Kind kind)
{
    switch (kind) {
    case Kind::Deploy:
        return {&DeployRunner::preflight, &DeployRunner::resolveRef,   &DeployRunner::takeLock,
                &DeployRunner::build,     &DeployRunner::releasePhase, &DeployRunner::rollout,
                &DeployRunner::prune};
    case Kind::Rollback:
        return {&DeployRunner::preflight, &DeployRunner::chooseRollbackRelease,
                &DeployRunner::takeLock, &DeployRunner::rollout, &DeployRunner::concludeRollback};
    case Kind::Command:
        return {&DeployRunner::runAdHoc};
    }
    return {};
}

void DeployRunner::next()
{
    if (++m_step < m_recipe.size())
        (this->*m_recipe[m_step])();
}

// ---- starting ---------------------------------------------------------------------------------

void DeployRunner::begin(Kind kind, const QStringList &hosts, const QString &comment)
{
    m_kind = kind;
    m_recipe = recipeFor(kind);
    m_step = -1;
    m_context.environment = m_environment.name;
    m_context.hosts = hosts;
    m_context.spec = m_environment.deploy.value_or(DeploySpec());
    if (m_context.spec.lockHost.isEmpty())
        m_context.spec.lockHost = hosts.value(0);
    m_context.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_context.user = AuditLog::currentUser();
    m_context.comment = comment;
    m_previous.clear();
    m_releaseRefs.clear();
    m_failureReasons.clear();
    m_steps.clear();
    m_hostStates.clear();
    m_hostDetails.clear();
    m_failedHosts.clear();
    m_batches.clear();
    m_batch = -1;
    m_locked = m_switchedAny = m_cancelRequested = false;
    m_existingReleases.clear();
    m_preflight.clear();
    m_outcome = Outcome::Succeeded;
    m_summary.clear();
    m_auditId = 0;
    m_clock.start();
    m_started = QDateTime::currentDateTimeUtc();
    for (const QString &host : hosts)
        m_hostStates.insert(host, HostState::Waiting);
}

void DeployRunner::deploy(const QString &ref, const QString &comment)
{
    begin(Kind::Deploy, m_environment.hosts, comment);
    m_context.ref = ref;
    listRunAsJob(this, Kind::Deploy, m_environment.name, ref);
    startAudit();
    if (!m_environment.deploy)
        return refuse(Outcome::Refused,
                      tr("environment '%1' has no 'deploy:' block").arg(m_environment.name));
    next();
}

void DeployRunner::rollback(const QString &release, const QString &comment)
{
    begin(Kind::Rollback, m_environment.hosts, comment);
    m_context.release = release;
    listRunAsJob(this, Kind::Rollback, m_environment.name, release);
    startAudit();
    if (!m_environment.deploy)
        return refuse(Outcome::Refused,
                      tr("environment '%1' has no 'deploy:' block").arg(m_environment.name));
    next();
}

void DeployRunner::runCommand(const QString &command, const QStringList &hosts,
                              const QString &comment)
{
    begin(Kind::Command, hosts.isEmpty() ? m_environment.hosts : hosts, comment);
    m_command = command;
    listRunAsJob(this, Kind::Command, m_environment.name, command);
    startAudit();
    next();
}

void DeployRunner::runAdHoc()
{
    setPhase(Phase::Rollout, tr("Running on %1").arg(m_context.hosts.join(QStringLiteral(", "))));
    for (const QString &host : m_context.hosts)
        setHost(host, HostState::Working);
    runOn(
        m_context.hosts,
        [this](const QString &h) { return DeployScripts::adHoc(m_context, h, m_command); }, false,
        [this](const QList<HostOutcome> &outcomes) {
            int ok = 0;
            for (const HostOutcome &o : outcomes) {
                setHost(o.host, o.ok() ? HostState::Done : HostState::Failed, o.describe());
                ok += o.ok() ? 1 : 0;
                if (!o.ok()) // the reason, not just a count: "web2: exit status 1", "web3:
                             // connection refused"
                    say(tr("%1: %2").arg(o.host, o.describe()));
            }
            m_outcome = ok == outcomes.size() ? Outcome::Succeeded
                        : m_cancelRequested   ? Outcome::Cancelled
                                              : Outcome::Failed;
            m_summary = tr("%1 of %2 succeeded")
                            .arg(ok)
                            .arg(countOf(outcomes.size(), tr("host"), tr("hosts")));
            say(m_summary);
            audit();
            finish();
        });
}

void DeployRunner::cancel()
{
    if (!isRunning() || m_cancelRequested)
        return;
    m_cancelRequested = true;
    say(tr("cancel requested"));
    // During the finishing steps (unlock, history) there is nothing left to stop.
    if (m_phase == Phase::Finish)
        return;
    if (m_fanOut)
        m_fanOut->cancel();
    if (m_refsJob)
        m_refsJob->cancel();
    for (const QPointer<HealthGate> &gate : std::as_const(m_gates))
        if (gate)
            gate->cancel();
}

// ---- plumbing ---------------------------------------------------------------------------------

void DeployRunner::setPhase(Phase phase, const QString &label)
{
    m_phase = phase;
    const bool batched = phase == Phase::Rollout && m_kind != Kind::Command;
    m_steps.begin(batched ? tr("Batch %1/%2").arg(m_batch + 1).arg(m_batches.size())
                  : phase == Phase::Rollout ? tr("Run")
                                            : phaseName(phase),
                  m_clock.elapsed());
    if (!label.isEmpty())
        say(QStringLiteral("== ") + label);
    emit phaseChanged(phase, label);
}

void DeployRunner::setHost(const QString &host, HostState state, const QString &detail)
{
    m_hostStates.insert(host, state);
    if (!detail.isNull())
        m_hostDetails.insert(host, detail);
    emit hostChanged(host);
}

void DeployRunner::say(const QString &line)
{
    emit output(QString(), (line + QLatin1Char('\n')).toUtf8());
}

void DeployRunner::runOn(const QStringList &hosts,
                         const std::function<QString(const QString &)> &script, bool capture,
                         Next next)
{
    auto *fanOut = new HostFanOut(m_pool, this);
    fanOut->setCaptureOutput(capture);
    fanOut->setStreamOutput(!capture);
    connect(fanOut, &HostFanOut::outputReceived, this, &DeployRunner::output);
    connect(fanOut, &HostFanOut::finished, this,
            [this, fanOut, next = std::move(next)](const QList<HostOutcome> &outcomes) {
                if (m_fanOut == fanOut)
                    m_fanOut = nullptr;
                fanOut->deleteLater();
                next(outcomes);
            });
    m_fanOut = fanOut;
    // Each SSH exec costs the host a session (fork, shell): a pending line rides along with the
    // next script each host runs instead of costing a round of its own.
    fanOut->start(hosts, [this, &script](const QString &host) -> QString {
        return m_pendingScripts.take(host) + script(host);
    });
}

// ---- deploy and rollback ----------------------------------------------------------------------

void DeployRunner::preflight()
{
    setPhase(Phase::Preflight,
             tr("Preflight on %1").arg(m_context.hosts.join(QStringLiteral(", "))));
    const bool rollback = m_kind == Kind::Rollback;
    runOn(
        m_context.hosts,
        [this, rollback](const QString &) {
            return rollback ? DeployScripts::status(m_context.spec, 0)
                            : DeployScripts::preflight(m_context.spec);
        },
        true, [this](const QList<HostOutcome> &outcomes) { onPreflight(outcomes); });
}

void DeployRunner::onPreflight(const QList<HostOutcome> &outcomes)
{
    if (m_cancelRequested)
        return refuse(Outcome::Cancelled, tr("cancelled during preflight; nothing was changed"));
    QStringList problems;
    std::optional<LockInfo> lock;
    for (const HostOutcome &o : outcomes) {
        if (!o.ok()) {
            setHost(o.host, HostState::Failed, o.describe());
            problems << QStringLiteral("%1: %2").arg(o.host, o.describe());
            continue;
        }
        const HostDeployState s = HostDeployState::parse(o.host, o.output);
        m_preflight.insert(o.host, s);
        m_previous.insert(o.host, s.current);
        for (const HistoryEntry &h : s.history)
            if (!h.release.isEmpty() && !h.ref.isEmpty() && h.action == QLatin1String("deploy"))
                m_releaseRefs.insert(h.release, h.ref);
        m_existingReleases += s.releases;
        for (const QString &p : s.problems)
            problems << QStringLiteral("%1: %2").arg(o.host, p);
        if (s.freeBytes >= 0 && s.freeBytes < kMinimumFreeBytes)
            problems << tr("%1: only %2 free").arg(o.host, formatBytes(s.freeBytes));
        if (o.host == m_context.spec.lockHost && s.lock)
            lock = s.lock;
        setHost(o.host, HostState::Waiting, s.current.isEmpty() ? tr("no release yet") : s.current);
    }
    if (!problems.isEmpty())
        return refuse(Outcome::Refused, tr("preflight failed, nothing was changed:\n  %1")
                                            .arg(problems.join(QStringLiteral("\n  "))));
    if (lock)
        return refuse(Outcome::Refused,
                      tr("%1 is locked by %2").arg(m_context.environment, lock->describe()));
    next();
}

void DeployRunner::chooseRollbackRelease()
{
    // By default the release before the lock host's current one.
    QStringList problems;
    const HostDeployState first = m_preflight.value(m_context.spec.lockHost);
    if (m_context.release.isEmpty()) {
        const qsizetype at = first.releases.indexOf(first.current);
        m_context.release = at >= 0 ? first.releases.value(at + 1) : QString();
        if (first.current.isEmpty())
            return refuse(Outcome::Refused,
                          tr("nothing is deployed to %1 yet: there is nothing to roll back")
                              .arg(m_context.environment));
        if (m_context.release.isEmpty())
            return refuse(Outcome::Refused,
                          tr("there is no release before %1 to roll back to").arg(first.current));
    }
    for (const HostDeployState &s : std::as_const(m_preflight))
        if (!s.releases.contains(m_context.release))
            problems << tr("%1 has no release %2").arg(s.host, m_context.release);
    if (!problems.isEmpty())
        return refuse(Outcome::Refused, problems.join(QStringLiteral("; ")));
    m_context.revision = releaseRevision(m_context.release);
    if (m_dryRun) {
        emit planReady(plan());
        return refuse(Outcome::Succeeded, tr("dry run: nothing was changed"));
    }
    next();
}

void DeployRunner::resolveRef()
{
    say(tr("resolving '%1' in %2").arg(m_context.ref, m_context.spec.repo));
    // The same listing the deploy dialog shows, as a Job of its own in the Jobs view.
    auto *job = new GitRefsJob(m_pool, m_context.spec, this);
    job->setEnvironment(m_context.environment);
    m_refsJob = job;
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (m_cancelRequested)
            return refuse(Outcome::Cancelled, tr("cancelled; nothing was changed"));
        const Result<GitRefs> listed = job->listing();
        if (!listed)
            return refuse(Outcome::Refused,
                          tr("cannot list the repository's refs on %1: %2")
                              .arg(m_context.spec.lockHost, listed.errorString()));
        const GitRefs &refs = *listed;
        m_context.revision = refs.resolve(m_context.ref);
        if (m_context.revision.isEmpty()) {
            QStringList names;
            for (const auto &b : refs.branches)
                names << b.first;
            for (const auto &t : refs.tags)
                names << t.first;
            return refuse(Outcome::Refused,
                          tr("unknown ref '%1' (known: %2)")
                              .arg(m_context.ref, names.join(QStringLiteral(", "))));
        }
        if (!m_expectedRevision.isEmpty() && m_context.revision != m_expectedRevision)
            return refuse(
                Outcome::Refused,
                tr("'%1' now points at %2, not at %3 as in the plan you saw (pushed "
                   "meanwhile?); nothing was changed: look at the new plan")
                    .arg(m_context.ref, m_context.revision.left(12), m_expectedRevision.left(12)));
        // Names have one-second resolution and a deploy can take less: never reuse one.
        QDateTime at = QDateTime::currentDateTimeUtc();
        m_context.release = releaseName(at, m_context.revision);
        while (m_existingReleases.contains(m_context.release)) {
            at = at.addSecs(1);
            m_context.release = releaseName(at, m_context.revision);
        }
        say(tr("%1 is %2; new release %3")
                .arg(m_context.ref, m_context.revision, m_context.release));
        if (m_dryRun) {
            emit planReady(plan());
            return refuse(Outcome::Succeeded, tr("dry run: nothing was changed"));
        }
        next();
    });
    job->start();
}

void DeployRunner::takeLock()
{
    setPhase(Phase::Lock, tr("Lock on %1").arg(m_context.spec.lockHost));
    LockInfo info;
    info.id = m_context.id;
    info.user = m_context.user;
    info.since = m_started;
    info.action = m_kind == Kind::Rollback ? QStringLiteral("rollback") : QStringLiteral("deploy");
    info.ref = m_kind == Kind::Rollback ? m_context.release : m_context.ref;
    info.revision = m_context.revision;
    info.comment = m_context.comment;
    runOn(
        {m_context.spec.lockHost},
        [this, info](const QString &) {
            return DeployScripts::lock(m_context.spec, info.toJson());
        },
        true,
        [this](const QList<HostOutcome> &outcomes) {
            const HostOutcome &o = outcomes.value(0);
            if (o.exitStatus == 3)
                return refuse(
                    Outcome::Refused,
                    tr("%1 is locked by %2")
                        .arg(m_context.environment,
                             LockInfo::fromJson(QJsonDocument::fromJson(o.output).object())
                                 .describe()));
            if (!o.ok())
                return refuse(m_cancelRequested ? Outcome::Cancelled : Outcome::Refused,
                              tr("could not take the lock on %1: %2").arg(o.host, o.describe()));
            m_locked = true;
            // "started" goes first in each host's next script: if this console dies, the
            // others see it.
            const QString started = DeployScripts::appendHistory(
                m_context.spec, historyEntry(HistoryEntry::Result::Started).toJson());
            for (const QString &host : std::as_const(m_context.hosts))
                m_pendingScripts.insert(host, started);
            if (m_cancelRequested)
                return conclude(Outcome::Cancelled, tr("cancelled before any change"));
            next();
        });
}

void DeployRunner::build()
{
    setPhase(
        Phase::Build,
        tr("Build %1 on %2").arg(m_context.release, m_context.hosts.join(QStringLiteral(", "))));
    for (const QString &host : m_context.hosts)
        setHost(host, HostState::Working, tr("building"));
    runOn(
        m_context.hosts, [this](const QString &h) { return DeployScripts::build(m_context, h); },
        false,
        [this](const QList<HostOutcome> &outcomes) {
            bool ok = true;
            for (const HostOutcome &o : outcomes) {
                setHost(o.host, o.ok() ? HostState::Built : HostState::Failed,
                        o.ok() ? tr("built") : tr("build: %1").arg(o.describe()));
                ok = ok && o.ok();
            }
            if (!ok)
                return fail(outcomes, tr("build"));
            next();
        });
}

void DeployRunner::releasePhase()
{
    if (m_context.spec.release.isEmpty() || m_cancelRequested) {
        if (m_cancelRequested)
            return conclude(Outcome::Cancelled,
                            tr("cancelled before the switch; current is untouched"));
        return next();
    }
    const QString first = m_context.hosts.first();
    setPhase(Phase::Release, tr("Release phase on %1 (once)").arg(first));
    setHost(first, HostState::Working, tr("release phase"));
    runOn(
        {first}, [this](const QString &h) { return DeployScripts::release(m_context, h); }, false,
        [this](const QList<HostOutcome> &outcomes) {
            const HostOutcome &o = outcomes.value(0);
            setHost(o.host, o.ok() ? HostState::Built : HostState::Failed,
                    o.ok() ? tr("built") : tr("release phase: %1").arg(o.describe()));
            if (!o.ok())
                return fail(outcomes, tr("release phase"));
            if (m_cancelRequested)
                return conclude(Outcome::Cancelled,
                                tr("cancelled before the switch; current is untouched"));
            next();
        });
}

} // namespace Opsdeck
