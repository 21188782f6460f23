// SPDX-License-Identifier: GPL-3.0-or-later
// How a swarm deploy ends: Opsdeck's rollback after a failed gate, the failing tasks' report,
// the unlock and the audit's view of the run.
#include "swarmdeployrunner.h"

#include "common/futures.h"
#include "dockerengine.h"
#include "dockerjson.h"
#include "swarmstatus.h"

#include <QJsonArray>
#include <QTimer>

namespace Opsdeck {

using DockerJson::at;
using DockerJson::filtersQuery;

// ---- failure ----------------------------------------------------------------------------------

void SwarmDeployRunner::rollBackServices(const QString &why)
{
    if (std::exchange(m_rollingBack, true))
        return; // a second failure while the first is being rolled back
    say(tr("rolling back: %1").arg(why));
    if (isCompose())
        return restoreContainers(why);
    setPhase(Phase::Rollout, tr("Rolling back"), tr("Rollback"));
    int sent = 0;
    for (Target &t : m_targets) {
        if (!t.updated)
            continue;
        ++sent;
        t.settled = false;
        t.state.clear();
        const QString id = t.id;
        onFinished(m_engine->get(QStringLiteral("/services/") + id), this,
                   [this, id](const Result<QJsonDocument> &current) {
                       if (!current)
                           return say(tr("warning: %1").arg(current.errorString()));
                       const QJsonObject service = current->object();
                       const qint64 version =
                           at(service, {"Version"}).value(QLatin1String("Index")).toInteger();
                       m_engine->send(
                           "POST",
                           QStringLiteral("/services/%1/update?version=%2&rollback=previous")
                               .arg(id)
                               .arg(version),
                           service.value(QLatin1String("Spec")).toObject());
                   });
    }
    if (sent == 0)
        return conclude(m_cancelRequested ? Outcome::Cancelled : Outcome::Failed,
                        why + tr("; no service changed"));
    m_waited.start();
    QTimer::singleShot(kPollMs, this, [this, why] { pollRollback(why); });
}

void SwarmDeployRunner::pollRollback(const QString &why)
{
    QStringList paths;
    for (const Target &t : std::as_const(m_targets))
        paths << QStringLiteral("/services/") + t.id;
    onFinished(
        m_engine->getAll(paths), this, [this, why](const Result<QList<QJsonDocument>> &answers) {
            bool all = true;
            for (qsizetype i = 0; answers && i < m_targets.size() && i < answers->size(); ++i) {
                Target &t = m_targets[i];
                if (!t.updated)
                    continue;
                const QString state = at(answers->at(i).object(), {"UpdateStatus"})
                                          .value(QLatin1String("State"))
                                          .toString();
                if (state != t.state)
                    say(state, t.name);
                t.state = state;
                all = all && (state == QLatin1String("rollback_completed") ||
                              state == QLatin1String("rollback_paused"));
            }
            if ((answers && all) || m_waited.elapsed() > kUpdateTimeoutMs)
                return reportFailingTasks(why);
            QTimer::singleShot(kPollMs, this, [this, why] { pollRollback(why); });
        });
}

void SwarmDeployRunner::reportFailingTasks(const QString &why)
{
    // The tasks of the new image: their errors, and the last lines each wrote.
    QStringList paths;
    for (const Target &t : std::as_const(m_targets))
        paths << QStringLiteral("/tasks?") +
                     filtersQuery({{QStringLiteral("service"), QJsonArray{t.id}}});
    onFinished(
        m_engine->getAll(paths), this, [this, why](const Result<QList<QJsonDocument>> &answers) {
            QList<std::pair<QString, QString>> logsOf; // task id, "web.1"
            for (qsizetype i = 0; answers && i < answers->size() && i < m_targets.size(); ++i) {
                QList<QJsonObject> tasks;
                for (const QJsonValue &v : answers->at(i).array())
                    tasks << v.toObject();
                std::sort(tasks.begin(), tasks.end(),
                          [](const QJsonObject &a, const QJsonObject &b) {
                              return a.value(QLatin1String("UpdatedAt")).toString() >
                                     b.value(QLatin1String("UpdatedAt")).toString();
                          });
                for (const QJsonObject &task : tasks) {
                    const QString image = at(task, {"Spec", "ContainerSpec"})
                                              .value(QLatin1String("Image"))
                                              .toString();
                    if (m_image.isEmpty() || shortImage(image) != shortImage(m_image))
                        continue; // a task of the image the service ran before

                    const QJsonObject status = task.value(QLatin1String("Status")).toObject();
                    const QString name = QStringLiteral("%1.%2")
                                             .arg(m_targets[i].name)
                                             .arg(task.value(QLatin1String("Slot")).toInt());
                    const QString error = status.value(QLatin1String("Err")).toString();
                    const QString line =
                        QStringLiteral("%1: %2%3")
                            .arg(name, status.value(QLatin1String("State")).toString(),
                                 error.isEmpty() ? QString() : QStringLiteral(" — ") + error);
                    m_failureReport << line;
                    say(line, tr("tasks"));
                    if (logsOf.size() < 2)
                        logsOf << std::pair{task.value(QLatin1String("ID")).toString(), name};
                }
            }
            if (logsOf.isEmpty())
                return conclude(m_cancelRequested ? Outcome::Cancelled : Outcome::Failed, why);
            auto left = std::make_shared<int>(int(logsOf.size()));
            for (const auto &[taskId, name] : logsOf) {
                const QString path = QStringLiteral("/tasks/%1/logs?stdout=1&stderr=1&tail=%2")
                                         .arg(taskId)
                                         .arg(kLogLines);
                onFinished(
                    m_engine->getRaw(path), this,
                    [this, why, left, name](const Result<QByteArray> &raw) {
                        if (raw) {
                            m_failureReport << tr("last %1 lines of %2:").arg(kLogLines).arg(name);
                            const QList<QByteArray> lines =
                                DockerEngine::demultiplexLogs(*raw).split('\n');
                            for (const QByteArray &line :
                                 lines.mid(std::max<qsizetype>(0, lines.size() - kLogLines - 1)))
                                if (!line.isEmpty()) {
                                    m_failureReport
                                        << QStringLiteral("  ") + QString::fromUtf8(line);
                                    say(QString::fromUtf8(line), name);
                                }
                        }
                        if (--*left == 0)
                            conclude(m_cancelRequested ? Outcome::Cancelled : Outcome::Failed, why);
                    });
            }
        });
}

// ---- the end ----------------------------------------------------------------------------------

void SwarmDeployRunner::conclude(Outcome outcome, const QString &summary)
{
    m_outcome = outcome;
    QString text = summary;
    if (outcome != Outcome::Succeeded && outcome != Outcome::Refused &&
        !m_previousImages.isEmpty()) {
        QStringList back;
        for (const Target &t : std::as_const(m_targets))
            if (t.updated)
                back << QStringLiteral("%1 on %2").arg(t.name, m_previousImages.value(t.name));
        if (!back.isEmpty())
            text += tr("; back: %1").arg(back.join(QStringLiteral(", ")));
    }
    m_summary = text;
    say(m_summary);
    setPhase(Phase::Finish, tr("Finishing"));
    unlockAndFinish();
}

void SwarmDeployRunner::unlockAndFinish()
{
    if (!m_lock.isHeld() || !m_engine) {
        setPhase(Phase::Done, DeployRunner::outcomeName(m_outcome));
        emit finished(m_outcome, m_summary);
        return;
    }
    onFinished(SwarmLock::release(*m_engine, m_lock), this,
               [this](const Result<QJsonDocument> &released) {
                   if (!released)
                       say(tr("warning: could not unlock %1: %2")
                               .arg(m_spec.stack, released.errorString()));
                   m_lock = {};
                   setPhase(Phase::Done, DeployRunner::outcomeName(m_outcome));
                   emit finished(m_outcome, m_summary);
               });
}

ActionResult SwarmDeployRunner::actionResult() const
{
    const QString summary = m_summary.section(QLatin1Char('\n'), 0, 0);
    ActionResult result(m_outcome == Outcome::Succeeded ? Result<QString>(summary)
                                                        : Result<QString>::failure(summary));
    QStringList before;
    for (auto it = m_previousImages.cbegin(); it != m_previousImages.cend(); ++it)
        before << QStringLiteral("%1=%2").arg(it.key(), it.value());
    before.sort();
    result.target = m_kind == DeployRunner::Kind::Command && !m_targets.isEmpty()
                        ? m_targets.first().name
                        : m_spec.stack;
    result.before = before.join(QLatin1Char(' '));
    result.after = m_image.isEmpty()
                       ? QString()
                       : QStringLiteral("%1 (%2)").arg(shortImage(m_image), m_revision.left(12));
    result.auditOutcome = DeployRunner::outcomeName(m_outcome) + QStringLiteral(": ") + summary;
    return result;
}

} // namespace Opsdeck
