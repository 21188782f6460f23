// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QFuture>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace Opsdeck {

class DockerEngine;

/**
 * The deploy lock of a swarm stack, kept in the swarm itself as a config object named
 * `opsdeck-lock.STACK`: creating a config whose name exists fails (HTTP 409) on every manager,
 * so taking the lock is one atomic call and every manager sees the same holder. Its data are
 * the holder's details (JSON), as in a releases environment's lock directory.
 *
 * A compose project's engine has no swarm, so its lock is a container of that name that is
 * never started (the details in a label): container names are as unique, and as atomic to
 * claim, as config names. Compose never sees it (it has no compose labels).
 */
struct SwarmLock
{
    enum class Store { SwarmConfig, Container };

    QString configId; // the config's id, or the lock container's
    Store store = Store::SwarmConfig;
    QJsonObject details; // id, action, user, ref, comment, started (UTC, ISO 8601)

    bool isHeld() const { return !configId.isEmpty(); }
    QString holderId() const { return details.value(QLatin1String("id")).toString(); }
    /** "deploying v2 since 2026-12-06 14:02 by ann@laptop (hotfix)". */
    QString describe() const;

    /** The config's (or the container's) name: "opsdeck-lock.STACK". */
    static QString configName(const QString &stack);
    /** "swarm config opsdeck-lock.minitwit" or "container opsdeck-lock.minitwit". */
    static QString placeName(Store store, const QString &stack);
    /**
     * Takes the lock; when it is held already, fails with the holder described. A container
     * lock is created from `image` (one the engine has: a service's own; it never runs).
     */
    static QFuture<Result<SwarmLock>> take(DockerEngine &engine, const QString &stack,
                                           const QJsonObject &details,
                                           Store store = Store::SwarmConfig,
                                           const QString &image = {});
    /** The lock as it is now (not held: an empty SwarmLock). */
    static QFuture<Result<SwarmLock>> read(DockerEngine &engine, const QString &stack,
                                           Store store = Store::SwarmConfig);
    /** Removes the lock (a run removes only the one it took, by its id). */
    static QFuture<Result<QJsonDocument>> release(DockerEngine &engine, const SwarmLock &lock);
    /** Breaks whatever lock the stack has (a killed run's); the lock that was there, or an
     * empty one when there was none. */
    static QFuture<Result<SwarmLock>> breakHeld(DockerEngine &engine, const QString &stack,
                                                Store store = Store::SwarmConfig);
};

} // namespace Opsdeck
