// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "schemacatalog.h"

#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck {

class PgConnection;

struct ColumnInfo
{
    int position = 0;
    QString name;
    QString type; // format_type: "character varying(254)", "timestamp with time zone"
    bool notNull = false;
    QString defaultValue; // the expression, or "GENERATED ALWAYS AS IDENTITY"
    QString comment;
};

struct IndexInfo
{
    QString name;
    QString definition; // pg_get_indexdef
    qint64 bytes = 0;
    qint64 scans = 0;
    bool primary = false;
    bool unique = false;
    bool valid = true;
    bool backsConstraint = false; // created by a PRIMARY KEY / UNIQUE / EXCLUDE constraint
};

struct ConstraintInfo
{
    QString name;
    char type = 'c';    // pg_constraint.contype: p, u, f, c, x, t
    QString definition; // pg_get_constraintdef
    // Foreign keys, in both directions: the table that references and the one referenced.
    qint64 tableOid = 0;
    QString table; // schema.name of the constraint's table
    qint64 referencedOid = 0;
    QString referencedTable;
    QStringList columns;
    QStringList referencedColumns;

    bool isForeignKey() const { return type == 'f'; }
};

struct TriggerInfo
{
    QString name;
    QString definition; // pg_get_triggerdef
    bool enabled = true;
};

struct PolicyInfo
{
    QString name;
    QString command; // ALL, SELECT, INSERT, UPDATE, DELETE
    bool permissive = true;
    QString roles;
    QString usingExpression;
    QString checkExpression;
};

struct GrantInfo
{
    QString grantee;    // a role, or PUBLIC
    QString privileges; // "INSERT, SELECT"
    QString grantor;
};

/** Everything the structure view shows of one object, read in one round trip. */
struct ObjectDetails
{
    CatalogObject object;
    QString owner;
    QList<ColumnInfo> columns;
    QList<IndexInfo> indexes;
    QList<ConstraintInfo> constraints; // this table's own, then foreign keys pointing at it
    QList<TriggerInfo> triggers;
    QList<PolicyInfo> policies;
    QList<GrantInfo> grants;
    bool rowSecurity = false;
    QString viewDefinition;     // views and materialized views
    QString partitionKey;       // partitioned tables: "RANGE (created_at)"
    QString partitionBound;     // partitions: "FOR VALUES FROM (...) TO (...)"
    QString sequenceDefinition; // sequences: "AS bigint START 1 INCREMENT 1 ..."
    QString functionDefinition; // functions: pg_get_functiondef
    QString lockedBy; // "pid 20160 (holds it)": ACCESS EXCLUSIVE lockers; expressions not read
    qint64 sequentialScans = -1;
    qint64 indexScans = -1;
    qint64 liveRows = -1;
    qint64 deadRows = -1;

    /** The key a data grid pages by: the primary key's columns, or empty (then ctid). */
    QStringList primaryKey() const;
    /** Foreign keys of this table (outgoing) and of others that reference it (incoming). */
    QList<ConstraintInfo> outgoingForeignKeys() const;
    QList<ConstraintInfo> incomingForeignKeys() const;
    /** The object's DDL, built from the catalogue (pg_get_*def where PostgreSQL has one). */
    QString ddl() const;
};

/** Columns, indexes, constraints, foreign keys (both ways), triggers, policies, grants. */
QFuture<Result<ObjectDetails>> loadObjectDetails(PgConnection &connection,
                                                 const CatalogObject &object);

} // namespace Opsdeck
