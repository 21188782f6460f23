// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace Opsdeck {

/**
 * The session settings (docs/ARCHITECTURE.md, "Threads"). The monitoring defaults make a stuck
 * dashboard harmless: read-only, short statement and lock timeouts, no JIT.
 */
struct PgSessionSettings
{
    QString applicationName = QStringLiteral("opsdeck");
    bool readOnly = true;
    int statementTimeoutMs = 5000;
    int lockTimeoutMs = 1000;
    int idleInTransactionTimeoutMs = 30000;
    bool jitOff = true;
    int connectTimeoutSeconds = 10;

    /**
     * The SQL console's session: read-only like monitoring, but a person's query may take a
     * minute, and an open cursor ("fetch more") may sit idle while they read.
     */
    static PgSessionSettings console()
    {
        PgSessionSettings s;
        s.applicationName = QStringLiteral("opsdeck-console");
        s.statementTimeoutMs = 60'000;
        s.idleInTransactionTimeoutMs = 5 * 60'000;
        return s;
    }

    /** A console statement run in write mode: its own session, a transaction the person ends. */
    static PgSessionSettings consoleWrite()
    {
        PgSessionSettings s = console();
        s.readOnly = false;
        s.applicationName = QStringLiteral("opsdeck-console-write");
        return s;
    }

    /** A writing session for explicit actions (cancel/terminate, flag writes). */
    static PgSessionSettings action()
    {
        PgSessionSettings s;
        s.readOnly = false;
        s.applicationName = QStringLiteral("opsdeck-action");
        return s;
    }
};

/** A query result as plain values (never a QObject), safe to hand across threads. */
struct PgResultSet
{
    /** No result keeps more rows than this: a `select *` of a large table (or a hostile
     * server) cannot fill memory. The rows past it are read and dropped, and `truncated` says
     * so; callers show "the first N rows". */
    static constexpr int kMaxRows = 100'000;

    QStringList columns;
    QList<quint32> columnTypes;  // each column's type OID (pg_type.oid)
    QList<QList<QVariant>> rows; // NULL is an invalid QVariant
    QString commandStatus;
    bool truncated = false; // more than kMaxRows rows came back

    int rowCount() const { return int(rows.size()); }
    int column(const QString &name) const { return int(columns.indexOf(name)); }
    QVariant value(int row, const QString &name) const
    {
        const int c = column(name);
        return c < 0 || row >= rowCount() ? QVariant() : rows.at(row).at(c);
    }
};

/** How a result's values arrive: typed (bool, integers, doubles, else text) or every value as
 * the server's text, exact (numeric, int8, timestamps) as a data grid must show it. */
enum class PgValues { Typed, Text };

/** One statement of a pipeline: SQL and its $1..$n parameters. */
struct PgStatement
{
    QString sql;
    QVariantList params;
};

using PgBatchResult = QList<Result<PgResultSet>>;

/** Where a conninfo string points, for tunnels and messages. */
struct PgTarget
{
    QString host = QStringLiteral("localhost");
    int port = 5432;
    QString database;
    QString user;
};

} // namespace Opsdeck
