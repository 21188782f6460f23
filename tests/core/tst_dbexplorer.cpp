// SPDX-License-Identifier: GPL-3.0-or-later
// The database explorer's core against the real PostgreSQL of tests/services/postgres.sh: the
// schema tree against information_schema, keyset pages against plain ORDER BY queries, the
// console's read-only guarantees, Cancel, and plans against PostgreSQL's own JSON.
#include "dbexplorer/explainplan.h"
#include "dbexplorer/gridquery.h"
#include "dbexplorer/schemacatalog.h"
#include "dbexplorer/sqlconsole.h"
#include "dbexplorer/tabledetails.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "testservices.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace Opsdeck;

namespace {

const char kSchema[] = R"(
drop schema if exists explorer cascade;
create schema explorer;
create table explorer.author (id serial primary key, name text not null unique,
    email varchar(254) default 'nobody@example.com');
comment on table explorer.author is 'people who write';
comment on column explorer.author.name is 'shown on every message';
create table explorer.message (id bigint generated always as identity primary key,
    author_id int not null references explorer.author(id) on delete cascade,
    body text, score int, created timestamptz not null default now());
create index message_author on explorer.message (author_id);
create table explorer.keyless (a int, b text);
create view explorer.recent as select * from explorer.message where created > now() - interval '1 day';
create materialized view explorer.counts as select author_id, count(*) from explorer.message group by 1;
create sequence explorer.ticket start 100;
create function explorer.score_of(m explorer.message) returns int language sql as 'select m.score';
insert into explorer.author (name) select 'author ' || i from generate_series(1, 50) i;
insert into explorer.message (author_id, body, score)
    select 1 + i % 50, 'message ' || i, case when i % 7 = 0 then null else i % 13 end
    from generate_series(1, 5000) i;
insert into explorer.keyless select i, 'row ' || i from generate_series(1, 3000) i;
analyze explorer.author, explorer.message, explorer.keyless;
)";

QStringList column(const Result<PgResultSet> &set, int c = 0)
{
    QStringList values;
    if (set)
        for (const QList<QVariant> &row : set->rows)
            values << row.value(c).toString();
    return values;
}

/** Reads every page of `query` in `direction` order; the rows' first column joined. */
QStringList walk(PgConnection &pg, const GridQuery &query, bool backwards, int pageSize)
{
    QStringList seen;
    RowPosition anchor;
    PageDirection direction = backwards ? PageDirection::Last : PageDirection::First;
    for (int guard = 0; guard < 10'000; ++guard) {
        const PgStatement s = pageStatement(query, direction, anchor, pageSize);
        const Result<PgResultSet> page = wait(pg.query(s.sql, s.params, PgValues::Text));
        if (!page) {
            qWarning() << page.errorString() << s.sql;
            return {};
        }
        QList<QList<QVariant>> rows = page->rows;
        if (pageIsReversed(direction))
            std::reverse(rows.begin(), rows.end());
        QStringList ids;
        for (const QList<QVariant> &r : rows)
            ids << r.value(0).toString();
        seen = backwards ? ids + seen : seen + ids;
        if (rows.size() < pageSize)
            break;
        anchor = rowPosition(query, backwards ? rows.first() : rows.last());
        direction = backwards ? PageDirection::Before : PageDirection::After;
    }
    return seen;
}

} // namespace

class TestDbExplorer final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(wait(m_pg.open()).ok());
        for (const QString &statement : SqlConsole::splitStatements(QString::fromLatin1(kSchema))) {
            const Result<PgResultSet> r = wait(m_pg.query(statement));
            QVERIFY2(r.ok(), qPrintable(statement + QStringLiteral(": ") + r.errorString()));
        }
    }

    void theTreeMatchesTheCatalogue()
    {
        const Result<SchemaCatalog> catalog = wait(loadSchemaCatalog(m_pg));
        QVERIFY2(catalog.ok(), qPrintable(catalog.errorString()));
        QVERIFY(catalog->schemas.contains(QStringLiteral("explorer")));
        QSet<QString> tree;
        for (const CatalogObject &o : catalog->objects)
            if (o.schema == QLatin1String("explorer") && o.isRelation())
                tree << o.name + QLatin1Char(':') + catalogKindName(o.kind);
        // information_schema has tables and views; matviews and sequences (identity ones too) come
        // from pg_class.
        const QStringList expected = column(wait(m_pg.query(QStringLiteral(
            "select table_name || ':' || case table_type when 'VIEW' then 'view' else 'table' end"
            " from information_schema.tables where table_schema = 'explorer' union all"
            " select matviewname || ':materialized view' from pg_matviews where schemaname ="
            " 'explorer' union all select relname || ':sequence'"
            " from pg_class where relkind = 'S' and relnamespace = 'explorer'::regnamespace"))));
        QCOMPARE(tree, QSet<QString>(expected.cbegin(), expected.cend()));
        const CatalogObject *author = catalog->find(QStringLiteral("explorer.author"));
        QVERIFY(author);
        QCOMPARE(author->comment, QStringLiteral("people who write"));
        QCOMPARE(qint64(author->estimatedRows), 50);
        QVERIFY(author->totalBytes >= author->tableBytes + author->indexBytes);
        const auto function = std::find_if(
            catalog->objects.cbegin(), catalog->objects.cend(), [](const CatalogObject &o) {
                return o.kind == CatalogKind::Function && o.schema == QLatin1String("explorer");
            });
        QVERIFY(function != catalog->objects.cend());
        QCOMPARE(function->signature, QStringLiteral("(m explorer.message) → integer"));
    }

    void theTreesSizesComeFromTheStatisticsAndMatchTheFiles()
    {
        // Statistics as of a VACUUM (ANALYZE leaves TOAST's pages alone): the same as the files.
        QVERIFY(wait(m_pg.query(QStringLiteral("vacuum analyze explorer.author"))).ok());
        // Never vacuumed nor analyzed (10 rows stay under autovacuum's threshold): exact sizes.
        QVERIFY(
            wait(m_pg.query(QStringLiteral("create table explorer.fresh (id int, t text)"))).ok());
        QVERIFY(wait(m_pg.query(QStringLiteral(
                         "insert into explorer.fresh select i, repeat('x', 3000) from"
                         " generate_series(1, 10) i")))
                    .ok());
        const Result<SchemaCatalog> stats = wait(loadSchemaCatalog(m_pg));
        const Result<SchemaCatalog> exact = wait(loadSchemaCatalog(m_pg, SizeSource::Exact));
        QVERIFY(wait(m_pg.query(QStringLiteral("drop table explorer.fresh"))).ok());
        QVERIFY2(stats.ok() && exact.ok(), qPrintable(stats.errorString() + exact.errorString()));
        for (const QString &name :
             {QStringLiteral("explorer.author"), QStringLiteral("explorer.fresh")}) {
            const CatalogObject *s = stats->find(name);
            const CatalogObject *e = exact->find(name);
            QVERIFY(s && e);
            QCOMPARE(s->sizesEstimated, name == QLatin1String("explorer.author"));
            QVERIFY(!e->sizesEstimated);
            QVERIFY(e->totalBytes > 0);
            // relpages counts the main fork: the free space and visibility maps a VACUUM
            // leaves (a few pages) are the difference.
            QVERIFY2(s->totalBytes <= e->totalBytes && e->totalBytes - s->totalBytes <= 8 * 8192,
                     qPrintable(QStringLiteral("%1 vs %2").arg(s->totalBytes).arg(e->totalBytes)));
            QCOMPARE(s->tableBytes, e->tableBytes);
            QCOMPARE(s->indexBytes, e->indexBytes);
            QCOMPARE(s->toastBytes, e->toastBytes);
        }
        // One table's structure always reads its files.
        const Result<ObjectDetails> details =
            wait(loadObjectDetails(m_pg, *stats->find(QStringLiteral("explorer.author"))));
        QVERIFY(details.ok());
        QVERIFY(!details->object.sizesEstimated);
        QCOMPARE(details->object.totalBytes,
                 exact->find(QStringLiteral("explorer.author"))->totalBytes);
    }

    void aTablesDetailsMatchTheCatalogue()
    {
        const Result<SchemaCatalog> catalog = wait(loadSchemaCatalog(m_pg));
        QVERIFY(catalog.ok());
        const Result<ObjectDetails> message =
            wait(loadObjectDetails(m_pg, *catalog->find(QStringLiteral("explorer.message"))));
        QVERIFY2(message.ok(), qPrintable(message.errorString()));
        QStringList columns;
        for (const ColumnInfo &c : message->columns)
            columns << c.name + QLatin1Char(' ') + c.type +
                           (c.notNull ? QStringLiteral(" not null") : QString());
        QCOMPARE(columns,
                 column(wait(m_pg.query(QStringLiteral(
                     "select column_name || ' ' || format_type(a.atttypid, a.atttypmod) ||"
                     " case when is_nullable = 'NO' then ' not null' else '' end"
                     " from information_schema.columns c join pg_attribute a on a.attrelid ="
                     " 'explorer.message'::regclass and a.attname = c.column_name"
                     " where table_schema = 'explorer' and table_name = 'message' order by "
                     "ordinal_position")))));
        QCOMPARE(message->columns.at(0).defaultValue,
                 QStringLiteral("GENERATED ALWAYS AS IDENTITY"));
        QStringList indexes;
        for (const IndexInfo &i : message->indexes)
            indexes << i.definition;
        indexes.sort();
        QCOMPARE(indexes, column(wait(m_pg.query(
                              QStringLiteral("select indexdef from pg_indexes where schemaname = "
                                             "'explorer' and tablename = 'message'"
                                             " order by 1")))));
        QCOMPARE(message->primaryKey(), QStringList{QStringLiteral("id")});
        QCOMPARE(message->outgoingForeignKeys().size(), 1);
        QCOMPARE(message->outgoingForeignKeys().first().referencedTable,
                 QStringLiteral("explorer.author"));
        QCOMPARE(message->outgoingForeignKeys().first().referencedColumns,
                 QStringList{QStringLiteral("id")});

        // The other direction: author is referenced by message.
        const Result<ObjectDetails> author =
            wait(loadObjectDetails(m_pg, *catalog->find(QStringLiteral("explorer.author"))));
        QVERIFY(author.ok());
        QCOMPARE(author->incomingForeignKeys().size(), 1);
        QCOMPARE(author->incomingForeignKeys().first().table, QStringLiteral("explorer.message"));
        QCOMPARE(author->incomingForeignKeys().first().columns,
                 QStringList{QStringLiteral("author_id")});
        QCOMPARE(author->columns.at(1).comment, QStringLiteral("shown on every message"));
        QVERIFY(!author->grants.isEmpty());

        // The DDL it builds creates the same table again.
        QString ddl = author->ddl();
        QVERIFY2(ddl.contains(QStringLiteral(
                     "COMMENT ON TABLE \"explorer\".\"author\" IS 'people who write'")),
                 qPrintable(ddl));
        ddl.replace(QStringLiteral("\"explorer\".\"author\""),
                    QStringLiteral("\"explorer\".\"author_copy\""));
        ddl.replace(QStringLiteral("ON explorer.author "),
                    QStringLiteral("ON explorer.author_copy "));
        ddl.replace(QStringLiteral("CONSTRAINT \"author_"), QStringLiteral("CONSTRAINT \"copy_"));
        for (const QString &statement : SqlConsole::splitStatements(ddl)) {
            const Result<PgResultSet> r = wait(m_pg.query(statement));
            QVERIFY2(r.ok(), qPrintable(statement + QStringLiteral(": ") + r.errorString()));
        }
        QCOMPARE(column(wait(m_pg.query(
                     QStringLiteral("select count(*) from pg_attribute where attrelid = "
                                    "'explorer.author_copy'::regclass and attnum > 0")))),
                 QStringList{QStringLiteral("3")});
    }

    void pagesByKeyGiveTheRowsOfAPlainOrderBy_data()
    {
        QTest::addColumn<QString>("sort");
        QTest::addColumn<bool>("descending");
        QTest::addColumn<bool>("filtered");
        QTest::newRow("by key") << QString() << false << false;
        QTest::newRow("by key, descending") << QString() << true << false;
        QTest::newRow("by a column with NULLs and ties")
            << QStringLiteral("score") << false << false;
        QTest::newRow("same, descending") << QStringLiteral("score") << true << false;
        QTest::newRow("filtered") << QStringLiteral("score") << false << true;
    }

    void pagesByKeyGiveTheRowsOfAPlainOrderBy()
    {
        QFETCH(QString, sort);
        QFETCH(bool, descending);
        QFETCH(bool, filtered);
        GridQuery q;
        q.schema = QStringLiteral("explorer");
        q.table = QStringLiteral("message");
        q.columns =
            QStringList{QStringLiteral("id"), QStringLiteral("author_id"), QStringLiteral("body"),
                        QStringLiteral("score"), QStringLiteral("created")};
        q.keyColumns = QStringList{QStringLiteral("id")};
        q.sortColumn = sort;
        q.descending = descending;
        QString where;
        if (filtered) {
            q.filters << GridFilter{QStringLiteral("body"), GridFilter::Op::Contains,
                                    QStringLiteral("1_%")};
            q.filters << GridFilter{QStringLiteral("author_id"), GridFilter::Op::Less,
                                    QStringLiteral("30")};
            // "1_%" is taken literally, not as LIKE wildcards: no body contains it.
            QVERIFY(walk(m_pg, q, false, 97).isEmpty());
            q.filters.first().value = QStringLiteral("message 1");
            where = QStringLiteral(" where body ilike '%message 1%' and author_id < 30");
        }
        const QString dir = descending ? QStringLiteral(" desc") : QStringLiteral(" asc");
        const QString order = sort.isEmpty() ? QString(QStringLiteral("id") + dir)
                                             : sort + dir + QStringLiteral(" nulls last, id") + dir;
        const QStringList expected = column(wait(m_pg.query(
            QStringLiteral("select id from explorer.message%1 order by %2").arg(where, order))));
        QVERIFY(expected.size() > 100);
        QCOMPARE(walk(m_pg, q, false, 97), expected);
        QCOMPARE(walk(m_pg, q, true, 97), expected);
    }

    void aTableWithoutKeyPagesByCtid()
    {
        GridQuery q;
        q.schema = QStringLiteral("explorer");
        q.table = QStringLiteral("keyless");
        q.columns = QStringList{QStringLiteral("a"), QStringLiteral("b")};
        QVERIFY(q.byCtid());
        const QStringList expected = column(
            wait(m_pg.query(QStringLiteral("select a from explorer.keyless order by ctid"))));
        QCOMPARE(expected.size(), 3000);
        QCOMPARE(walk(m_pg, q, false, 250), expected);
        QCOMPARE(walk(m_pg, q, true, 250), expected);
    }

    void theConsoleCannotWriteNorBeTurnedIntoAWriter()
    {
        PgConnection console(TestServices::pgConninfo(), PgSessionSettings::console());
        QVERIFY(wait(console.open()).ok());
        const auto count = [this] {
            return column(wait(m_pg.query(QStringLiteral("select count(*) from explorer.author"))));
        };
        const QStringList before = count();
        const Result<ConsoleAnswer> deleted =
            wait(SqlConsole::run(console, QStringLiteral("delete from explorer.author"), 100));
        QVERIFY(!deleted.ok());
        QCOMPARE(deleted.errorString(),
                 QStringLiteral("cannot execute DELETE in a read-only transaction"));
        // Each statement's SET dies with its own transaction.
        QVERIFY(wait(SqlConsole::run(
                         console, QStringLiteral("set default_transaction_read_only = off"), 100))
                    .ok());
        QVERIFY(wait(SqlConsole::run(
                         console,
                         QStringLiteral(
                             "select set_config('default_transaction_read_only', 'off', false)"),
                         100))
                    .ok());
        QVERIFY(!wait(SqlConsole::run(
                          console,
                          QStringLiteral("insert into explorer.author (name) values ('x')"), 100))
                     .ok());
        QVERIFY(
            !wait(SqlConsole::run(
                      console,
                      QStringLiteral(
                          "with d as (delete from explorer.author returning *) select * from d"),
                      100))
                 .ok());
        QCOMPARE(count(), before);
    }

    void aQueryIsReadThroughACursorPageByPage()
    {
        PgConnection console(TestServices::pgConninfo(), PgSessionSettings::console());
        QVERIFY(wait(console.open()).ok());
        Result<ConsoleAnswer> a = wait(SqlConsole::run(
            console,
            QStringLiteral("select i, i::numeric / 3 as third from generate_series(1, 2500) i"),
            1000));
        QVERIFY2(a.ok(), qPrintable(a.errorString()));
        QCOMPARE(a->rows.rowCount(), 1000);
        QVERIFY(a->more);
        QCOMPARE(a->rows.rows.at(0).at(1).toString(),
                 QStringLiteral("0.33333333333333333333")); // exact text
        a = wait(SqlConsole::fetchMore(console, 1000));
        QCOMPARE(a->rows.rows.at(0).at(0).toString(), QStringLiteral("1001"));
        a = wait(SqlConsole::fetchMore(console, 1000));
        QCOMPARE(a->rows.rowCount(), 500);
        QVERIFY(!a->more);
        // The cursor's transaction is over: the session runs the next statement normally.
        QVERIFY(
            wait(SqlConsole::run(console, QStringLiteral("show transaction_read_only"), 10)).ok());
        const Result<PgResultSet> state = wait(console.query(
            QStringLiteral("select count(*) from pg_cursors where name = 'opsdeck_console'")));
        QCOMPARE(state->value(0, QStringLiteral("count")).toInt(), 0);
    }

    void csvComesFromTheServerChunkByChunk()
    {
        PgConnection console(TestServices::pgConninfo(), PgSessionSettings::console());
        QVERIFY(wait(console.open()).ok());
        auto received = std::make_shared<QByteArray>();
        auto chunks = std::make_shared<int>(0);
        auto sink = [received, chunks](const char *data, int size) { // on the session's thread
            received->append(data, size);
            ++*chunks;
        };
        Result<PgResultSet> copied = wait(SqlConsole::copyCsv(
            console,
            QStringLiteral("select id, body, score from explorer.message order by id -- why\n;"),
            sink));
        QVERIFY2(copied.ok(), qPrintable(copied.errorString()));
        QCOMPARE(copied->commandStatus, QStringLiteral("COPY 5000"));
        QVERIFY(*chunks > 1); // streamed, not one block at the end
        const QList<QByteArray> lines = received->split('\n');
        QCOMPARE(lines.size(), 5002); // header, 5000 rows, the last newline
        QCOMPARE(lines.at(0), QByteArray("id,body,score"));
        QCOMPARE(lines.at(7), QByteArray("7,message 7,")); // NULL: nothing
        received->clear();
        copied = wait(SqlConsole::copyCsv(
            console, QStringLiteral("select '' as empty, 'a,\"b' as quoted"), sink));
        QCOMPARE(*received, QByteArray("empty,quoted\n\"\",\"a,\"\"b\"\n"));
        // Errors are PostgreSQL's; a write is refused (read only); the session goes on.
        copied =
            wait(SqlConsole::copyCsv(console, QStringLiteral("select * from explorer.nope"), sink));
        QVERIFY(copied.errorString().contains(QStringLiteral("does not exist")));
        copied = wait(SqlConsole::copyCsv(
            console,
            QStringLiteral(
                "with gone as (delete from explorer.author returning id) select * from gone"),
            sink));
        QVERIFY(copied.errorString().contains(QStringLiteral("read-only")));
        const Result<PgResultSet> after = wait(console.query(
            QStringLiteral("select count(*) as n, current_setting('transaction_read_only') as ro"
                           " from explorer.author")));
        QVERIFY2(after.ok(), qPrintable(after.errorString()));
        QCOMPARE(after->value(0, QStringLiteral("n")).toInt(), 50);
        QCOMPARE(after->value(0, QStringLiteral("ro")).toString(), QStringLiteral("on"));
    }

    void cancelStopsALongQuery()
    {
        PgConnection console(TestServices::pgConninfo(), PgSessionSettings::console());
        QVERIFY(wait(console.open()).ok());
        QElapsedTimer clock;
        clock.start();
        QFuture<Result<ConsoleAnswer>> sleeping =
            SqlConsole::run(console, QStringLiteral("select pg_sleep(30)"), 10);
        QTest::qWait(300);
        console.cancel();
        const Result<ConsoleAnswer> answer = wait(sleeping);
        QVERIFY(!answer.ok());
        QCOMPARE(answer.errorString(), QStringLiteral("canceling statement due to user request"));
        QVERIFY2(clock.elapsed() < 20'000, "the sleep ran to its end"); // generous: ASan, 2 cores
        QVERIFY(wait(SqlConsole::run(console, QStringLiteral("select 1"), 10)).ok());
    }

    void thePlanTreeIsPostgresqlsJson()
    {
        const QString sql =
            QStringLiteral("select a.name, count(*) from explorer.message m join"
                           " explorer.author a on a.id = m.author_id group by a.name");
        const Result<PgResultSet> raw =
            wait(m_pg.query(explainStatement(sql, true), {}, PgValues::Text));
        QVERIFY(raw.ok());
        const QString json = raw->rows.value(0).value(0).toString();
        const Result<QueryPlanTree> parsed = parseExplainJson(json.toUtf8());
        QVERIFY2(parsed.ok(), qPrintable(parsed.errorString()));
        QCOMPARE(parsed->nodeCount, int(json.count(QStringLiteral("\"Node Type\""))));
        QVERIFY(parsed->hasActuals);
        QVERIFY(parsed->hasBuffers);
        // The self times add up to the root's total.
        double self = 0;
        std::function<void(const PlanNode &)> add = [&](const PlanNode &n) {
            self += n.exclusiveMs;
            for (const PlanNode &c : n.children)
                add(c);
        };
        add(parsed->root);
        QVERIFY(qAbs(self - parsed->root.actualTotalMs * parsed->root.loops) < 0.01);
        QVERIFY(parsed->mostExpensive());

        // Through the console: the same plan shape, read-only, without ANALYZE unless asked.
        PgConnection console(TestServices::pgConninfo(), PgSessionSettings::console());
        QVERIFY(wait(console.open()).ok());
        const Result<QueryPlanTree> estimated = wait(SqlConsole::explain(console, sql, false));
        QVERIFY2(estimated.ok(), qPrintable(estimated.errorString()));
        QVERIFY(!estimated->hasActuals);
        QCOMPARE(estimated->nodeCount, parsed->nodeCount);
        const Result<QueryPlanTree> analyzedWrite =
            wait(SqlConsole::explain(console, QStringLiteral("delete from explorer.author"), true));
        QVERIFY(!analyzedWrite.ok()); // ANALYZE runs it, and the session is read-only
        // $1 statements (pg_stat_statements, pg_stat_activity): their generic plan, and the
        // session is left without the prepared statement.
        const QString placeholders = QStringLiteral(
            "select * from explorer.message where author_id = $1 and id > $2 and '$9' <> ''");
        QCOMPARE(SqlConsole::parameterCount(placeholders), 2);
        const Result<QueryPlanTree> generic =
            wait(SqlConsole::explain(console, placeholders, false));
        QVERIFY2(generic.ok(), qPrintable(generic.errorString()));
        QVERIFY(!generic->hasActuals);
        const Result<PgResultSet> prepared = wait(console.query(
            QStringLiteral("select count(*) from pg_prepared_statements"), {}, PgValues::Text));
        QVERIFY(prepared.ok());
        QCOMPARE(prepared->rows.value(0).value(0).toString(), QStringLiteral("0"));
        QVERIFY(wait(SqlConsole::explain(console, placeholders, false)).ok()); // again
        const Result<QueryPlanTree> analyzedGeneric =
            wait(SqlConsole::explain(console, placeholders, true));
        QVERIFY(!analyzedGeneric.ok());
        QVERIFY(analyzedGeneric.errorString().contains(QLatin1String("placeholders")));
        const Result<QueryPlanTree> badGeneric = wait(
            SqlConsole::explain(console, QStringLiteral("select * from nope where a = $1"), false));
        QVERIFY(!badGeneric.ok());
        QVERIFY2(badGeneric.errorString().contains(QLatin1String("\"nope\" does not exist")),
                 qPrintable(badGeneric.errorString()));

        QVERIFY(!parseExplainJson("[{\"Plan\": {}}]").ok());
        QVERIFY(!parseExplainJson("not json").ok());
    }

    void statementsAreSplitAroundQuotesCommentsAndDollarQuotes()
    {
        const QString text = QStringLiteral(
            "select 'a;b' as x; -- one; two\nselect $$ ; $$ /* ; /* nested ; */ */;\n"
            "select \"semi;colon\" from t;\n");
        QCOMPARE(SqlConsole::splitStatements(text),
                 (QStringList{QStringLiteral("select 'a;b' as x"),
                              QStringLiteral("-- one; two\nselect $$ ; $$ /* ; /* nested ; */ */"),
                              QStringLiteral("select \"semi;colon\" from t")}));
        QCOMPARE(SqlConsole::statementAt(text, 3), QStringLiteral("select 'a;b' as x"));
        QCOMPARE(SqlConsole::statementAt(text, int(text.indexOf(QStringLiteral("nested")))),
                 QStringLiteral("-- one; two\nselect $$ ; $$ /* ; /* nested ; */ */"));
        // After the last semicolon: the statement just written.
        QCOMPARE(SqlConsole::statementAt(text, int(text.size())),
                 QStringLiteral("select \"semi;colon\" from t"));
        QVERIFY(SqlConsole::isQuery(QStringLiteral("  -- c\n(select 1)")));
        QVERIFY(SqlConsole::isQuery(QStringLiteral("WITH x AS (select 1) select * from x")));
        QVERIFY(!SqlConsole::isQuery(QStringLiteral("update t set a = 1")));
        QVERIFY(!SqlConsole::isQuery(QStringLiteral("show all")));
    }

    void theHistoryOnDiskLeavesSecretsOut()
    {
        QVERIFY(SqlConsole::mayRemember(QStringLiteral("select * from auth_user where id = 1")));
        QVERIFY(!SqlConsole::mayRemember(QStringLiteral("ALTER ROLE app PASSWORD 'x'")));
        QVERIFY(!SqlConsole::mayRemember(
            QStringLiteral("select pgp_sym_encrypt('card', 'k3y') from t")));
        QVERIFY(!SqlConsole::mayRemember(QStringLiteral("update api set api_key = 'abc'")));
        QVERIFY(!SqlConsole::mayRemember(QString(30'000, QLatin1Char('x'))));
    }

private:
    PgConnection m_pg{TestServices::pgConninfo(), PgSessionSettings::action()};
};

QTEST_GUILESS_MAIN(TestDbExplorer)
#include "tst_dbexplorer.moc"
