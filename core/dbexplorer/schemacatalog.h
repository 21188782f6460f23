// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QString>

namespace Opsdeck {

class PgConnection;

/** What a catalogue object is; the schema tree groups by it. */
enum class CatalogKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    Sequence,
    ForeignTable,
    Function,
    Extension,
};

/** "table", "materialized view": for headings and the CLI. */
QString catalogKindName(CatalogKind kind);

/** One object of the schema tree, with what the tree shows without opening it. */
struct CatalogObject
{
    CatalogKind kind = CatalogKind::Table;
    qint64 oid = 0;
    QString schema;
    QString name;
    QString signature;         // functions: "(a integer, b text) → boolean"
    double estimatedRows = -1; // pg_class.reltuples; -1 when never analyzed
    qint64 totalBytes = -1;    // -1: no storage (views, partitioned parents)
    qint64 tableBytes = -1;
    qint64 indexBytes = -1;
    qint64 toastBytes = -1;
    QDateTime lastVacuum; // invalid: never
    QDateTime lastAnalyze;
    QString comment;
    bool isPartition = false;
    bool locked = false; // behind an ACCESS EXCLUSIVE lock: sizes estimated from relpages
    /** The sizes add up pg_class.relpages (as of the last VACUUM/ANALYZE), not the files. */
    bool sizesEstimated = false;

    bool isRelation() const
    {
        return kind != CatalogKind::Function && kind != CatalogKind::Extension;
    }
    bool hasRows() const
    {
        return kind == CatalogKind::Table || kind == CatalogKind::PartitionedTable ||
               kind == CatalogKind::View || kind == CatalogKind::MaterializedView ||
               kind == CatalogKind::ForeignTable;
    }
    QString qualifiedName() const { return schema + QLatin1Char('.') + name; }
};

/** A database's user schemas and their objects (system schemas left out), in name order. */
struct SchemaCatalog
{
    QStringList schemas;
    QList<CatalogObject> objects;
    QString database;

    /** The object with this oid, or nullptr. */
    const CatalogObject *find(qint64 oid) const;
    /** "public.twit_message" or "twit_message" (searched in public, then everywhere). */
    const CatalogObject *find(const QString &name) const;
};

/**
 * Reads the whole tree in one round trip of four catalogue queries (schemas, relations with
 * sizes and vacuum times, functions, extensions) — never a query per object, so 10,000
 * tables cost the same four statements as ten.
 */
/** Where the tree's sizes come from: the statistics (no relation opened, no lock taken; the
 * default) or the size functions for every table. */
enum class SizeSource { Statistics, Exact };

QFuture<Result<SchemaCatalog>> loadSchemaCatalog(PgConnection &connection,
                                                 SizeSource sizes = SizeSource::Statistics);

/** Double-quotes an identifier the way quote_ident would, always (safe for any name). */
QString quoteIdentifier(const QString &name);

} // namespace Opsdeck
