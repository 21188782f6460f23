// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QString>

namespace Opsdeck {

/**
 * Numbers for people, written one way everywhere: bytes in IEC units (KiB, MiB: what PostgreSQL's
 * pg_size_pretty and `df -h` mean), uptimes, ages of running queries and "… ago".
 */

/** "1.5 GiB" */
QString formatBytes(qint64 bytes);
/** "3d 4h", "5h 12m", "42m", "7s": an uptime. */
QString formatDuration(qint64 seconds);
/** "4.2s", "3m 5s", "2h 10m": how long a query or transaction has run; empty when negative. */
QString formatAge(double seconds);
/**
 * "just now", "1 minute ago", "48 minutes ago", "5 hours ago", "12 days ago": the time between
 * two instants (whatever time zone each is written in); "in 3 minutes" when `then` is ahead.
 */
QString formatAgo(const QDateTime &then, const QDateTime &now);
/** "2026-12-05 13:30" in the local time zone: how a time is shown, never an ISO string. */
QString formatLocalTime(const QDateTime &time);
/** "2026-12-05 12:42 (48 minutes ago)"; empty for an invalid time. */
QString formatWhen(const QDateTime &time, const QDateTime &now = QDateTime::currentDateTimeUtc());

/**
 * "1 host", "3 hosts", "0 hosts": a count with its noun in English. Opsdeck ships no translation
 * catalogue, and without one tr("%n host(s)") prints "1 host(s)"; this is exact.
 */
QString countOf(qint64 count, const QString &singular, const QString &plural);

/** Rows as aligned text columns (each as wide as its widest cell, two spaces apart). */
QString formatColumns(const QList<QStringList> &rows);

} // namespace Opsdeck
