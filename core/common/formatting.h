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
/** "just now", "an hour ago", "5 hours ago", "12 days ago". */
QString formatAgo(const QDateTime &then, const QDateTime &now);

} // namespace Opsdeck
