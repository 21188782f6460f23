// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"

#include "flagwrite.h"
#include "workspace/workspace.h"

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

/**
 * One environment's flags, wherever they live (waffle tables, a plain table, Unleash). Reads
 * and writes are asynchronous: callbacks come back on the owner's thread, never while the
 * caller waits, and not at all once `guard` is gone.
 */
class FlagsBackend : public QObject
{
    Q_OBJECT

public:
    using Loaded = std::function<void(const Result<QList<FlagState>> &flags)>;
    /** `via` says how it was written ("manage.py on web1", "SQL", "Unleash admin API"). */
    using Written = std::function<void(const Status &written, const QString &via)>;
    using Events = std::function<void(const Result<QList<FlagEvent>> &events)>;

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
    virtual void load(QObject *guard, Loaded done) = 0;
    virtual void apply(const FlagEdit &edit, QObject *guard, Written done) = 0;
    /** Unleash's own event log for one flag; others have none. */
    virtual void events(const QString &flagName, QObject *guard, Events done);
    /** Said after a successful write when running apps may not see it at once (waffle via SQL). */
    virtual QString writeCaveat() const { return {}; }
    /** Said before deleting when deleting reaches further than this environment. */
    virtual QString deleteCaveat() const { return {}; }

    /** `database` is the environment's action session (borrowed; SQL backends only). */
    static Result<std::unique_ptr<FlagsBackend>> create(const EnvironmentSpec &environment,
                                                        SshPool *pool, DatabaseSession *database);
};

/** A failed write because the row is not as it was read: refresh, then decide again. */
inline const QString kFlagConflict = QStringLiteral("conflict");

/** One flag edit as an action (flag.set / flag.create / flag.delete) on `environment`. */
ActionRequest flagEditRequest(const QString &workspace, const EnvironmentSpec &environment,
                              const FlagEdit &edit);

} // namespace Opsdeck
