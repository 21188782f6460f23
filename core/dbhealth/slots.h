// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "pg/pgtypes.h"

#include <QFuture>

namespace Opsdeck {

class PgConnection;

struct SlotRow
{
    QString name;
    QString type; // physical | logical
    QString plugin;
    QString database;
    bool active = false;
    qint64 retainedBytes = 0;
    QString walStatus; // reserved | extended | unreserved | lost
    qint64 xminAge = -1;
};

QString slotsSql();
QList<SlotRow> slotRows(const PgResultSet &set);

/**
 * Drops a slot over an action session, only if it is (still) inactive: an active slot has a
 * consumer, and dropping it would break that replica or pipeline.
 */
QFuture<Result<QString>> dropInactiveSlot(PgConnection &actionSession, const QString &slot);

} // namespace Opsdeck
