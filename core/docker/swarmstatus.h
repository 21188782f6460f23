// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QFuture>
#include <QJsonDocument>
#include <QList>
#include <QString>

namespace Opsdeck {

class DockerEngine;

/** One task (a replica's container, or a past one) of a swarm service. */
struct SwarmTask
{
    QString id;
    int slot = 0;  // replicated services: 1..N
    QString node;  // the node's hostname
    QString state; // running, starting, failed, shutdown, rejected, ...
    QString desiredState;
    QString error;   // "task: non-zero exit (137)"
    QString message; // "started", "shutdown"
    int exitCode = -1;
    QString image;
    QString containerId;
    QDateTime updated; // when it reached `state`

    /** Ended without being asked to (the restarts and crashes worth seeing); a compose
     * container that exited with a non-zero status. */
    bool failed() const
    {
        return state == QLatin1String("failed") || state == QLatin1String("rejected") ||
               (state == QLatin1String("exited") && exitCode > 0);
    }
    bool isCurrent() const { return desiredState == QLatin1String("running"); }
};

struct SwarmService
{
    QString id;
    QString name;     // stack_service
    QString image;    // without the digest: "minitwit:v2"
    QString tag;      // "v2"
    QString revision; // the image's org.opencontainers.image.revision label, if any
    QString mode;     // replicated | global
    int running = 0;
    int desired = 0;
    QString updateState;   // updating, paused, completed, rollback_started, rollback_completed, ...
    QString updateMessage; // Swarm's own words
    int restartsLastHour = 0; // tasks that failed in the last hour
    QList<SwarmTask> tasks;   // current ones first (by slot), then failed ones, newest first
};

/** The services of one stack, as the manager sees them. */
struct SwarmStatus
{
    QString stack;
    QList<SwarmService> services; // by name
    QDateTime readAt;

    const SwarmService *service(const QString &name) const;
    int running() const;
    int desired() const;
};

/** Builds the status from the engine's answers to /services?status=true, /tasks and /nodes. */
SwarmStatus swarmStatusOf(const QString &stack, const QJsonDocument &services,
                          const QJsonDocument &tasks, const QJsonDocument &nodes,
                          const QDateTime &now);

/** Reads a stack's status: three calls at once, then each image's revision label. */
QFuture<Result<SwarmStatus>> readSwarmStatus(DockerEngine &engine, const QString &stack);

/** Shortens an image reference for people: "reg.example/minitwit:v2@sha256:…" → "minitwit:v2". */
QString shortImage(const QString &image);

} // namespace Opsdeck
