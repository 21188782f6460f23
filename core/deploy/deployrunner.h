// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"

#include "deployplan.h"
#include "deploystate.h"
#include "deploysteps.h"
#include "hostfanout.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

class QNetworkAccessManager;

namespace Opsdeck {

class AuditLog;
struct AuditEntry;
class GitRefsJob;
class HealthGate;
class SshPool;

/**
 * One deploy, rollback or ad-hoc command on one environment's hosts, as a state machine on the
 * calling thread driven by the pool's asynchronous SSH jobs (nothing here waits:
 * docs/ARCHITECTURE.md, "Threads").
 *
 * Each kind of run follows a recipe, a declared list of steps (recipeFor()); a step starts its
 * remote scripts on the hosts at once (HostFanOut) and, when they end well, calls next(). A step
 * that fails or is cancelled ends the run instead (refuse() before the lock, conclude() after).
 *
 * Deploy: preflight → resolve the ref → lock → build (all hosts) → release phase (once) → per
 * batch {switch, restart, health gate} → prune → unlock → history. A failure before the first
 * switch leaves `current` untouched everywhere; a failed batch is switched back; a host lost
 * mid-way leaves the lock in place and the run recorded as interrupted, for a human to look at.
 */
class DeployRunner final : public QObject
{
    Q_OBJECT

public:
    enum class Kind { Deploy, Rollback, Command };
    enum class Phase { Idle, Preflight, Lock, Build, Release, Rollout, Prune, Finish, Done };
    enum class HostState { Waiting, Working, Built, Switched, Healthy, Failed, Reverted, Done };
    enum class Outcome { Succeeded, Failed, Cancelled, Interrupted, Refused };
    Q_ENUM(Phase)
    Q_ENUM(HostState)
    Q_ENUM(Outcome)

    DeployRunner(SshPool *pool, const EnvironmentSpec &environment, QObject *parent = nullptr);
    ~DeployRunner() override;

    /** Where actions are recorded; nullptr: nowhere (tests of the engine alone). */
    void setAuditLog(AuditLog *log, const QString &workspaceName);
    /** Stop after preflight and ref resolution, emitting planReady; nothing is changed. */
    void setDryRun(bool dryRun) { m_dryRun = dryRun; }

    /**
     * The commit the person saw in the plan: the deploy is refused if the ref resolves to
     * anything else by the time it starts (a push in between must not change what ships).
     */
    void setExpectedRevision(const QString &revision) { m_expectedRevision = revision; }
    void deploy(const QString &ref, const QString &comment);
    /** `release` empty: the one before the lock host's current release. */
    void rollback(const QString &release, const QString &comment);
    /** `hosts` empty: all the environment's hosts. */
    void runCommand(const QString &command, const QStringList &hosts = {},
                    const QString &comment = {});
    void cancel();

    Kind kind() const { return m_kind; }
    Phase phase() const { return m_phase; }
    bool isRunning() const { return m_phase != Phase::Idle && m_phase != Phase::Done; }
    QStringList hosts() const { return m_context.hosts; }
    HostState hostState(const QString &host) const { return m_hostStates.value(host); }
    QString hostDetail(const QString &host) const { return m_hostDetails.value(host); }
    const DeployContext &context() const { return m_context; }
    QList<QStringList> batches() const { return m_batches; }
    int currentBatch() const { return m_batch; }
    Outcome outcome() const { return m_outcome; }
    QString summary() const { return m_summary; }
    QList<PlanStep> plan() const;
    /** Each step's time so far: "Preflight 0.4 s › Lock 0.2 s › Build 8.1 s…". */
    QString stepsText() const { return m_steps.text(m_clock.isValid() ? m_clock.elapsed() : 0); }
    const DeploySteps &steps() const { return m_steps; }
    /** The health gate waiting on `host` now, else nullptr (for a countdown). */
    const HealthGate *healthGate(const QString &host) const;

    /** The audit row this run makes of itself (what it resolved, what it changed, how it
     * ended), for whoever records it: the runner itself (setAuditLog) or the action pipeline. */
    AuditEntry auditEntry() const;
    /** How the run ended, for the action pipeline that audited it. */
    ActionResult actionResult() const;

    static QString phaseName(Phase phase);
    static QString hostStateName(HostState state);
    static QString outcomeName(Outcome outcome);

    /** Log lines shown when a host fails its health gate (the environment's logs: on it). */
    static constexpr int kGateLogLines = 50;

signals:
    void phaseChanged(Opsdeck::DeployRunner::Phase phase, const QString &label);
    void hostChanged(const QString &host);
    /** Output as it arrives; `host` empty for Opsdeck's own progress lines. */
    void output(const QString &host, const QByteArray &data);
    void planReady(const QList<Opsdeck::PlanStep> &plan);
    void finished(Opsdeck::DeployRunner::Outcome outcome, const QString &summary);

private:
    using Next = std::function<void(const QList<HostOutcome> &)>;
    /** A step of a recipe: starts its work; calls next() when it ended well. */
    using Step = void (DeployRunner::*)();
    /** The steps a run of `kind` follows, in order. */
    static QList<Step> recipeFor(Kind kind);

    void begin(Kind kind, const QStringList &hosts, const QString &comment);
    /** Starts the recipe's next step (the first one after begin()). */
    void next();
    void setPhase(Phase phase, const QString &label);
    void setHost(const QString &host, HostState state, const QString &detail = {});
    void say(const QString &line);
    void runOn(const QStringList &hosts, const std::function<QString(const QString &)> &script,
               bool capture, Next next);

    // The steps (see recipeFor()).
    void preflight();
    void onPreflight(const QList<HostOutcome> &outcomes);
    void resolveRef();
    void chooseRollbackRelease();
    void takeLock();
    void build();
    void releasePhase();
    void rollout();
    void prune();
    void concludeRollback();
    void runAdHoc();

    void rolloutBatch();
    void gateBatch(const QStringList &batch);
    void batchDone(const QStringList &batch);
    void revertBatch(const QStringList &batch, const QString &why);
    /** "web1 and web2 were switched back to v1". */
    QString switchedBackSentence(const QStringList &hosts) const;

    /** Ends a run that changed nothing on the hosts (before the lock). */
    void refuse(Outcome outcome, const QString &why);
    /** Ends a locked run: clean up, unlock, history, audit. */
    void conclude(Outcome outcome, const QString &summary);
    /** The host set stopped: lost → interrupted, cancel → cancelled, else failed. */
    void fail(const QList<HostOutcome> &outcomes, const QString &what);
    void finish();
    HistoryEntry historyEntry(HistoryEntry::Result result) const;
    /** The audit row, written before anything runs (a killed run still leaves it). */
    void startAudit();
    void audit();
    void notify();

    SshPool *m_pool;
    EnvironmentSpec m_environment;
    QNetworkAccessManager *m_network;
    AuditLog *m_audit = nullptr;
    qint64 m_auditId = 0; // the row written when the action started
    QString m_workspaceName;
    QString m_expectedRevision;
    bool m_dryRun = false;

    Kind m_kind = Kind::Deploy;
    QList<Step> m_recipe;
    qsizetype m_step = -1;
    Phase m_phase = Phase::Idle;
    DeployContext m_context;
    QString m_command;
    QHash<QString, QString> m_pendingScripts; // host → lines to run before its next script
    QHash<QString, QString> m_previous;       // host → release `current` pointed at before
    QHash<QString, QString> m_releaseRefs;    // release → the ref it was deployed from (history)
    QHash<QString, QString> m_failureReasons; // host → why it failed, in plain words
    QStringList m_existingReleases;           // on any host, from the preflight
    QHash<QString, HostDeployState> m_preflight; // host → what its preflight found
    QHash<QString, HostState> m_hostStates;
    QHash<QString, QString> m_hostDetails;
    QList<QStringList> m_batches;
    int m_batch = -1;
    QStringList m_failedHosts;
    QList<QPointer<HealthGate>> m_gates;
    QPointer<GitRefsJob> m_refsJob;
    HostFanOut *m_fanOut;
    bool m_locked = false;
    bool m_switchedAny = false;
    bool m_cancelRequested = false;
    Outcome m_outcome = Outcome::Succeeded;
    QString m_summary;
    QElapsedTimer m_clock;
    DeploySteps m_steps;
    QDateTime m_started;
};

} // namespace Opsdeck
