// SPDX-License-Identifier: GPL-3.0-or-later
// A command in a task that is already running (`docker exec`), through the Engine API: the
// container's own processes, files and state, where a one-off task (runInTask) starts afresh.
#include "swarmdeployrunner.h"

#include "common/futures.h"
#include "dockerengine.h"
#include "dockerjson.h"

#include <QJsonArray>
#include <QTimer>

#include <algorithm>

namespace Opsdeck {

using DockerJson::at;
using DockerJson::filtersQuery;

namespace {

/** "minitwit_web.1": the name `docker service ps` gives a replicated task. */
QString taskName(const QString &service, const QJsonObject &task)
{
    const int slot = task.value(QLatin1String("Slot")).toInt();
    return slot > 0 ? QStringLiteral("%1.%2").arg(service).arg(slot) : service;
}

} // namespace

void SwarmDeployRunner::execInTask(const QString &service, const QString &task,
                                   const QString &command, const QString &comment)
{
    begin(DeployRunner::Kind::Command, comment);
    m_service = service;
    m_command = command;
    m_execTask = task.isEmpty() ? QStringLiteral("*") : task;
    m_ref.clear();
    m_image.clear();
    preflight();
}

void SwarmDeployRunner::execInRunningTask()
{
    const Target &service = m_targets.first();
    setPhase(Phase::Rollout, tr("Running in a task of %1").arg(service.name), tr("Run"));
    QJsonObject filters{{QStringLiteral("service"), QJsonArray{service.id}},
                        {QStringLiteral("desired-state"), QJsonArray{QStringLiteral("running")}}};
    const QStringList paths{QStringLiteral("/tasks?") + filtersQuery(filters),
                            QStringLiteral("/info")};
    onFinished(
        m_engine->getAll(paths), this,
        [this, name = service.name](const Result<QList<QJsonDocument>> &answers) {
            if (!answers)
                return conclude(Outcome::Failed, answers.errorString());
            const QString managerNode =
                at(answers->at(1).object(), {"Swarm"}).value(QLatin1String("NodeID")).toString();
            chooseExecTask(name, answers->at(0).array(), managerNode);
        });
}

void SwarmDeployRunner::chooseExecTask(const QString &service, const QJsonArray &tasks,
                                       const QString &managerNode)
{
    QList<QJsonObject> running;
    for (const QJsonValue &v : tasks) {
        const QJsonObject task = v.toObject();
        if (at(task, {"Status"}).value(QLatin1String("State")).toString() ==
            QLatin1String("running"))
            running << task;
    }
    std::sort(running.begin(), running.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QLatin1String("Slot")).toInt() < b.value(QLatin1String("Slot")).toInt();
    });
    const auto wanted = [&](const QJsonObject &task) {
        if (m_execTask == QLatin1String("*")) // any running task; one on the manager first
            return task.value(QLatin1String("NodeID")).toString() == managerNode;
        const QString name = taskName(service, task);
        return task.value(QLatin1String("ID")).toString().startsWith(m_execTask) ||
               name == m_execTask || name == m_spec.stack + u'_' + m_execTask;
    };
    auto chosen = std::find_if(running.cbegin(), running.cend(), wanted);
    if (chosen == running.cend() && m_execTask == QLatin1String("*") && !running.isEmpty())
        chosen = running.cbegin();
    if (chosen == running.cend()) {
        QStringList names;
        for (const QJsonObject &task : std::as_const(running))
            names << taskName(service, task);
        return conclude(
            Outcome::Refused,
            m_execTask == QLatin1String("*")
                ? tr("%1 has no running task to run the command in").arg(service)
                : tr("%1 has no running task '%2' (running: %3)")
                      .arg(service, m_execTask, names.isEmpty() ? tr("none") : names.join(u", ")));
    }
    const QString name = taskName(service, *chosen);
    if (chosen->value(QLatin1String("NodeID")).toString() != managerNode)
        // Each node's engine runs its own containers, and Opsdeck reaches the manager's only.
        return conclude(Outcome::Refused,
                        tr("%1 runs on another node of the swarm, and Opsdeck reaches Docker on "
                           "the manager (%2) only: pick a task on the manager, or run the command "
                           "in a new task")
                            .arg(name, m_spec.host));
    const QString container =
        at(*chosen, {"Status", "ContainerStatus"}).value(QLatin1String("ContainerID")).toString();
    if (container.isEmpty())
        return conclude(Outcome::Failed, tr("%1 has no container yet").arg(name));
    startExec(container, name);
}

void SwarmDeployRunner::startExec(const QString &container, const QString &task)
{
    say(tr("in the running task %1 (container %2)").arg(task, container.left(12)));
    const QJsonObject exec{{QStringLiteral("AttachStdout"), true},
                           {QStringLiteral("AttachStderr"), true},
                           {QStringLiteral("Tty"), false},
                           {QStringLiteral("Cmd"), QJsonArray{QStringLiteral("/bin/sh"),
                                                              QStringLiteral("-c"), m_command}}};
    onFinished(
        m_engine->send("POST", QStringLiteral("/containers/%1/exec").arg(container), exec), this,
        [this, task](const Result<QJsonDocument> &created) {
            if (!created)
                return conclude(Outcome::Failed, created.errorString());
            const QString id = created->object().value(QLatin1String("Id")).toString();
            m_execDecoder = DockerLogDecoder();
            m_execPartial.clear();
            m_execFollow = m_engine->follow(
                QStringLiteral("/exec/%1/start").arg(id), this,
                [this, task](const QByteArray &chunk) { execOutput(task, chunk, false); },
                [this, task, id](const QString &error) { execEnded(task, id, error); }, "POST",
                QJsonObject{{QStringLiteral("Detach"), false}, {QStringLiteral("Tty"), false}});
            QTimer::singleShot(kOneOffTimeoutMs, this, [this, follow = m_execFollow] {
                if (m_execFollow != follow || !isRunning())
                    return;
                m_engine->stopFollowing(std::exchange(m_execFollow, 0));
                conclude(Outcome::Failed, tr("the command did not end within %1 minutes; it may "
                                             "still run in the task")
                                              .arg(kOneOffTimeoutMs / 60'000));
            });
        });
}

void SwarmDeployRunner::execOutput(const QString &task, const QByteArray &chunk, bool last)
{
    m_execPartial += m_execDecoder.feed(chunk);
    qsizetype start = 0;
    for (qsizetype nl; (nl = m_execPartial.indexOf('\n', start)) >= 0; start = nl + 1)
        say(QString::fromUtf8(m_execPartial.mid(start, nl - start)), task);
    m_execPartial.remove(0, start);
    // A line that never ends is shown in pieces rather than held without bound.
    if (last ? !m_execPartial.isEmpty() : m_execPartial.size() > kMaxExecLineBytes)
        say(QString::fromUtf8(std::exchange(m_execPartial, {})), task);
}

void SwarmDeployRunner::execEnded(const QString &task, const QString &execId, const QString &error)
{
    if (!std::exchange(m_execFollow, 0))
        return; // cancelled or timed out: concluded already
    execOutput(task, {}, true);
    if (!error.isEmpty())
        return conclude(Outcome::Failed, error);
    onFinished(m_engine->get(QStringLiteral("/exec/%1/json").arg(execId)), this,
               [this](const Result<QJsonDocument> &inspected) {
                   if (!inspected)
                       return conclude(Outcome::Failed, inspected.errorString());
                   const int exitCode =
                       inspected->object().value(QLatin1String("ExitCode")).toInt(-1);
                   if (exitCode != 0)
                       return conclude(Outcome::Failed,
                                       tr("the command failed (exit code %1)").arg(exitCode));
                   conclude(Outcome::Succeeded, tr("the command succeeded"));
               });
}

void SwarmDeployRunner::cancelExec()
{
    // The Engine API cannot stop an exec: Opsdeck stops reading and says so.
    m_engine->stopFollowing(std::exchange(m_execFollow, 0));
    conclude(Outcome::Cancelled, tr("stopped following; Docker cannot stop a command run with "
                                    "exec, so it may still be running in the task"));
}

} // namespace Opsdeck
