// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"

#include "flagwrite.h"
#include "workspace/workspace.h"

#include <QFuture>
#include <QObject>

#include <functional>
#include <memory>

namespace Opsdeck {

class AuditLog;
class DatabaseSession;
class SshPool;

/** One server-side event about a flag (Unleash's event log). */
struct FlagEvent
{
    QDateTime at;
    QString by, type, environment, summary;
};

/** A flag write's outcome; a write whose backend went first is an error like any other. */
struct FlagWritten
{
    Status status = Status::failure(QStringLiteral("no answer: the flags backend was closed"));
    QString via; // how it was written ("manage.py on web1", "SQL", "Unleash admin API")
};

/**
 * One environment's flags, wherever they live (waffle tables, a plain table, Unleash). Reads
 * and writes answer with futures, like the rest of core (read them with onFinished() or a
 * LatestRequest); each backend implements them as calls that answer on this object's thread.
 */
class FlagsBackend : public QObject
{
    Q_OBJECT

public:
    enum Capability {
        Create = 0x1,
        Delete = 0x2,
        Rules = 0x4,   // waffle's everyone/staff/superusers/… and users/groups
        Percent = 0x8, // a percentage rollout
        Kinds = 0x10,  // switches and samples besides flags
        ServerEvents = 0x20,
    };

    using QObject::QObject;

    virtual int capabilities() const = 0;
    /** "waffle", "table public.feature_flags", "Unleash project default / production" */
    virtual QString describe() const = 0;
    QFuture<Result<QList<FlagState>>> load();
    QFuture<FlagWritten> apply(const FlagEdit &edit);
    /** Unleash's own event log for one flag; others have none. */
    QFuture<Result<QList<FlagEvent>>> events(const QString &flagName);
    /** Said after a successful write when running apps may not see it at once (waffle via SQL). */
    virtual QString writeCaveat() const { return {}; }
    /** Said before deleting when deleting reaches further than this environment. */
    virtual QString deleteCaveat() const { return {}; }

    /** `database` is the environment's action session (borrowed; SQL backends only). */
    static Result<std::unique_ptr<FlagsBackend>> create(const EnvironmentSpec &environment,
                                                        SshPool *pool, DatabaseSession *database);

protected:
    using Loaded = std::function<void(const Result<QList<FlagState>> &flags)>;
    using Written = std::function<void(const Status &written, const QString &via)>;
    using Events = std::function<void(const Result<QList<FlagEvent>> &events)>;

    // What each backend implements: answer through the callback, not at all once `guard` is
    // gone (load() and friends pass the backend itself).
    virtual void startLoad(QObject *guard, Loaded done) = 0;
    virtual void startApply(const FlagEdit &edit, QObject *guard, Written done) = 0;
    virtual void startEvents(const QString &flagName, QObject *guard, Events done);
};

/** A failed write because the row is not as it was read: refresh, then decide again. */
inline const QString kFlagConflict = QStringLiteral("conflict");

/** One flag edit as an action (flag.set / flag.create / flag.delete) on `environment`. */
ActionRequest flagEditRequest(const QString &workspace, const EnvironmentSpec &environment,
                              const FlagEdit &edit);

} // namespace Opsdeck
