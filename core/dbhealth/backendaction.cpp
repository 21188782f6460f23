// SPDX-License-Identifier: GPL-3.0-or-later
#include "backendaction.h"

#include "common/formatting.h"
#include "pg/pgconnection.h"

namespace Opsdeck {

QString backendActionChanges(const ActivityRow &row)
{
    return QStringLiteral("%1 for %2:\n%3")
        .arg(row.state, formatAge(row.querySeconds), row.query.left(4000));
}

QFuture<Result<QString>> signalBackend(PgConnection &actionSession, int pid,
                                       const QString &backendStart, BackendSignal signal)
{
    // pg_terminate_backend(pid, 5000) (14+) waits for the backend to exit, so "done" means gone.
    const QString call = signal == BackendSignal::Cancel
                             ? QStringLiteral("pg_cancel_backend($1)")
                             : QStringLiteral("pg_terminate_backend($1, 5000)");
    const QString sql =
        QStringLiteral(
            "/* opsdeck:action */ select case when exists (select 1 from pg_stat_activity"
            " where pid = $1 and backend_start = $2::timestamptz) then %1 end as signalled")
            .arg(call);
    const bool cancel = signal == BackendSignal::Cancel;
    return actionSession.query(sql, {pid, backendStart})
        .then([cancel](const Result<PgResultSet> &r) -> Result<QString> {
            if (!r)
                return r.error();
            const QVariant signalled = r->value(0, QStringLiteral("signalled"));
            if (signalled.isNull())
                return Result<QString>::failure(
                    QStringLiteral("the backend has gone or its pid now belongs to another "
                                   "connection; nothing was sent"));
            if (!signalled.toBool())
                return Result<QString>::failure(
                    cancel ? QStringLiteral("the server refused to cancel it (permission?)")
                           : QStringLiteral("the server refused to terminate it, or it did "
                                            "not exit within 5 s"));
            return cancel ? QStringLiteral("cancel sent") : QStringLiteral("terminated");
        });
}

} // namespace Opsdeck
