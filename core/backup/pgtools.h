// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace Opsdeck {

/**
 * A version as PostgreSQL numbers it (150010 for 15.10, 90624 for 9.6.24) out of whatever a
 * tool or server prints: "pg_dump (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)",
 * "15.10 (Debian 15.10-0+deb12u1)", "16beta1". 0 when there is no version in it.
 */
int parsePgVersion(const QString &text);
/** 150010 → "15.10"; 90624 → "9.6.24". */
QString pgVersionText(int versionNumber);

/**
 * pg_dump reads the server's catalogs as its own major version knows them: one older than the
 * server is refused before it starts, with both numbers (pgAdmin's most reported backup error).
 */
Status checkDumpToolVersion(const QString &tool, int toolVersion, int serverVersion);

/**
 * Where `name` (pg_dump, pg_restore, psql) lives for a server of `serverVersion`: the newest
 * /usr/lib/postgresql/N/bin (Debian's layout, several majors side by side) whose N is at least
 * the server's, else whatever PATH has. Empty when neither has it.
 */
QString findPgTool(const QString &name, int serverVersion);

/** What a client tool is given: a conninfo without the password, which goes in PGPASSWORD
 * (command lines are visible to every user of the machine). */
struct ToolConnection
{
    QString conninfo;
    QByteArray password;
};

/**
 * The workspace's conninfo made ready for a tool: through the tunnel's local port when
 * `tunnelPort` is set (host still names the server for TLS), another database when `database`
 * is set, and an application_name that says who is connected.
 */
Result<ToolConnection> toolConnection(const QString &conninfo, quint16 tunnelPort,
                                      const QString &database, const QString &applicationName);

/** A text[] as it arrives (the server's text, "{a,\"b c\"}"), or already a list: a, b c. */
QStringList parseTextArray(const QVariant &value);

/** A database name Opsdeck will create: letters, digits and _, at most 63 bytes. */
Status checkNewDatabaseName(const QString &name);

} // namespace Opsdeck
