// SPDX-License-Identifier: GPL-3.0-or-later
#include "slots.h"

#include "pg/pgconnection.h"

namespace Opsdeck {

QString slotsSql()
{
    return QStringLiteral(
        "/* opsdeck:slots */ select slot_name, slot_type, coalesce(plugin, '') as plugin,"
        " coalesce(database, '') as database, active,"
        " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint as retained,"
        " coalesce(wal_status, '') as wal_status,"
        " coalesce(greatest(age(xmin), age(catalog_xmin)), -1) as xmin_age"
        " from pg_replication_slots order by slot_name");
}

QList<SlotRow> slotRows(const PgResultSet &set)
{
    QList<SlotRow> rows;
    for (int r = 0; r < set.rowCount(); ++r)
        rows << SlotRow{set.value(r, QStringLiteral("slot_name")).toString(),
                        set.value(r, QStringLiteral("slot_type")).toString(),
                        set.value(r, QStringLiteral("plugin")).toString(),
                        set.value(r, QStringLiteral("database")).toString(),
                        set.value(r, QStringLiteral("active")).toBool(),
                        set.value(r, QStringLiteral("retained")).toLongLong(),
                        set.value(r, QStringLiteral("wal_status")).toString(),
                        set.value(r, QStringLiteral("xmin_age")).toLongLong()};
    return rows;
}

QFuture<Result<QString>> dropInactiveSlot(PgConnection &actionSession, const QString &slot)
{
    return actionSession
        .query(
            QStringLiteral("/* opsdeck:action */ select pg_drop_replication_slot(slot_name)::text"
                           " from pg_replication_slots where slot_name = $1 and not active"),
            {slot})
        .then([slot](const Result<PgResultSet> &r) -> Result<QString> {
            if (!r)
                return r.error();
            if (r->rowCount() == 0)
                return Result<QString>::failure(
                    QStringLiteral("slot %1 is active or no longer exists; nothing was dropped")
                        .arg(slot));
            return QStringLiteral("dropped");
        });
}

} // namespace Opsdeck
