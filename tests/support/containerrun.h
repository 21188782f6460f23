// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "docker/swarmdeployrunner.h"
#include "stallmeter.h"

#include <QDebug>
#include <QSignalSpy>

#include <functional>

namespace Opsdeck {

/** How a container environment's run (deploy, rollback, command) ended, and all it said. */
struct ContainerRun
{
    SwarmDeployRunner::Outcome outcome;
    QString summary;
    QString output; // "source | line" for a host's, a service's or a task's lines
};

/** Starts a run with `start` and spins the event loop until it finishes (four minutes at most). */
inline ContainerRun driveContainerRun(SwarmDeployRunner &runner, const std::function<void()> &start)
{
    QString output;
    QObject::connect(&runner, &SwarmDeployRunner::output, &runner,
                     [&output](const QString &source, const QByteArray &data) {
                         output += (source.isEmpty() ? QString() : source + QStringLiteral(" | ")) +
                                   QString::fromUtf8(data);
                     });
    QSignalSpy finished(&runner, &SwarmDeployRunner::finished);
    start();
    if (!StallMeter::spinUntil([&] { return finished.size() > 0; }, 240'000))
        qWarning() << "the run did not finish:" << output;
    return {runner.outcome(), runner.summary(), output};
}

} // namespace Opsdeck
