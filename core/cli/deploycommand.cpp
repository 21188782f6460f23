// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploycommand.h"

#include "actions/actionpipeline.h"
#include "audit/auditlog.h"
#include "cliconfirmer.h"
#include "common/formatting.h"
#include "common/suggest.h"
#include "ctrlc.h"
#include "deploy/deployrunner.h"
#include "deploy/hostlines.h"
#include "deploy/lockjobs.h"
#include "deploystateoutput.h"
#include "environmentsession.h"
#include "jobs/job.h"
#include "runtime/hostprobe.h"
#include "swarmdeploycommand.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QUuid>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace Opsdeck {

namespace {

const QString kGroup = QStringLiteral("Deployments");

struct Options
{
    QString environment;
    QStringList positional;
    QStringList rest; // after "--"
    QHash<QString, QStringList> values;
    QSet<QString> flags;

    QString value(const QString &name) const { return values.value(name).value(0); }
};

/** Options with a value are listed in `valued`, switches in `switches`; aliases as "-m=--comment".
 */
std::optional<Options> parse(CliContext &ctx, const QString &command, const QStringList &valued,
                             const QStringList &switches, const QString &usage)
{
    Options o;
    const QStringList &args = ctx.args;
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString a = args[i];
        if (a == QLatin1String("-m"))
            a = QStringLiteral("--comment");
        if (a == QLatin1String("-y"))
            a = QStringLiteral("--yes");
        if (a == QLatin1String("--")) {
            o.rest = args.mid(i + 1);
            break;
        }
        if (valued.contains(a) && i + 1 < args.size()) {
            o.values[a] << args[++i];
        } else if (switches.contains(a)) {
            o.flags << a;
        } else if (!a.startsWith(QLatin1Char('-'))) {
            (o.environment.isEmpty() ? o.environment : o.positional.emplace_back()) = a;
        } else {
            ctx.err << "opsdeck " << command << ": unexpected '" << args[i] << "'\nusage: " << usage
                    << "\n";
            return std::nullopt;
        }
    }
    if (o.environment.isEmpty()) {
        ctx.err << "opsdeck " << command << ": which environment?\nusage: " << usage << "\n";
        return std::nullopt;
    }
    return o;
}

/** Prefixes each complete line with its host, the way `pssh -i` and Ansible do. */
/** Writes whole lines, each prefixed with its host ("web1 | …") the way parallel-ssh -P does. */
HostLineSplitter::LineHandler prefixedLines(QTextStream &out)
{
    return [&out](const QString &host, const QByteArray &line) {
        if (!host.isEmpty())
            out << host << " | ";
        out << QString::fromUtf8(line) << '\n';
    };
}

/** Runs one job to its end with live output; Ctrl-C cancels it (a second one gives up). */
int runJob(CliContext &ctx, EnvironmentSession &session,
           const std::function<void(DeployRunner &)> &start, bool dryRun, ActionResult *result,
           QString *plannedRevision = nullptr)
{
    DeployRunner runner(session.pool(), session.environment());
    runner.setDryRun(dryRun);
    HostLineSplitter writer(prefixedLines(ctx.out));
    QObject::connect(
        &runner, &DeployRunner::output, &runner,
        [&writer, &ctx](const QString &host, const QByteArray &data) {
            writer.write(host, data);
            ctx.out.flush(); // live through pipes too (`opsdeck deploy … | tee deploy.log`)
        });
    QObject::connect(&runner, &DeployRunner::planReady, &runner,
                     [&ctx, &runner, plannedRevision](const QList<PlanStep> &plan) {
                         ctx.out << "\nPlan (nothing has been changed):\n" << formatPlan(plan);
                         if (plannedRevision)
                             *plannedRevision = runner.context().revision;
                     });
    QEventLoop loop;
    QObject::connect(&runner, &DeployRunner::finished, &loop, &QEventLoop::quit);

    CtrlCHandler ctrlC([&runner] {
        if (!runner.isRunning() || runner.phase() == DeployRunner::Phase::Finish)
            return false;
        runner.cancel();
        return true;
    });
    start(runner);
    if (runner.isRunning())
        loop.exec();
    writer.flush();
    ctx.out.flush();
    ctx.out << "\n"
            << DeployRunner::outcomeName(runner.outcome()) << ": "
            << runner.summary().section(QLatin1Char('\n'), 0, 0) << "\n";
    ctx.out.flush();
    if (result)
        *result = runner.actionResult();
    return deployExitCode(runner.outcome());
}

/**
 * A deploy, rollback or run through the action pipeline (the same rule as the GUI: --yes and
 * -m on protected environments; the audit row written before the job starts). A dry run
 * changes nothing, so it is neither confirmed nor audited.
 */
int drive(CliContext &ctx, EnvironmentSession &session, const Options &o, ActionKind kind,
          const QString &target, const QString &description,
          const std::function<void(DeployRunner &, const QString &comment)> &start,
          bool dryRun = false)
{
    if (dryRun)
        return runJob(
            ctx, session, [&](DeployRunner &r) { start(r, {}); }, true, nullptr);
    ActionRequest request;
    request.kind = kind;
    request.workspace = session.workspace().name;
    request.environment = session.environment().name;
    request.isProtected = session.environment().isProtected;
    request.target = target;
    request.description = description;
    request.comment = o.value(QStringLiteral("--comment"));
    ActionPipeline pipeline(AuditLog::shared(),
                            std::make_shared<CliConfirmer>(ctx.err, o.flags.contains(u"--yes"_qs)));
    int code = ExitCode::Usage;
    pipeline.submit(
        request,
        [&](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            ActionResult result(Result<QString>::failure(QStringLiteral("did not run")));
            code = runJob(
                ctx, session, [&](DeployRunner &r) { start(r, confirmed.comment); }, false,
                &result);
            finish(result);
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::Refused)
                ctx.err << "opsdeck: " << outcome.message << "\n";
            if (!outcome.started() && code == ExitCode::Usage &&
                outcome.status == ActionOutcome::Status::Refused)
                code = ExitCode::Failure;
        });
    return code;
}

std::unique_ptr<EnvironmentSession> openSession(CliContext &ctx, const QString &command,
                                                const QString &environment,
                                                bool containersToo = false)
{
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session) {
        ctx.err << "opsdeck " << command << ": " << session.errorString() << "\n";
        return nullptr;
    }
    if ((*session)->environment().containers && containersToo)
        return std::move(session).value();
    if ((*session)->environment().containers) {
        // Said plainly rather than "no deploy: block": the block is there, of another kind.
        ctx.err << "opsdeck " << command << ": '" << environment << "' is a Docker "
                << (*session)->environment().containers->kindName() << " environment: `opsdeck "
                << command << "` is for releases environments (its services: opsdeck services "
                << environment << ")\n";
        return nullptr;
    }
    if (!(*session)->environment().deploy) {
        ctx.err << "opsdeck " << command << ": environment '" << environment
                << "' has no 'deploy:' block in " << ctx.workspacePath() << "\n";
        return nullptr;
    }
    return std::move(session).value();
}

// ---- commands ---------------------------------------------------------------------------------

const char kDeployUsage[] = "opsdeck deploy ENV --ref REF [-m COMMENT] [--yes] [--dry-run]";

int runDeploy(CliContext &ctx)
{
    std::optional<Options> o = parse(
        ctx, QStringLiteral("deploy"), {QStringLiteral("--ref"), QStringLiteral("--comment")},
        {QStringLiteral("--yes"), QStringLiteral("--dry-run")}, QString::fromLatin1(kDeployUsage));
    if (!o)
        return ExitCode::Usage;
    const QString ref = o->value(QStringLiteral("--ref")).isEmpty()
                            ? o->positional.value(0)
                            : o->value(QStringLiteral("--ref"));
    if (ref.isEmpty()) {
        ctx.err << "opsdeck deploy: which ref? (--ref main, --ref v2, --ref <sha>)\nusage: "
                << kDeployUsage << "\n";
        return ExitCode::Usage;
    }
    std::unique_ptr<EnvironmentSession> session =
        openSession(ctx, QStringLiteral("deploy"), o->environment, true);
    if (!session)
        return ExitCode::Failure;
    const bool dryRun = o->flags.contains(QStringLiteral("--dry-run"));
    if (session->environment().containers)
        return runSwarmDeploy(ctx, *session,
                              {.kind = DeployRunner::Kind::Deploy,
                               .refOrImage = ref,
                               .comment = o->value(QStringLiteral("--comment")),
                               .yes = o->flags.contains(QStringLiteral("--yes")),
                               .dryRun = dryRun});
    if (dryRun) {
        QString revision;
        const int code = runJob(
            ctx, *session, [&](DeployRunner &r) { r.deploy(ref, {}); }, true, nullptr, &revision);
        if (!revision.isEmpty())
            printWhatItBrings(ctx.out, *session, ref, revision);
        return code;
    }
    return drive(ctx, *session, *o, ActionKind::Deploy, ref,
                 QStringLiteral("Deploy %1 to %2").arg(ref, o->environment),
                 [&](DeployRunner &r, const QString &comment) { r.deploy(ref, comment); });
}

const char kRollbackUsage[] = "opsdeck rollback ENV [RELEASE] [-m COMMENT] [--yes] [--dry-run]";

int runRollback(CliContext &ctx)
{
    std::optional<Options> o = parse(ctx, QStringLiteral("rollback"), {QStringLiteral("--comment")},
                                     {QStringLiteral("--yes"), QStringLiteral("--dry-run")},
                                     QString::fromLatin1(kRollbackUsage));
    if (!o)
        return ExitCode::Usage;
    std::unique_ptr<EnvironmentSession> session =
        openSession(ctx, QStringLiteral("rollback"), o->environment, true);
    if (!session)
        return ExitCode::Failure;
    const bool dryRun = o->flags.contains(QStringLiteral("--dry-run"));
    const QString release = o->positional.value(0);
    if (session->environment().containers)
        return runSwarmDeploy(ctx, *session,
                              {.kind = DeployRunner::Kind::Rollback,
                               .refOrImage = release,
                               .comment = o->value(QStringLiteral("--comment")),
                               .yes = o->flags.contains(QStringLiteral("--yes")),
                               .dryRun = dryRun});
    if (!dryRun)
        ctx.err << "Note: a rollback switches code only; the database is not rolled back.\n";
    return drive(
        ctx, *session, *o, ActionKind::Rollback, release,
        QStringLiteral("Roll %1 back to %2")
            .arg(o->environment,
                 release.isEmpty() ? QStringLiteral("the previous release") : release),
        [&](DeployRunner &r, const QString &comment) { r.rollback(release, comment); }, dryRun);
}

const char kRunUsage[] =
    "opsdeck run ENV [--host HOST]... [--service SERVICE [--exec] [--task TASK]] [--yes] "
    "[-m COMMENT] -- COMMAND...";

int runAdHoc(CliContext &ctx)
{
    std::optional<Options> o =
        parse(ctx, QStringLiteral("run"),
              {QStringLiteral("--host"), QStringLiteral("--service"), QStringLiteral("--task"),
               QStringLiteral("--comment")},
              {QStringLiteral("--yes"), QStringLiteral("--exec")}, QString::fromLatin1(kRunUsage));
    if (!o)
        return ExitCode::Usage;
    const QString command = (o->rest.isEmpty() ? o->positional : o->rest).join(QLatin1Char(' '));
    if (command.trimmed().isEmpty()) {
        ctx.err << "opsdeck run: which command?\nusage: " << kRunUsage << "\n";
        return ExitCode::Usage;
    }
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), o->environment);
    if (!session) {
        ctx.err << "opsdeck run: " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    if ((*session)->environment().containers) {
        // A container environment runs commands in its services' tasks, not on its hosts.
        const QString service = o->value(QStringLiteral("--service"));
        if (service.isEmpty()) {
            ctx.err << "opsdeck run: " << o->environment
                    << " is a container environment: which service? (--service web)\n";
            return ExitCode::Usage;
        }
        return runSwarmDeploy(ctx, **session,
                              {.kind = DeployRunner::Kind::Command,
                               .service = service,
                               .exec = o->flags.contains(QStringLiteral("--exec")) ||
                                       o->values.contains(QStringLiteral("--task")),
                               .task = o->value(QStringLiteral("--task")),
                               .command = command,
                               .comment = o->value(QStringLiteral("--comment")),
                               .yes = o->flags.contains(QStringLiteral("--yes"))});
    }
    if (o->values.contains(QStringLiteral("--service")) ||
        o->values.contains(QStringLiteral("--task")) ||
        o->flags.contains(QStringLiteral("--exec"))) {
        ctx.err << "opsdeck run: --service, --exec and --task are for container environments; "
                << o->environment << " runs commands on its hosts (--host)\n";
        return ExitCode::Usage;
    }
    const QStringList hosts = o->values.value(QStringLiteral("--host"));
    for (const QString &h : hosts) {
        if (!(*session)->environment().hosts.contains(h)) {
            ctx.err << "opsdeck run: '" << h << "' is not a host of " << o->environment
                    << didYouMean(h, (*session)->environment().hosts) << " ("
                    << (*session)->environment().hosts.join(QStringLiteral(", ")) << ")\n";
            return ExitCode::Usage;
        }
    }
    const QStringList on = hosts.isEmpty() ? (*session)->environment().hosts : hosts;
    return drive(
        ctx, **session, *o, ActionKind::RunCommand, on.join(QStringLiteral(", ")),
        QStringLiteral("Run on %1:\n%2").arg(on.join(QStringLiteral(", ")), command),
        [&](DeployRunner &r, const QString &comment) { r.runCommand(command, hosts, comment); });
}

int runReleases(CliContext &ctx)
{
    const QString usage = QStringLiteral("opsdeck releases ENV [--json]");
    std::optional<Options> o =
        parse(ctx, QStringLiteral("releases"), {}, {QStringLiteral("--json")}, usage);
    if (!o)
        return ExitCode::Usage;
    std::unique_ptr<EnvironmentSession> session =
        openSession(ctx, QStringLiteral("releases"), o->environment);
    if (!session)
        return ExitCode::Failure;
    const EnvironmentDeployState state = readDeployState(*session);
    if (o->flags.contains(QStringLiteral("--json")))
        ctx.out << QJsonDocument(deployStateJson(state)).toJson();
    else
        printDeployState(ctx.out, o->environment, state);
    for (const HostDeployState &h : std::as_const(state.hosts))
        if (!h.error.isEmpty())
            return ExitCode::Failure;
    return ExitCode::Ok;
}

/** `lock` takes the lock by hand (maintenance); `unlock` breaks whatever lock is there. */
int runLock(CliContext &ctx, bool take)
{
    const QString name = take ? QStringLiteral("lock") : QStringLiteral("unlock");
    const QString usage = take ? QStringLiteral("opsdeck lock ENV [-m COMMENT]")
                               : QStringLiteral("opsdeck unlock ENV [--yes] [-m COMMENT]");
    std::optional<Options> o =
        parse(ctx, name, {QStringLiteral("--comment")}, {QStringLiteral("--yes")}, usage);
    if (!o)
        return ExitCode::Usage;
    std::unique_ptr<EnvironmentSession> session = openSession(ctx, name, o->environment, true);
    if (!session)
        return ExitCode::Failure;
    if (session->environment().containers)
        return runSwarmLock(ctx, *session, take, o->value(QStringLiteral("--comment")),
                            o->flags.contains(u"--yes"_qs));
    const DeploySpec &spec = *session->environment().deploy;
    LockInfo info;
    info.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    info.user = AuditLog::currentUser();
    info.since = QDateTime::currentDateTimeUtc();
    info.action = QStringLiteral("manual");
    ActionRequest request;
    request.kind = take ? ActionKind::Lock : ActionKind::BreakLock;
    request.workspace = session->workspace().name;
    request.environment = o->environment;
    request.isProtected = session->environment().isProtected;
    request.target = spec.lockHost + QLatin1Char(':') + spec.path;
    request.description = take ? QStringLiteral("Take the deploy lock of %1").arg(o->environment)
                               : QStringLiteral("Break the deploy lock of %1").arg(o->environment);
    request.comment = o->value(QStringLiteral("--comment"));
    ActionPipeline pipeline(AuditLog::shared(), std::make_shared<CliConfirmer>(
                                                    ctx.err, o->flags.contains(u"--yes"_qs)));
    int code = ExitCode::Usage;
    pipeline.submit(
        request,
        [&](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            info.comment = confirmed.comment;
            const std::unique_ptr<Job> job(take ? takeLockJob(session->pool(), spec, info)
                                                : breakLockJob(session->pool(), spec));
            QEventLoop loop;
            QObject::connect(job.get(), &Job::finished, &loop, &QEventLoop::quit);
            job->start();
            if (job->isRunning())
                loop.exec();
            const Result<QString> result = job->result();
            if (take && job->exitStatus() == kLockHeld) {
                const QString holder = lockHolder(*job).describe();
                ctx.err << o->environment << " is already locked by " << holder << "\n";
                code = ExitCode::Problems;
                finish(Result<QString>::failure(QStringLiteral("already locked by ") + holder));
            } else if (!result) {
                ctx.err << "opsdeck " << name << ": " << spec.lockHost << ": "
                        << result.errorString() << "\n";
                code = ExitCode::Failure;
                finish(result);
            } else {
                ctx.out << (take ? "locked " : "unlocked ") << o->environment << "\n";
                code = ExitCode::Ok;
                finish(QString());
            }
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::Refused) {
                ctx.err << "opsdeck " << name << ": " << outcome.message << "\n";
                code = ExitCode::Failure;
            }
        });
    return code;
}

} // namespace

QList<CliCommand> deployCommands()
{
    return {
        CliCommand{
            QStringLiteral("deploy"),
            {},
            kGroup,
            QStringLiteral("deploy a git ref to an environment (preflight, lock, build, "
                           "release phase, batches with health gates)"),
            QStringLiteral("%1\n  --ref REF      branch, tag or commit id\n"
                           "  -m COMMENT     why (required on protected environments)\n"
                           "  --yes          skip the typed confirmation\n"
                           "  --dry-run      print the exact plan per host and what the deploy "
                           "brings\n                 (commits, migrations not applied yet); "
                           "change nothing")
                .arg(QString::fromLatin1(kDeployUsage)),
            runDeploy},
        CliCommand{
            QStringLiteral("rollback"),
            {},
            kGroup,
            QStringLiteral("switch back to an earlier release (code only, not the database)"),
            QString::fromLatin1(kRollbackUsage),
            runRollback},
        CliCommand{QStringLiteral("run"),
                   {QStringLiteral("exec")},
                   kGroup,
                   QStringLiteral("run a shell command on an environment's hosts"),
                   QString::fromLatin1(kRunUsage),
                   runAdHoc},
        CliCommand{QStringLiteral("releases"),
                   {QStringLiteral("ls")},
                   kGroup,
                   QStringLiteral("releases, current release, lock and history per host"),
                   QStringLiteral("opsdeck releases ENV [--json]"),
                   runReleases},
        CliCommand{QStringLiteral("lock"),
                   {},
                   kGroup,
                   QStringLiteral("take an environment's deploy lock by hand"),
                   QStringLiteral("opsdeck lock ENV [-m COMMENT]"),
                   [](CliContext &ctx) {
                       return runLock(ctx, true);
                   }},
        CliCommand{QStringLiteral("unlock"),
                   {},
                   kGroup,
                   QStringLiteral("break an environment's deploy lock (audited)"),
                   QStringLiteral("opsdeck unlock ENV [--yes] [-m COMMENT]"),
                   [](CliContext &ctx) {
                       return runLock(ctx, false);
                   }},
    };
}

int deployExitCode(DeployRunner::Outcome outcome)
{
    switch (outcome) {
    case DeployRunner::Outcome::Succeeded:
        return ExitCode::Ok;
    case DeployRunner::Outcome::Failed:
        return ExitCode::Problems;
    case DeployRunner::Outcome::Refused:
        return ExitCode::Failure;
    case DeployRunner::Outcome::Interrupted:
        return ExitCode::Interrupted;
    case DeployRunner::Outcome::Cancelled:
        return ExitCode::Cancelled;
    }
    return ExitCode::Failure;
}

} // namespace Opsdeck
