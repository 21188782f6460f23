// SPDX-License-Identifier: GPL-3.0-or-later
#include "schemacatalog.h"

#include "pg/pgconnection.h"

#include <QTimeZone>

namespace Opsdeck {

namespace {

// The schemas nobody browses: the system catalogue, TOAST and other sessions' temp schemas.
const char kUserSchemas[] = "n.nspname not in ('pg_catalog', 'information_schema')"
                            " and n.nspname not like 'pg\\_toast%'"
                            " and n.nspname not like 'pg\\_temp\\_%'";

QString schemasSql()
{
    return QStringLiteral("select n.nspname from pg_namespace n where %1 order by 1")
        .arg(QLatin1String(kUserSchemas));
}

// Sizes only where there is storage: pg_total_relation_size of a view is 0, not "no size".
//
// Sizes: SizeSource::Statistics adds up pg_class.relpages of the table, its indexes and its
// TOAST table (as of the last VACUUM/ANALYZE; the free space and visibility maps, a few pages,
// are left out). That opens no relation and takes no lock, so
// 10,000 tables list in a fraction of a second and a table behind an ACCESS EXCLUSIVE lock
// never holds the tree up; the size functions open and lock five relations per table, which
// took 3x psql's `\dt+` on 10,000 tables. A table never vacuumed or analyzed (reltuples < 0)
// has no statistics yet, so it gets exact sizes anyway unless it is locked.
// SizeSource::Exact asks the size functions for every table except locked ones.
QString relationsSql(SizeSource sizes)
{
    const QString exactWhen = sizes == SizeSource::Exact
                                  ? QStringLiteral("not c.is_locked")
                                  : QStringLiteral("not c.is_locked and c.reltuples < 0");
    return QStringLiteral(
               "with locked as (select distinct l.relation from pg_locks l"
               "  where l.mode = 'AccessExclusiveLock' and l.relation is not null),"
               " idx as (select i.indrelid, sum(ic.relpages)::int8 as pages from pg_index i"
               "  join pg_class ic on ic.oid = i.indexrelid group by 1),"
               " rel as (select c.*, (c.oid in (select relation from locked)"
               "  or c.reltoastrelid in (select relation from locked)"
               "  or exists (select 1 from pg_index i where i.indrelid = c.oid"
               "   and i.indexrelid in (select relation from locked))) as is_locked,"
               "  coalesce(ix.pages, 0) as index_pages,"
               "  coalesce(t.relpages + coalesce(tix.pages, 0), 0) as toast_pages"
               "  from pg_class c left join idx ix on ix.indrelid = c.oid"
               "  left join pg_class t on t.oid = c.reltoastrelid"
               "  left join idx tix on tix.indrelid = t.oid"
               "  where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')),"
               " bs as (select current_setting('block_size')::int8 as b)"
               "select c.oid::int8 as oid, n.nspname as schema, c.relname as name,"
               " c.relkind::text as kind, c.reltuples::float8 as estimated_rows,"
               " c.is_locked as locked, not (%2) as estimated_sizes,"
               " case when c.relkind not in ('r', 'm', 'p') then null"
               "  when %2 then pg_total_relation_size(c.oid)"
               "  else (c.relpages + c.index_pages + c.toast_pages) * bs.b end as total_bytes,"
               " case when c.relkind not in ('r', 'm') then null"
               "  when %2 then pg_relation_size(c.oid)"
               "  else c.relpages::int8 * bs.b end as table_bytes,"
               " case when c.relkind not in ('r', 'm', 'p') then null"
               "  when %2 then pg_indexes_size(c.oid)"
               "  else c.index_pages * bs.b end as index_bytes,"
               " case when c.reltoastrelid = 0 then null"
               "  when %2 then pg_total_relation_size(c.reltoastrelid)"
               "  else c.toast_pages * bs.b end as toast_bytes,"
               " extract(epoch from greatest(s.last_vacuum, s.last_autovacuum))::float8"
               "  as last_vacuum,"
               " extract(epoch from greatest(s.last_analyze, s.last_autoanalyze))::float8"
               "  as last_analyze,"
               " d.description as comment, c.relispartition as is_partition"
               " from rel c cross join bs join pg_namespace n on n.oid = c.relnamespace"
               " left join pg_stat_all_tables s on s.relid = c.oid"
               " left join pg_description d on d.objoid = c.oid"
               "  and d.classoid = 'pg_class'::regclass and d.objsubid = 0"
               " where %1"
               " order by 2, 3")
        .arg(QLatin1String(kUserSchemas), exactWhen);
}

// Functions that belong to an extension are listed under the extension, not one by one.
QString functionsSql()
{
    return QStringLiteral("select p.oid::int8 as oid, n.nspname as schema, p.proname as name,"
                          " pg_get_function_identity_arguments(p.oid) as arguments,"
                          " pg_get_function_result(p.oid) as result, d.description as comment"
                          " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                          " left join pg_description d on d.objoid = p.oid"
                          "  and d.classoid = 'pg_proc'::regclass and d.objsubid = 0"
                          " where %1 and not exists (select 1 from pg_depend e where e.classid ="
                          "  'pg_proc'::regclass and e.objid = p.oid and e.deptype = 'e')"
                          " order by 2, 3, 4")
        .arg(QLatin1String(kUserSchemas));
}

QString extensionsSql()
{
    return QStringLiteral("select e.oid::int8 as oid, n.nspname as schema, e.extname as name,"
                          " e.extversion as version from pg_extension e"
                          " join pg_namespace n on n.oid = e.extnamespace order by 3");
}

CatalogKind relationKind(const QString &relkind)
{
    switch (relkind.isEmpty() ? 'r' : relkind.at(0).toLatin1()) {
    case 'p':
        return CatalogKind::PartitionedTable;
    case 'v':
        return CatalogKind::View;
    case 'm':
        return CatalogKind::MaterializedView;
    case 'S':
        return CatalogKind::Sequence;
    case 'f':
        return CatalogKind::ForeignTable;
    default:
        return CatalogKind::Table;
    }
}

qint64 bytesOr(const QVariant &v)
{
    return v.isNull() ? -1 : v.toLongLong();
}

QDateTime timeOf(const QVariant &epoch)
{
    return epoch.isNull()
               ? QDateTime()
               : QDateTime::fromMSecsSinceEpoch(qint64(epoch.toDouble() * 1000), Qt::UTC);
}

void addRelations(SchemaCatalog &catalog, const PgResultSet &set)
{
    for (int r = 0; r < set.rowCount(); ++r) {
        CatalogObject o;
        o.kind = relationKind(set.value(r, QStringLiteral("kind")).toString());
        o.oid = set.value(r, QStringLiteral("oid")).toLongLong();
        o.schema = set.value(r, QStringLiteral("schema")).toString();
        o.name = set.value(r, QStringLiteral("name")).toString();
        o.estimatedRows = set.value(r, QStringLiteral("estimated_rows")).toDouble();
        o.totalBytes = bytesOr(set.value(r, QStringLiteral("total_bytes")));
        o.tableBytes = bytesOr(set.value(r, QStringLiteral("table_bytes")));
        o.indexBytes = bytesOr(set.value(r, QStringLiteral("index_bytes")));
        o.toastBytes = bytesOr(set.value(r, QStringLiteral("toast_bytes")));
        o.lastVacuum = timeOf(set.value(r, QStringLiteral("last_vacuum")));
        o.lastAnalyze = timeOf(set.value(r, QStringLiteral("last_analyze")));
        o.comment = set.value(r, QStringLiteral("comment")).toString();
        o.isPartition = set.value(r, QStringLiteral("is_partition")).toBool();
        o.locked = set.value(r, QStringLiteral("locked")).toBool();
        o.sizesEstimated = set.value(r, QStringLiteral("estimated_sizes")).toBool();
        catalog.objects << o;
    }
}

void addFunctions(SchemaCatalog &catalog, const PgResultSet &set)
{
    for (int r = 0; r < set.rowCount(); ++r) {
        CatalogObject o;
        o.kind = CatalogKind::Function;
        o.oid = set.value(r, QStringLiteral("oid")).toLongLong();
        o.schema = set.value(r, QStringLiteral("schema")).toString();
        o.name = set.value(r, QStringLiteral("name")).toString();
        const QString result = set.value(r, QStringLiteral("result")).toString();
        o.signature =
            QStringLiteral("(%1)").arg(set.value(r, QStringLiteral("arguments")).toString()) +
            (result.isEmpty() ? QString() : QStringLiteral(" → ") + result);
        o.comment = set.value(r, QStringLiteral("comment")).toString();
        catalog.objects << o;
    }
}

void addExtensions(SchemaCatalog &catalog, const PgResultSet &set)
{
    for (int r = 0; r < set.rowCount(); ++r) {
        CatalogObject o;
        o.kind = CatalogKind::Extension;
        o.oid = set.value(r, QStringLiteral("oid")).toLongLong();
        o.schema = set.value(r, QStringLiteral("schema")).toString();
        o.name = set.value(r, QStringLiteral("name")).toString();
        o.signature = set.value(r, QStringLiteral("version")).toString();
        catalog.objects << o;
    }
}

} // namespace

QString catalogKindName(CatalogKind kind)
{
    switch (kind) {
    case CatalogKind::Table:
        return QStringLiteral("table");
    case CatalogKind::PartitionedTable:
        return QStringLiteral("partitioned table");
    case CatalogKind::View:
        return QStringLiteral("view");
    case CatalogKind::MaterializedView:
        return QStringLiteral("materialized view");
    case CatalogKind::Sequence:
        return QStringLiteral("sequence");
    case CatalogKind::ForeignTable:
        return QStringLiteral("foreign table");
    case CatalogKind::Function:
        return QStringLiteral("function");
    case CatalogKind::Extension:
        return QStringLiteral("extension");
    }
    return {};
}

const CatalogObject *SchemaCatalog::find(qint64 oid) const
{
    for (const CatalogObject &o : objects)
        if (o.oid == oid && o.isRelation())
            return &o;
    return nullptr;
}

const CatalogObject *SchemaCatalog::find(const QString &name) const
{
    const QString schema = name.contains(QLatin1Char('.')) ? name.section(QLatin1Char('.'), 0, 0)
                                                           : QStringLiteral("public");
    const QString bare = name.section(QLatin1Char('.'), -1);
    const CatalogObject *elsewhere = nullptr;
    for (const CatalogObject &o : objects) {
        if (!o.isRelation() || o.name != bare)
            continue;
        if (o.schema == schema)
            return &o;
        if (!name.contains(QLatin1Char('.')) && !elsewhere)
            elsewhere = &o;
    }
    return elsewhere;
}

QFuture<Result<SchemaCatalog>> loadSchemaCatalog(PgConnection &connection, SizeSource sizes)
{
    const QList<PgStatement> statements{{schemasSql(), {}},
                                        {relationsSql(sizes), {}},
                                        {functionsSql(), {}},
                                        {extensionsSql(), {}},
                                        {QStringLiteral("select current_database()"), {}}};
    return connection.pipeline(statements).then([](const PgBatchResult &results) {
        for (const Result<PgResultSet> &r : results)
            if (!r)
                return Result<SchemaCatalog>(r.error());
        if (results.size() != 5)
            return Result<SchemaCatalog>::failure(QStringLiteral("the catalogue did not answer"));
        SchemaCatalog catalog;
        for (const QList<QVariant> &row : results[0]->rows)
            catalog.schemas << row.value(0).toString();
        addRelations(catalog, *results[1]);
        addFunctions(catalog, *results[2]);
        addExtensions(catalog, *results[3]);
        catalog.database = results[4]->rows.value(0).value(0).toString();
        return Result<SchemaCatalog>(std::move(catalog));
    });
}

QString quoteIdentifier(const QString &name)
{
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace Opsdeck
