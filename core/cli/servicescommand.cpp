// SPDX-License-Identifier: GPL-3.0-or-later
#include "servicescommand.h"

#include "common/formatting.h"
#include "docker/composestatus.h"
#include "docker/dockerengine.h"
#include "docker/swarmstatus.h"
#include "environmentsession.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Opsdeck {

namespace {

const char kUsage[] = "opsdeck services ENV [--json]";

QJsonObject taskJson(const SwarmTask &t)
{
    return {{QStringLiteral("id"), t.id},
            {QStringLiteral("slot"), t.slot},
            {QStringLiteral("node"), t.node},
            {QStringLiteral("state"), t.state},
            {QStringLiteral("desired_state"), t.desiredState},
            {QStringLiteral("error"), t.error},
            {QStringLiteral("exit_code"), t.exitCode},
            {QStringLiteral("image"), t.image},
            {QStringLiteral("updated"), t.updated.toString(Qt::ISODate)}};
}

QJsonObject serviceJson(const SwarmService &s)
{
    QJsonArray tasks;
    for (const SwarmTask &t : s.tasks)
        tasks.append(taskJson(t));
    return {{QStringLiteral("name"), s.name},
            {QStringLiteral("image"), s.image},
            {QStringLiteral("ref"), s.tag},
            {QStringLiteral("revision"), s.revision},
            {QStringLiteral("mode"), s.mode},
            {QStringLiteral("running"), s.running},
            {QStringLiteral("desired"), s.desired},
            {QStringLiteral("update_state"), s.updateState},
            {QStringLiteral("update_message"), s.updateMessage},
            {QStringLiteral("failed_last_hour"), s.restartsLastHour},
            {QStringLiteral("tasks"), tasks}};
}

void printText(QTextStream &out, const SwarmStatus &status)
{
    QList<QStringList> rows{{QStringLiteral("SERVICE"), QStringLiteral("IMAGE"),
                             QStringLiteral("REVISION"), QStringLiteral("RUNNING"),
                             QStringLiteral("UPDATE"), QStringLiteral("FAILED (1H)")}};
    for (const SwarmService &s : status.services)
        rows << QStringList{s.name,
                            s.image,
                            s.revision.left(12),
                            QStringLiteral("%1/%2").arg(s.running).arg(s.desired),
                            s.updateState.isEmpty() ? QStringLiteral("-") : s.updateState,
                            QString::number(s.restartsLastHour)};
    out << formatColumns(rows);
    for (const SwarmService &s : status.services) {
        if (!s.updateMessage.isEmpty())
            out << s.name << ": " << s.updateMessage << "\n";
        for (const SwarmTask &t : s.tasks) {
            if (t.isCurrent() && t.error.isEmpty())
                continue;
            out << s.name << "." << t.slot << " on " << t.node << ": " << t.state;
            if (!t.error.isEmpty())
                out << " — " << t.error;
            out << " (" << formatWhen(t.updated) << ")\n";
        }
    }
}

int runServices(CliContext &ctx)
{
    QString environment;
    bool json = false;
    for (const QString &a : std::as_const(ctx.args)) {
        if (a == QLatin1String("--json"))
            json = true;
        else if (environment.isEmpty() && !a.startsWith(QLatin1Char('-')))
            environment = a;
        else {
            ctx.err << "opsdeck services: unexpected '" << a << "'\nusage: " << kUsage << "\n";
            return ExitCode::Usage;
        }
    }
    if (environment.isEmpty()) {
        ctx.err << "usage: " << kUsage << "\n";
        return ExitCode::Usage;
    }
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session) {
        ctx.err << "opsdeck services: " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    const std::optional<ContainerDeploySpec> &spec = (*session)->environment().containers;
    if (!spec) {
        ctx.err << "opsdeck services: " << environment
                << " is not a container environment (its deploy: block has no kind: swarm or "
                   "kind: compose)\n";
        return ExitCode::Failure;
    }
    DockerEngine *engine = (*session)->context().docker();
    const Result<SwarmStatus> status =
        EnvironmentSession::wait(readContainerStatus(*engine, *spec));
    if (!status) {
        ctx.err << "opsdeck services: " << status.errorString() << "\n";
        return ExitCode::Failure;
    }
    if (json) {
        QJsonArray services;
        for (const SwarmService &s : status->services)
            services.append(serviceJson(s));
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("stack"), status->stack},
                                             {QStringLiteral("engine"), engine->engineVersion()},
                                             {QStringLiteral("api"), engine->apiVersion()},
                                             {QStringLiteral("services"), services}})
                       .toJson(QJsonDocument::Indented);
    } else if (status->services.isEmpty()) {
        ctx.out << "no services in stack " << spec->stack << " on " << spec->host << "\n";
    } else {
        printText(ctx.out, *status);
    }
    // Like `opsdeck db health`: 0 when every service runs what it should, 1 otherwise.
    return status->running() == status->desired() ? ExitCode::Ok : 1;
}

} // namespace

CliCommand servicesCommand()
{
    return {QStringLiteral("services"),
            {QStringLiteral("containers")},
            QStringLiteral("Deployments"),
            QStringLiteral("A swarm stack's services: image, revision, running/desired replicas, "
                           "update state, failed tasks with Docker's error (exit 1 when short)"),
            QString::fromLatin1(kUsage),
            runServices};
}

} // namespace Opsdeck
