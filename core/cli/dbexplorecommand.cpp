// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbexplorecommand.h"

#include "common/csv.h"

#include "actions/actionpipeline.h"
#include "cliconfirmer.h"
#include "common/formatting.h"
#include "csvcopy.h"
#include "dbexplorer/explainplan.h"
#include "dbexplorer/schemacatalog.h"
#include "dbexplorer/sqlconsole.h"
#include "dbexplorer/tabledetails.h"
#include "environmentsession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

const char kDbExploreUsage[] =
    "opsdeck db tables ENV [--json] [--schema NAME] [--exact]\n"
    "       opsdeck db describe ENV TABLE [--json] [--ddl]\n"
    "       opsdeck db query ENV SQL [--csv|--json] [--write [--yes] [-m COMMENT]]\n"
    "       opsdeck db explain ENV SQL [--analyze] [--json]";

namespace {

// Rows per FETCH while streaming a query: big enough that round trips do not dominate, small
// enough that memory stays flat whatever the result's size.
constexpr int kStreamBatch = 10'000;
constexpr int kTextRows = 1'000; // the aligned text output shows this many, then says so

struct Options
{
    QString sub;
    QString environment;
    QString object; // TABLE or SQL
    bool json = false;
    bool csv = false;
    bool ddl = false;
    bool write = false;
    bool analyze = false;
    bool exact = false; // sizes from the size functions, not the statistics
    bool yes = false;
    QString comment;
    QString schema;
};

std::optional<Options> parse(CliContext &ctx)
{
    Options o;
    o.sub = ctx.args.value(0);
    const QStringList args = ctx.args.mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--json"))
            o.json = true;
        else if (a == QLatin1String("--csv"))
            o.csv = true;
        else if (a == QLatin1String("--ddl"))
            o.ddl = true;
        else if (a == QLatin1String("--write"))
            o.write = true;
        else if (a == QLatin1String("--analyze"))
            o.analyze = true;
        else if (a == QLatin1String("--exact"))
            o.exact = true;
        else if (a == QLatin1String("--yes"))
            o.yes = true;
        else if ((a == QLatin1String("-m") || a == QLatin1String("--comment")) &&
                 i + 1 < args.size())
            o.comment = args[++i];
        else if (a == QLatin1String("--schema") && i + 1 < args.size())
            o.schema = args[++i];
        else if (o.environment.isEmpty() && !a.startsWith(QLatin1Char('-')))
            o.environment = a;
        else if (o.object.isEmpty() &&
                 (!a.startsWith(QLatin1Char('-')) || a.contains(QLatin1Char(' '))))
            o.object = a;
        else {
            ctx.err << "opsdeck db " << o.sub << ": unexpected '" << a
                    << "'\nusage: " << kDbExploreUsage << "\n";
            return std::nullopt;
        }
    }
    if (o.environment.isEmpty() || (o.sub != QLatin1String("tables") && o.object.isEmpty())) {
        ctx.err << "opsdeck db " << o.sub << ": "
                << (o.environment.isEmpty() ? "which environment?" : "what?")
                << "\nusage: " << kDbExploreUsage << "\n";
        return std::nullopt;
    }
    return o;
}

/** The environment's session in the role asked for, or the error printed. */
std::unique_ptr<EnvironmentSession> openSession(CliContext &ctx, const Options &o)
{
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), o.environment);
    if (!session) {
        ctx.err << "opsdeck db " << o.sub << ": " << session.errorString() << "\n";
        return nullptr;
    }
    return std::move(session.value());
}

/** Opens the session and its connection in `role` into `session`; nullptr with the error
 * printed. */
PgConnection *openDatabase(CliContext &ctx, const Options &o, EnvironmentSession::Role role,
                           std::unique_ptr<EnvironmentSession> &session)
{
    session = openSession(ctx, o);
    if (!session)
        return nullptr;
    const Result<PgConnection *> db = session->database(role);
    if (!db) {
        ctx.err << "opsdeck db " << o.sub << ": " << db.errorString() << "\n";
        return nullptr;
    }
    return *db;
}

QString sizeText(qint64 bytes)
{
    return bytes < 0 ? QStringLiteral("-") : formatBytes(bytes);
}

QString rowsText(double estimate)
{
    return estimate < 0 ? QStringLiteral("?") : QString::number(qint64(estimate));
}

int runTables(CliContext &ctx, const Options &o)
{
    std::unique_ptr<EnvironmentSession> session;
    PgConnection *db = openDatabase(ctx, o, EnvironmentSession::Role::Monitoring, session);
    if (!db)
        return ExitCode::Failure;
    const Result<SchemaCatalog> catalog = EnvironmentSession::wait(
        loadSchemaCatalog(*db, o.exact ? SizeSource::Exact : SizeSource::Statistics));
    if (!catalog) {
        ctx.err << "opsdeck db tables: " << catalog.errorString() << "\n";
        return ExitCode::Failure;
    }
    QJsonArray json;
    QList<QStringList> rows{{QStringLiteral("SCHEMA"), QStringLiteral("NAME"),
                             QStringLiteral("KIND"), QStringLiteral("ROWS (EST.)"),
                             QStringLiteral("TOTAL"), QStringLiteral("TABLE"),
                             QStringLiteral("INDEXES"), QStringLiteral("TOAST")}};
    for (const CatalogObject &t : catalog->objects) {
        if (!t.isRelation() || (!o.schema.isEmpty() && t.schema != o.schema))
            continue;
        json.append(QJsonObject{{QStringLiteral("schema"), t.schema},
                                {QStringLiteral("name"), t.name},
                                {QStringLiteral("kind"), catalogKindName(t.kind)},
                                {QStringLiteral("estimated_rows"), t.estimatedRows},
                                {QStringLiteral("total_bytes"), t.totalBytes},
                                {QStringLiteral("table_bytes"), t.tableBytes},
                                {QStringLiteral("index_bytes"), t.indexBytes},
                                {QStringLiteral("toast_bytes"), t.toastBytes},
                                {QStringLiteral("sizes_estimated"), t.sizesEstimated},
                                {QStringLiteral("comment"), t.comment}});
        rows << QStringList{t.schema,
                            t.name,
                            catalogKindName(t.kind),
                            rowsText(t.estimatedRows),
                            sizeText(t.totalBytes),
                            sizeText(t.tableBytes),
                            sizeText(t.indexBytes),
                            sizeText(t.toastBytes)};
    }
    if (o.json) {
        ctx.out << QJsonDocument(json).toJson(QJsonDocument::Indented);
    } else {
        ctx.out << formatColumns(rows);
        if (!o.exact)
            ctx.out << "(sizes from the statistics, as of the last VACUUM or ANALYZE; --exact "
                       "reads the files)\n";
    }
    return ExitCode::Ok;
}

QJsonObject detailsJson(const ObjectDetails &d)
{
    QJsonArray columns, indexes, constraints;
    for (const ColumnInfo &c : d.columns)
        columns.append(QJsonObject{{QStringLiteral("name"), c.name},
                                   {QStringLiteral("type"), c.type},
                                   {QStringLiteral("not_null"), c.notNull},
                                   {QStringLiteral("default"), c.defaultValue},
                                   {QStringLiteral("comment"), c.comment}});
    for (const IndexInfo &i : d.indexes)
        indexes.append(QJsonObject{{QStringLiteral("name"), i.name},
                                   {QStringLiteral("definition"), i.definition},
                                   {QStringLiteral("bytes"), i.bytes},
                                   {QStringLiteral("scans"), i.scans}});
    for (const ConstraintInfo &c : d.constraints)
        constraints.append(QJsonObject{{QStringLiteral("name"), c.name},
                                       {QStringLiteral("type"), QString(QLatin1Char(c.type))},
                                       {QStringLiteral("table"), c.table},
                                       {QStringLiteral("definition"), c.definition}});
    return QJsonObject{{QStringLiteral("schema"), d.object.schema},
                       {QStringLiteral("name"), d.object.name},
                       {QStringLiteral("kind"), catalogKindName(d.object.kind)},
                       {QStringLiteral("owner"), d.owner},
                       {QStringLiteral("columns"), columns},
                       {QStringLiteral("indexes"), indexes},
                       {QStringLiteral("constraints"), constraints},
                       {QStringLiteral("ddl"), d.ddl()}};
}

void printDetails(QTextStream &out, const ObjectDetails &d)
{
    out << catalogKindName(d.object.kind) << " " << d.object.qualifiedName() << " (owner "
        << d.owner << ")\n";
    if (!d.lockedBy.isEmpty())
        out << "ACCESS EXCLUSIVE lock: " << d.lockedBy
            << " (expressions and index definitions not read, so as not to wait)\n";
    out << "\n";
    QList<QStringList> columns{{QStringLiteral("COLUMN"), QStringLiteral("TYPE"),
                                QStringLiteral("NULL"), QStringLiteral("DEFAULT")}};
    for (const ColumnInfo &c : d.columns)
        columns << QStringList{c.name, c.type, c.notNull ? QStringLiteral("not null") : QString(),
                               c.defaultValue};
    out << formatColumns(columns);
    if (!d.indexes.isEmpty())
        out << "\nIndexes:\n";
    for (const IndexInfo &i : d.indexes)
        out << "  "
            << (i.definition.startsWith(QLatin1String("CREATE"))
                    ? i.definition
                    : i.name + QStringLiteral(": ") + i.definition)
            << "  (" << formatBytes(i.bytes) << ", " << i.scans << " scans)\n";
    const auto printConstraints = [&](const char *title, const QList<ConstraintInfo> &list) {
        if (!list.isEmpty())
            out << "\n" << title << ":\n";
        for (const ConstraintInfo &c : list)
            out << "  " << c.name << ": "
                << (c.tableOid == d.object.oid ? QString() : c.table + QLatin1Char(' '))
                << c.definition << "\n";
    };
    QList<ConstraintInfo> own;
    for (const ConstraintInfo &c : d.constraints)
        if (!c.isForeignKey() && c.tableOid == d.object.oid)
            own << c;
    printConstraints("Constraints", own);
    printConstraints("Foreign keys", d.outgoingForeignKeys());
    printConstraints("Referenced by", d.incomingForeignKeys());
    if (!d.triggers.isEmpty())
        out << "\nTriggers:\n";
    for (const TriggerInfo &t : d.triggers)
        out << "  " << t.definition << (t.enabled ? "" : "  (disabled)") << "\n";
    if (!d.policies.isEmpty())
        out << "\nPolicies" << (d.rowSecurity ? "" : " (row security is off)") << ":\n";
    for (const PolicyInfo &p : d.policies)
        out << "  " << p.name << ": " << p.command << " to " << p.roles << " using "
            << p.usingExpression << "\n";
    if (!d.grants.isEmpty())
        out << "\nGrants:\n";
    for (const GrantInfo &g : d.grants)
        out << "  " << g.grantee << ": " << g.privileges << "\n";
}

int runDescribe(CliContext &ctx, const Options &o)
{
    std::unique_ptr<EnvironmentSession> session;
    PgConnection *db = openDatabase(ctx, o, EnvironmentSession::Role::Monitoring, session);
    if (!db)
        return ExitCode::Failure;
    const Result<SchemaCatalog> catalog = EnvironmentSession::wait(loadSchemaCatalog(*db));
    const CatalogObject *object = catalog ? catalog->find(o.object) : nullptr;
    if (!object) {
        ctx.err << "opsdeck db describe: "
                << (catalog ? QStringLiteral("no table or view named ") + o.object
                            : catalog.errorString())
                << "\n";
        return ExitCode::Failure;
    }
    const Result<ObjectDetails> details = EnvironmentSession::wait(loadObjectDetails(*db, *object));
    if (!details) {
        ctx.err << "opsdeck db describe: " << details.errorString() << "\n";
        return ExitCode::Failure;
    }
    if (o.ddl)
        ctx.out << details->ddl();
    else if (o.json)
        ctx.out << QJsonDocument(detailsJson(*details)).toJson(QJsonDocument::Indented);
    else
        printDetails(ctx.out, *details);
    return ExitCode::Ok;
}

/** Streams a query's rows: CSV or JSON lines as they come, or an aligned first page. */
class RowPrinter
{
public:
    RowPrinter(QTextStream &out, const Options &o)
        : m_out(out)
        , m_o(o)
    {}

    void add(const PgResultSet &rows)
    {
        if (m_first && m_o.csv) {
            QStringList header;
            for (const QString &c : rows.columns)
                header << csvField(c);
            m_out << header.join(QLatin1Char(',')) << "\n";
        }
        if (m_first && m_o.json)
            m_out << "[";
        if (m_first && !m_o.csv && !m_o.json)
            m_table << rows.columns;
        for (const QList<QVariant> &row : rows.rows)
            print(rows.columns, row);
        m_first = false;
        m_count += rows.rowCount();
    }

    void finish(const QString &status, bool cut)
    {
        if (m_o.json)
            m_out << (m_first ? "[" : "") << "\n]\n";
        else if (!m_o.csv) {
            if (!m_table.isEmpty())
                m_out << formatColumns(m_table);
            if (cut)
                m_out << "(the first " << kTextRows << " rows; --csv or --json streams them all)\n";
            else if (!status.isEmpty())
                m_out << status << "\n";
        }
    }

private:
    void print(const QStringList &columns, const QList<QVariant> &row)
    {
        if (m_o.csv) {
            m_line.clear();
            for (qsizetype c = 0; c < row.size(); ++c) {
                if (c > 0)
                    m_line += QLatin1Char(',');
                m_line += csvField(row[c]);
            }
            m_line += QLatin1Char('\n');
            m_out << m_line;
        } else if (m_o.json) {
            QJsonObject object;
            for (qsizetype c = 0; c < columns.size(); ++c)
                object.insert(columns[c],
                              row.value(c).isNull() ? QJsonValue() : QJsonValue(row[c].toString()));
            m_out << (m_firstRow ? "\n" : ",\n")
                  << QJsonDocument(object).toJson(QJsonDocument::Compact).trimmed();
            m_firstRow = false;
        } else if (m_table.size() <= kTextRows) {
            QStringList cells;
            for (const QVariant &v : row)
                cells << (v.isNull() ? QStringLiteral("NULL") : v.toString());
            m_table << cells;
        }
    }

    QTextStream &m_out;
    const Options &m_o;
    QList<QStringList> m_table;
    QString m_line; // reused: one allocation for a million CSV lines
    bool m_first = true;
    bool m_firstRow = true;
    qint64 m_count = 0;
};

int runReadQuery(CliContext &ctx, const Options &o, EnvironmentSession &session)
{
    const Result<PgConnection *> db = session.database(EnvironmentSession::Role::Console);
    if (!db) {
        ctx.err << "opsdeck db query: " << db.errorString() << "\n";
        return ExitCode::Failure;
    }
    if (o.csv && SqlConsole::isQuery(o.object))
        return copyQueryAsCsv(ctx, o.object, **db);
    const bool stream = o.csv || o.json;
    const int batch = stream ? kStreamBatch : kTextRows + 1;
    Result<ConsoleAnswer> answer = EnvironmentSession::wait(SqlConsole::run(**db, o.object, batch));
    RowPrinter printer(ctx.out, o);
    while (answer) {
        // The next batch is asked for before this one is printed: the server reads it while
        // we format, so streaming costs the slower of the two, not their sum.
        const bool fetchNext = answer->more && stream;
        QFuture<Result<ConsoleAnswer>> next;
        if (fetchNext)
            next = SqlConsole::fetchMore(**db, batch);
        printer.add(answer->rows);
        if (!fetchNext)
            break;
        answer = EnvironmentSession::wait(next);
    }
    if (!answer) {
        ctx.err << "opsdeck db query: " << answer.errorString() << "\n";
        return ExitCode::Failure;
    }
    if (answer->more)
        SqlConsole::closeCursor(**db);
    printer.finish(answer->rows.commandStatus, answer->more && !stream);
    return ExitCode::Ok;
}

/** --write: BEGIN, the statement, COMMIT — after the pipeline's confirmation and audit row. */
int runWriteQuery(CliContext &ctx, const Options &o, EnvironmentSession &session)
{
    ActionRequest request;
    request.kind = ActionKind::SqlWrite;
    request.workspace = session.workspace().name;
    request.environment = o.environment;
    request.isProtected = session.environment().isProtected;
    request.target = o.object.simplified().left(500);
    request.description = QStringLiteral("Run this statement on %1's database (%2), and commit:")
                              .arg(o.environment, session.databaseTarget());
    request.changes = o.object;
    request.comment = o.comment;
    ActionPipeline pipeline(session.context().auditLog(),
                            std::make_shared<CliConfirmer>(ctx.err, o.yes));
    int code = ExitCode::Failure;
    pipeline.submit(
        request,
        [&](const ActionRequest &, ActionPipeline::Finish finish) {
            const Result<PgConnection *> db = session.database(EnvironmentSession::Role::Action);
            if (!db) {
                finish(Result<QString>(db.error()));
                return;
            }
            const Result<PgResultSet> ran =
                EnvironmentSession::wait(SqlConsole::beginWrite(**db, o.object));
            const Result<QString> ended =
                EnvironmentSession::wait(SqlConsole::endWrite(**db, ran.ok()));
            if (!ran)
                finish(Result<QString>(ran.error()));
            else if (!ended)
                finish(Result<QString>(ended.error()));
            else
                finish(QString(ran->commandStatus + QStringLiteral(", ") + *ended));
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.ok()) {
                ctx.out << outcome.message << "\n";
                code = ExitCode::Ok;
            } else {
                ctx.err << "opsdeck db query: " << outcome.message << "\n";
                code = outcome.started() ? ExitCode::Problems : ExitCode::Failure;
            }
        });
    return code;
}

int runQuery(CliContext &ctx, const Options &o)
{
    auto session = openSession(ctx, o);
    if (!session)
        return ExitCode::Failure;
    return o.write ? runWriteQuery(ctx, o, *session) : runReadQuery(ctx, o, *session);
}

void printPlanNode(QTextStream &out, const QueryPlanTree &tree, const PlanNode &n, int depth)
{
    const QString indent(depth * 4, QLatin1Char(' '));
    out << indent << (depth ? "-> " : "") << n.title() << "  (cost " << n.totalCost << ", rows "
        << qint64(n.planRows);
    if (tree.hasActuals)
        out << " → " << qint64(n.actualRows) << (n.isMisestimated() ? " misestimated" : "") << ", "
            << qint64(n.loops) << (n.loops == 1 ? " loop" : " loops") << ", "
            << QString::number(n.exclusiveMs, 'f', 3) << " ms self";
    out << ", " << qRound(tree.share(n) * 100) << "%)\n";
    for (const QString &d : n.details)
        out << indent << (depth ? "      " : "  ") << d << "\n";
    if (tree.hasBuffers && (n.sharedHit || n.sharedRead))
        out << indent << (depth ? "      " : "  ") << "Buffers: shared hit=" << n.sharedHit
            << " read=" << n.sharedRead << "\n";
    for (const PlanNode &c : n.children)
        printPlanNode(out, tree, c, depth + 1);
}

int runExplain(CliContext &ctx, const Options &o)
{
    std::unique_ptr<EnvironmentSession> session;
    PgConnection *db = openDatabase(ctx, o, EnvironmentSession::Role::Console, session);
    if (!db)
        return ExitCode::Failure;
    const Result<QueryPlanTree> plan =
        EnvironmentSession::wait(SqlConsole::explain(*db, o.object, o.analyze));
    if (!plan) {
        ctx.err << "opsdeck db explain: " << plan.errorString() << "\n";
        return ExitCode::Failure;
    }
    if (o.json) {
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("nodes"), plan->nodeCount},
                                             {QStringLiteral("planning_ms"), plan->planningMs},
                                             {QStringLiteral("execution_ms"), plan->executionMs},
                                             {QStringLiteral("most_expensive"),
                                              plan->mostExpensive()->title()}})
                       .toJson(QJsonDocument::Indented);
        return ExitCode::Ok;
    }
    printPlanNode(ctx.out, *plan, plan->root, 0);
    ctx.out << "Planning: " << plan->planningMs << " ms";
    if (plan->hasActuals)
        ctx.out << ", execution: " << plan->executionMs << " ms";
    ctx.out << "; most expensive: " << plan->mostExpensive()->title() << "\n";
    return ExitCode::Ok;
}

} // namespace

std::optional<int> runDbExplore(CliContext &ctx)
{
    const QString sub = ctx.args.value(0);
    static const QStringList subs{QStringLiteral("tables"), QStringLiteral("describe"),
                                  QStringLiteral("query"), QStringLiteral("explain")};
    if (!subs.contains(sub))
        return std::nullopt;
    const std::optional<Options> o = parse(ctx);
    if (!o)
        return ExitCode::Usage;
    if (sub == QLatin1String("tables"))
        return runTables(ctx, *o);
    if (sub == QLatin1String("describe"))
        return runDescribe(ctx, *o);
    if (sub == QLatin1String("query"))
        return runQuery(ctx, *o);
    return runExplain(ctx, *o);
}

} // namespace Opsdeck
