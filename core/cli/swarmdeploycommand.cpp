// SPDX-License-Identifier: GPL-3.0-or-later
#include "swarmdeploycommand.h"

#include "actions/actionpipeline.h"
#include "audit/auditlog.h"
#include "cliconfirmer.h"
#include "ctrlc.h"
#include "deploy/hostlines.h"
#include "deploycommand.h"
#include "docker/builtimages.h"
#include "docker/composestatus.h"
#include "docker/dockerengine.h"
#include "docker/swarmdeployrunner.h"
#include "docker/swarmlock.h"
#include "docker/swarmstatus.h"
#include "environmentsession.h"

#include <QDateTime>
#include <QEventLoop>
#include <QUuid>

namespace Opsdeck {

namespace {

/** "stack" or "compose project": what the environment's services are a part of. */
QString unitName(const ContainerDeploySpec &spec)
{
    return spec.kind == ContainerDeploySpec::Kind::Compose ? QStringLiteral("compose project")
                                                           : QStringLiteral("stack");
}

/** The images a rollback can go back to, as the pane's Rollback… lists them. */
void printRollbackImages(CliContext &ctx, DockerEngine &engine, const ContainerDeploySpec &spec)
{
    const Result<QList<BuiltImage>> images = EnvironmentSession::wait(
        listBuiltImages(engine, SwarmDeployRunner::repositoryOf(spec.image)));
    if (!images) {
        ctx.out << "  (the images to roll back to could not be listed: " << images.errorString()
                << ")\n";
        return;
    }
    ctx.out << "  images to roll back to (opsdeck rollback ENV IMAGE), newest first:\n";
    for (const BuiltImage &image : *images)
        for (const QString &tag : image.tags)
            ctx.out << "    " << tag << "  "
                    << (image.ref.isEmpty() ? QStringLiteral("ref unknown") : image.ref) << " "
                    << image.revision.left(12) << "  built " << image.created.toString(Qt::ISODate)
                    << "\n";
}

/** What a dry run prints: the services and images, the build script; nothing is changed. */
int printPlan(CliContext &ctx, EnvironmentSession &session, const SwarmDeployArgs &args)
{
    const ContainerDeploySpec &spec = *session.environment().containers;
    DockerEngine *engine = session.context().docker();
    const Result<SwarmStatus> status =
        engine ? EnvironmentSession::wait(readContainerStatus(*engine, spec))
               : Result<SwarmStatus>::failure(QStringLiteral("no manager host"));
    if (!status) {
        ctx.err << "opsdeck: " << status.errorString() << "\n";
        return ExitCode::Failure;
    }
    ctx.out << "Plan (nothing has been changed):\n";
    for (const SwarmService &s : status->services)
        if (SwarmDeployRunner::repositoryOf(s.image) == SwarmDeployRunner::repositoryOf(spec.image))
            ctx.out << "  update " << s.name << " (now " << s.image << ", " << s.running << "/"
                    << s.desired << " running)\n";
    if (args.kind == DeployRunner::Kind::Deploy) {
        ctx.out << "  build on " << (spec.buildHost.isEmpty() ? spec.host : spec.buildHost)
                << ":\n";
        for (const QString &line :
             SwarmDeployRunner::buildScript(spec, spec.stack, args.refOrImage).split(u'\n'))
            if (!line.isEmpty())
                ctx.out << "    " << line << "\n";
        if (!spec.release.isEmpty())
            ctx.out << "  release phase (one-off "
                    << (spec.kind == ContainerDeploySpec::Kind::Compose ? "container" : "task")
                    << "): " << spec.release.join(QStringLiteral(" && ")) << "\n";
    }
    if (spec.kind == ContainerDeploySpec::Kind::Compose)
        ctx.out << "  each container recreated in turn (stop, create from the new image, start); "
                   "the old ones kept stopped until the new ones run for "
                << spec.monitorMs / 1000 << " s and pass the health gate\n";
    else
        ctx.out << "  update config: parallelism " << spec.updateParallelism << ", "
                << spec.updateOrder << ", on failure " << spec.failureAction << ", monitor "
                << spec.monitorMs / 1000 << " s\n";
    if (args.kind == DeployRunner::Kind::Rollback)
        printRollbackImages(ctx, *engine, spec);
    if (spec.healthcheck)
        ctx.out << "  health gate: "
                << (spec.healthcheck->url.isEmpty() ? spec.healthcheck->run : spec.healthcheck->url)
                << "\n";
    return ExitCode::Ok;
}

int runJob(CliContext &ctx, EnvironmentSession &session, const SwarmDeployArgs &args,
           const QString &comment, ActionResult *result)
{
    SwarmDeployRunner runner(session.pool(), session.context().docker(), session.environment());
    HostLineSplitter writer([&ctx](const QString &source, const QByteArray &line) {
        if (!source.isEmpty())
            ctx.out << source << " | ";
        ctx.out << QString::fromUtf8(line) << '\n';
        ctx.out.flush(); // live through pipes too
    });
    QObject::connect(
        &runner, &SwarmDeployRunner::output, &runner,
        [&writer](const QString &source, const QByteArray &data) { writer.write(source, data); });
    QEventLoop loop;
    QObject::connect(&runner, &SwarmDeployRunner::finished, &loop, &QEventLoop::quit);
    // The first Ctrl-C cancels as the pane's Cancel does (the lock is released, a started
    // update rolled back); a second one ends the process.
    CtrlCHandler ctrlC([&runner] {
        if (!runner.isRunning())
            return false;
        runner.cancel();
        return true;
    });
    switch (args.kind) {
    case DeployRunner::Kind::Deploy:
        runner.deploy(args.refOrImage, comment);
        break;
    case DeployRunner::Kind::Rollback:
        runner.rollback(args.refOrImage, comment);
        break;
    case DeployRunner::Kind::Command:
        if (args.exec)
            runner.execInTask(args.service, args.task, args.command, comment);
        else
            runner.runCommand(args.service, args.command, comment);
        break;
    }
    if (runner.isRunning())
        loop.exec();
    writer.flush();
    ctx.out << "\n"
            << DeployRunner::outcomeName(runner.outcome()) << ": " << runner.summary() << "\n"
            << runner.stepsText() << "\n";
    ctx.out.flush();
    *result = runner.actionResult();
    return deployExitCode(runner.outcome());
}

/** Takes or breaks the lock once confirmed; prints what happened, returns the exit code. */
int changeLock(CliContext &ctx, DockerEngine &engine, const ContainerDeploySpec &spec, bool take,
               const QString &comment, ActionResult *result)
{
    const QString &stack = spec.stack;
    const bool compose = spec.kind == ContainerDeploySpec::Kind::Compose;
    const SwarmLock::Store store =
        compose ? SwarmLock::Store::Container : SwarmLock::Store::SwarmConfig;
    if (take) {
        QString image; // a compose lock is a container: of an image the engine has
        if (compose) {
            const Result<SwarmStatus> status =
                EnvironmentSession::wait(readContainerStatus(engine, spec));
            if (status && !status->services.isEmpty())
                image = status->services.first().image;
        }
        const QJsonObject details{
            {QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
            {QStringLiteral("action"), QStringLiteral("locked by hand:")},
            {QStringLiteral("ref"), QStringLiteral("maintenance")},
            {QStringLiteral("user"), AuditLog::currentUser()},
            {QStringLiteral("comment"), comment},
            {QStringLiteral("started"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
        const Result<SwarmLock> taken =
            EnvironmentSession::wait(SwarmLock::take(engine, stack, details, store, image));
        if (!taken) {
            ctx.err << "opsdeck lock: " << taken.errorString() << "\n";
            *result = ActionResult(Result<QString>::failure(taken.errorString()));
            return ExitCode::Problems;
        }
        ctx.out << "locked " << stack << " (" << SwarmLock::placeName(store, stack) << ")\n";
        *result = ActionResult(QString());
        return ExitCode::Ok;
    }
    const Result<SwarmLock> held =
        EnvironmentSession::wait(SwarmLock::breakHeld(engine, stack, store));
    if (!held) {
        ctx.err << "opsdeck unlock: " << held.errorString() << "\n";
        *result = ActionResult(Result<QString>::failure(held.errorString()));
        return ExitCode::Failure;
    }
    if (!held->isHeld()) {
        ctx.out << stack << " is not locked\n";
        *result = ActionResult(QStringLiteral("not locked"));
        return ExitCode::Ok;
    }
    ctx.out << "unlocked " << stack << " (it was " << held->describe() << ")\n";
    *result = ActionResult(QStringLiteral("broke the lock: ") + held->describe());
    return ExitCode::Ok;
}

} // namespace

int runSwarmLock(CliContext &ctx, EnvironmentSession &session, bool take, const QString &comment,
                 bool yes)
{
    const ContainerDeploySpec &spec = *session.environment().containers;
    DockerEngine *engine = session.context().docker();
    if (!engine) {
        ctx.err << "opsdeck: no host to reach Docker on\n";
        return ExitCode::Failure;
    }
    ActionRequest request;
    request.kind = take ? ActionKind::Lock : ActionKind::BreakLock;
    request.workspace = session.workspace().name;
    request.environment = session.environment().name;
    request.isProtected = session.environment().isProtected;
    request.target = spec.stack;
    request.description = take ? QStringLiteral("Take the deploy lock of the %1 %2 of %3")
                                     .arg(unitName(spec), spec.stack, request.environment)
                               : QStringLiteral("Break the deploy lock of the %1 %2 of %3")
                                     .arg(unitName(spec), spec.stack, request.environment);
    request.comment = comment;
    ActionPipeline pipeline(AuditLog::shared(), std::make_shared<CliConfirmer>(ctx.err, yes));
    int code = ExitCode::Usage;
    pipeline.submit(
        request,
        [&](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            ActionResult result(Result<QString>::failure(QStringLiteral("did not run")));
            code = changeLock(ctx, *engine, spec, take, confirmed.comment, &result);
            finish(result);
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::Refused) {
                ctx.err << "opsdeck: " << outcome.message << "\n";
                code = ExitCode::Failure;
            }
        });
    return code;
}

int runSwarmDeploy(CliContext &ctx, EnvironmentSession &session, const SwarmDeployArgs &args)
{
    const ContainerDeploySpec &spec = *session.environment().containers;
    if (args.dryRun)
        return printPlan(ctx, session, args);
    ActionRequest request;
    request.kind = args.kind == DeployRunner::Kind::Deploy     ? ActionKind::Deploy
                   : args.kind == DeployRunner::Kind::Rollback ? ActionKind::Rollback
                                                               : ActionKind::RunCommand;
    request.workspace = session.workspace().name;
    request.environment = session.environment().name;
    request.isProtected = session.environment().isProtected;
    request.target = spec.stack;
    const QString what =
        args.refOrImage.isEmpty() ? QStringLiteral("the previous image") : args.refOrImage;
    request.description = args.kind == DeployRunner::Kind::Deploy
                              ? QStringLiteral("Deploy %1 to the %2 %3 of %4")
                                    .arg(what, unitName(spec), spec.stack, request.environment)
                              : QStringLiteral("Roll the %1 %2 of %3 back to %4")
                                    .arg(unitName(spec), spec.stack, request.environment, what);
    if (args.kind == DeployRunner::Kind::Command) {
        request.target = args.service;
        request.description =
            args.exec ? QStringLiteral("Run in %1 of %2, already running (docker exec), on %3:\n%4")
                            .arg(args.task.isEmpty() ? QStringLiteral("a task") : args.task,
                                 args.service, request.environment, args.command)
                      : QStringLiteral("Run in a one-off %1 of %2 (its image, environment and "
                                       "mounts) on %3:\n%4")
                            .arg(spec.kind == ContainerDeploySpec::Kind::Compose
                                     ? QStringLiteral("container")
                                     : QStringLiteral("task"),
                                 args.service, request.environment, args.command);
    }
    request.comment = args.comment;
    ActionPipeline pipeline(AuditLog::shared(), std::make_shared<CliConfirmer>(ctx.err, args.yes));
    int code = ExitCode::Usage;
    pipeline.submit(
        request,
        [&](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            ActionResult result(Result<QString>::failure(QStringLiteral("did not run")));
            code = runJob(ctx, session, args, confirmed.comment, &result);
            finish(result);
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::Refused)
                ctx.err << "opsdeck: " << outcome.message << "\n";
            if (!outcome.started() && code == ExitCode::Usage)
                code = ExitCode::Failure;
        });
    return code;
}

} // namespace Opsdeck
