// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbcommand.h"

#include "actions/actionpipeline.h"
#include "actions/databaseowner.h"
#include "audit/auditlog.h"
#include "backup/backupmanifest.h"
#include "backup/backupstore.h"
#include "cliconfirmer.h"
#include "common/formatting.h"
#include "dbbackupcommand.h"
#include "dbexplorecommand.h"
#include "dbhealth/activity.h"
#include "dbhealth/backendaction.h"
#include "dbhealth/healthrunner.h"
#include "dbhealth/slots.h"
#include "environmentsession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

namespace {

const char kUsage[] = "opsdeck db health ENV [--json] [--check NAME]...\n"
                      "       opsdeck db activity ENV [--json] [--active]\n"
                      "       opsdeck db cancel|terminate ENV PID [--yes] [-m COMMENT]\n"
                      "       opsdeck db drop-slot ENV SLOT [--yes] [-m COMMENT]";

QJsonObject toJson(const CheckResult &c)
{
    QJsonArray findings;
    for (const Finding &f : c.findings)
        findings.append(
            QJsonObject{{QStringLiteral("object"), f.object},
                        {QStringLiteral("severity"), verdictName(f.severity)},
                        {QStringLiteral("detail"), f.detail},
                        {QStringLiteral("fix"), f.fix},
                        {QStringLiteral("extra"), QJsonObject::fromVariantMap(f.extra)}});
    return QJsonObject{
        {QStringLiteral("name"), c.name},
        {QStringLiteral("server"), c.server.isEmpty() ? QStringLiteral("primary") : c.server},
        {QStringLiteral("title"), c.title},
        {QStringLiteral("verdict"), verdictName(c.verdict)},
        {QStringLiteral("summary"), c.summary},
        {QStringLiteral("explanation"), c.explanation},
        {QStringLiteral("thresholds"), QJsonObject::fromVariantMap(c.thresholds)},
        {QStringLiteral("error"), c.error},
        {QStringLiteral("fix_kind"),
         c.fixIsAdvice ? QStringLiteral("advice") : QStringLiteral("sql")},
        {QStringLiteral("findings"), findings}};
}

QString label(Verdict v)
{
    return verdictName(v).toUpper().leftJustified(15);
}

void printReport(QTextStream &out, const HealthReport &report)
{
    // Problems first, worst first; then the rest in catalogue order.
    QList<const CheckResult *> ordered;
    for (const CheckResult &c : report.checks)
        ordered << &c;
    std::stable_sort(
        ordered.begin(), ordered.end(),
        [](const CheckResult *a, const CheckResult *b) { return a->verdict > b->verdict; });
    for (const CheckResult *c : ordered) {
        out << label(c->verdict) << c->title;
        if (c->verdict == Verdict::Ok && c->findings.isEmpty()) {
            out << "\n";
            continue;
        }
        out << (c->findings.isEmpty() ? QStringLiteral(": ") + c->summary
                                      : QStringLiteral(" (%1)").arg(c->findings.size()))
            << "\n";
        for (const Finding &f : c->findings.mid(0, 10)) {
            out << QString(15, QLatin1Char(' ')) << f.object << ": " << f.detail << "\n";
            if (!f.fix.isEmpty())
                out << QString(17, QLatin1Char(' ')) << (c->fixIsAdvice ? "advice: " : "fix: ")
                    << f.fix << "\n";
        }
        if (c->findings.size() > 10)
            out << QString(15, QLatin1Char(' ')) << "... and " << c->findings.size() - 10
                << " more\n";
    }
    out << "\nResult: " << verdictName(report.overall()) << " (" << report.count(Verdict::Critical)
        << " critical, " << report.count(Verdict::Warning) << " warning, "
        << report.count(Verdict::NotRun) << " could not run, " << report.count(Verdict::Ok)
        << " ok, " << report.count(Verdict::Skipped) << " skipped)\n";
}

struct Options
{
    QString environment;
    bool json = false;
    QStringList checks;
    bool activeOnly = false;
    QString object; // the PID or slot acted on
    bool yes = false;
    QString comment;
};

std::optional<Options> parse(CliContext &ctx, const QStringList &args)
{
    Options o;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--json")) {
            o.json = true;
        } else if (args[i] == QLatin1String("--active")) {
            o.activeOnly = true;
        } else if (args[i] == QLatin1String("--check") && i + 1 < args.size()) {
            o.checks << args[++i];
        } else if (args[i] == QLatin1String("--yes")) {
            o.yes = true;
        } else if ((args[i] == QLatin1String("-m") || args[i] == QLatin1String("--comment")) &&
                   i + 1 < args.size()) {
            o.comment = args[++i];
        } else if (!args[i].startsWith(QLatin1Char('-')) && o.environment.isEmpty()) {
            o.environment = args[i];
        } else if (!args[i].startsWith(QLatin1Char('-')) && o.object.isEmpty()) {
            o.object = args[i];
        } else {
            ctx.err << "opsdeck db: unexpected '" << args[i] << "'\nusage: " << kUsage << "\n";
            return std::nullopt;
        }
    }
    if (o.environment.isEmpty()) {
        ctx.err << "opsdeck db: which environment?\nusage: " << kUsage << "\n";
        return std::nullopt;
    }
    return o;
}

/** Each replica's standby checks, or why it could not be reached. */
QList<CheckResult> replicasChecks(EnvironmentSession &env, const DatabaseSpec &spec,
                                  HealthRunner runner)
{
    runner.setServerRole(HealthRunner::ServerRole::Standby);
    QList<CheckResult> checks;
    for (const ReplicaSpec &replica : spec.replicas) {
        const Result<PgConnection *> db = env.replica(replica.name);
        if (!db) {
            checks << unreachableReplica(replica.name, db.errorString());
            continue;
        }
        checks << replicaChecks(EnvironmentSession::wait(runner.run(**db)), replica.name);
    }
    return checks;
}

int runHealth(CliContext &ctx, const Options &o)
{
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), o.environment);
    if (!session) {
        ctx.err << "opsdeck db health: " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    EnvironmentSession &env = **session;
    const std::optional<DatabaseSpec> &spec = env.environment().database;
    QList<CheckDefinition> checks;
    for (const CheckDefinition &c : builtinChecks())
        if (o.checks.isEmpty() || o.checks.contains(c.name))
            checks << c;
    const bool freshness =
        env.workspace().backups.isConfigured() &&
        (o.checks.isEmpty() || o.checks.contains(QStringLiteral("backup_freshness")));
    if (checks.isEmpty() && !freshness) {
        ctx.err << "opsdeck db health: no check named " << o.checks.join(QStringLiteral(", "))
                << "\n";
        return ExitCode::Usage;
    }
    HealthRunner runner(checks, spec ? spec->thresholds : QVariantMap());
    for (const QString &unknown : runner.unknownThresholds())
        ctx.err << "warning: database.thresholds: unknown threshold '" << unknown << "'\n";
    const Result<PgConnection *> db = env.database();
    if (!db) {
        ctx.err << "opsdeck db health: " << o.environment << ": " << db.errorString() << "\n";
        return ExitCode::Failure;
    }
    HealthReport report =
        checks.isEmpty() ? HealthReport{{}, QDateTime::currentDateTimeUtc(), (*db)->serverVersion()}
                         : EnvironmentSession::wait(runner.run(**db));
    if (spec)
        report.checks << replicasChecks(env, *spec, runner);
    if (freshness) { // from the manifests in the backups location, not from the server
        BackupStore store(env.workspace(), env.pool());
        const Result<QList<BackupManifest>> backups =
            EnvironmentSession::wait(store.list(o.environment));
        report.checks.append(
            backups ? backupFreshnessCheck(
                          *backups, o.environment, env.workspace().backups.maxAgeHours,
                          env.environment().isProtected, QDateTime::currentDateTimeUtc())
                    : backupsUnreadable(o.environment, store.location(), backups.errorString()));
    }
    if (o.json) {
        QJsonArray checksJson;
        for (const CheckResult &c : report.checks)
            checksJson.append(toJson(c));
        const QJsonObject root{{QStringLiteral("environment"), o.environment},
                               {QStringLiteral("database"), env.databaseTarget()},
                               {QStringLiteral("server_version"), report.serverVersion},
                               {QStringLiteral("taken_at"), report.takenAt.toString(Qt::ISODate)},
                               {QStringLiteral("verdict"), verdictName(report.overall())},
                               {QStringLiteral("checks"), checksJson}};
        ctx.out << QJsonDocument(root).toJson(QJsonDocument::Indented);
    } else {
        ctx.out << o.environment << ": " << env.databaseTarget() << ", PostgreSQL "
                << report.serverVersion / 10000 << "." << report.serverVersion % 10000;
        if (spec && !spec->replicas.isEmpty()) {
            QStringList names;
            for (const ReplicaSpec &replica : spec->replicas)
                names << replica.name;
            ctx.out << "; replicas " << names.join(QStringLiteral(", "));
        }
        ctx.out << "\n\n";
        printReport(ctx.out, report);
    }
    switch (report.overall()) {
    case Verdict::Critical:
        return 2;
    case Verdict::Warning:
        return 1;
    default:
        return 0;
    }
}

QString age(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("-");
    if (seconds < 60)
        return QString::number(seconds, 'f', 1) + QLatin1Char('s');
    const qint64 s = qint64(seconds);
    return s < 3600 ? QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'))
                    : QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10,
                                                                 QLatin1Char('0'));
}

int runActivity(CliContext &ctx, const Options &o)
{
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), o.environment);
    if (!session) {
        ctx.err << "opsdeck db activity: " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    const Result<PgConnection *> db = (*session)->database();
    if (!db) {
        ctx.err << "opsdeck db activity: " << o.environment << ": " << db.errorString() << "\n";
        return ExitCode::Failure;
    }
    const Result<PgResultSet> set =
        EnvironmentSession::wait((*db)->query(activitySql(!o.activeOnly)));
    if (!set) {
        ctx.err << "opsdeck db activity: " << set.errorString() << "\n";
        return ExitCode::Failure;
    }
    const QList<ActivityRow> rows = activityRows(*set);
    if (o.json) {
        QJsonArray array;
        for (const ActivityRow &a : rows) {
            QJsonArray blockers;
            for (int pid : a.blockedBy)
                blockers.append(pid);
            array.append(QJsonObject{{QStringLiteral("pid"), a.pid},
                                     {QStringLiteral("backend_start"), a.backendStartText},
                                     {QStringLiteral("user"), a.user},
                                     {QStringLiteral("database"), a.database},
                                     {QStringLiteral("application"), a.application},
                                     {QStringLiteral("client"), a.client},
                                     {QStringLiteral("state"), a.state},
                                     {QStringLiteral("wait_event"), a.waitEvent},
                                     {QStringLiteral("blocked_by"), blockers},
                                     {QStringLiteral("transaction_seconds"), a.transactionSeconds},
                                     {QStringLiteral("query_seconds"), a.querySeconds},
                                     {QStringLiteral("backend_type"), a.backendType},
                                     {QStringLiteral("query"), a.query}});
        }
        ctx.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return ExitCode::Ok;
    }
    ctx.out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                   .arg(QStringLiteral("PID"), 7)
                   .arg(QStringLiteral("USER"), -10)
                   .arg(QStringLiteral("DATABASE"), -16)
                   .arg(QStringLiteral("APPLICATION"), -18)
                   .arg(QStringLiteral("STATE"), -20)
                   .arg(QStringLiteral("WAIT"), -18)
                   .arg(QStringLiteral("BLOCKED BY"), -10)
                   .arg(QStringLiteral("XACT"), 7)
                   .arg(QStringLiteral("QUERY"));
    for (const ActivityRow &a : rows) {
        if (a.backendType != QLatin1String("client backend"))
            continue;
        QStringList blockers;
        for (int pid : a.blockedBy)
            blockers << QString::number(pid);
        ctx.out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                       .arg(a.pid, 7)
                       .arg(a.user.left(10), -10)
                       .arg(a.database.left(16), -16)
                       .arg(a.application.left(18), -18)
                       .arg(a.state.left(20), -20)
                       .arg(a.waitEvent.left(18), -18)
                       .arg(blockers.join(QLatin1Char(',')).left(10), -10)
                       .arg(age(a.transactionSeconds), 7)
                       .arg(a.query.simplified().left(80));
    }
    return ExitCode::Ok;
}

/** Runs one database action through the pipeline; the exit code. */
int act(CliContext &ctx, EnvironmentSession &session, const Options &o, ActionRequest request,
        const std::function<QFuture<Result<QString>>(PgConnection &)> &action)
{
    const QString command = QStringLiteral("opsdeck db ") + ctx.args.value(0);
    request.workspace = session.workspace().name;
    request.comment = o.comment;
    ActionPipeline pipeline(AuditLog::shared(), std::make_shared<CliConfirmer>(ctx.err, o.yes));
    int code = ExitCode::Failure;
    pipeline.submit(
        request,
        [&](const ActionRequest &, ActionPipeline::Finish finish) {
            const Result<PgConnection *> db = session.database(EnvironmentSession::Role::Action);
            finish(db ? EnvironmentSession::wait(action(**db)) : Result<QString>(db.error()));
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.ok()) {
                ctx.out << request.target << ": " << outcome.message << "\n";
                code = ExitCode::Ok;
            } else {
                ctx.err << command << ": " << outcome.message << "\n";
                code = outcome.started() ? ExitCode::Problems : ExitCode::Failure;
            }
        });
    return code;
}

/** `db cancel|terminate ENV PID`: as the Activity tab's buttons, with the same rule. */
int runSignal(CliContext &ctx, const Options &o, BackendSignal signal)
{
    const QString command = QStringLiteral("opsdeck db ") + ctx.args.value(0);
    bool isNumber = false;
    const int pid = o.object.toInt(&isNumber);
    if (!isNumber) {
        ctx.err << command << ": which backend? (a PID from opsdeck db activity)\nusage: " << kUsage
                << "\n";
        return ExitCode::Usage;
    }
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), o.environment);
    if (!session) {
        ctx.err << command << ": " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    const Result<PgConnection *> db = (*session)->database();
    const Result<PgResultSet> set = db ? EnvironmentSession::wait((*db)->query(activitySql(true)))
                                       : Result<PgResultSet>(db.error());
    if (!set) {
        ctx.err << command << ": " << set.errorString() << "\n";
        return ExitCode::Failure;
    }
    const QList<ActivityRow> rows = activityRows(*set);
    const auto row = std::find_if(rows.cbegin(), rows.cend(),
                                  [pid](const ActivityRow &r) { return r.pid == pid; });
    if (row == rows.cend()) {
        ctx.err << command << ": no backend with PID " << pid << " on this server\n";
        return ExitCode::Failure;
    }
    // Protected as the environment that owns the backend's database, wherever it was asked.
    const DatabaseOwner owner =
        databaseOwner((*session)->workspace(), (*session)->environment(), row->database);
    ActionRequest request;
    request.kind =
        signal == BackendSignal::Terminate ? ActionKind::TerminateBackend : ActionKind::CancelQuery;
    request.environment = owner.environment;
    request.isProtected = owner.isProtected;
    request.target = QStringLiteral("pid %1 (%2, %3, %4, started %5)")
                         .arg(row->pid)
                         .arg(row->user, row->application, row->database, row->backendStartText);
    request.before = row->state + QStringLiteral(": ") + row->query.simplified().left(200);
    request.description = QStringLiteral("%1 backend %2 (%3, %4) on database %5 of %6")
                              .arg(ruleFor(request.kind).label)
                              .arg(row->pid)
                              .arg(row->user, row->application, row->database, owner.environment);
    request.changes = backendActionChanges(*row);
    const QString started = row->backendStartText;
    return act(ctx, **session, o, request, [pid, started, signal](PgConnection &pg) {
        return signalBackend(pg, pid, started, signal);
    });
}

/** `db drop-slot ENV SLOT`: an inactive slot, protected as its database's environment. */
int runDropSlot(CliContext &ctx, const Options &o)
{
    const QString command = QStringLiteral("opsdeck db drop-slot");
    if (o.object.isEmpty()) {
        ctx.err << command << ": which slot?\nusage: " << kUsage << "\n";
        return ExitCode::Usage;
    }
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), o.environment);
    if (!session) {
        ctx.err << command << ": " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    const Result<PgConnection *> db = (*session)->database();
    const Result<PgResultSet> set =
        db ? EnvironmentSession::wait((*db)->query(slotsSql())) : Result<PgResultSet>(db.error());
    if (!set) {
        ctx.err << command << ": " << set.errorString() << "\n";
        return ExitCode::Failure;
    }
    const QList<SlotRow> slotList = slotRows(*set);
    const auto slot = std::find_if(slotList.cbegin(), slotList.cend(),
                                   [&](const SlotRow &s) { return s.name == o.object; });
    if (slot == slotList.cend()) {
        ctx.err << command << ": no replication slot named " << o.object << "\n";
        return ExitCode::Failure;
    }
    const DatabaseOwner owner =
        databaseOwner((*session)->workspace(), (*session)->environment(), slot->database);
    ActionRequest request;
    request.kind = ActionKind::DropSlot;
    request.environment = owner.environment;
    request.isProtected = owner.isProtected;
    request.target = QStringLiteral("slot ") + slot->name;
    request.before = QStringLiteral("%1, retains %2")
                         .arg(slot->active ? QStringLiteral("active") : QStringLiteral("inactive"))
                         .arg(formatBytes(slot->retainedBytes));
    request.description = QStringLiteral("Drop the %1 replication slot %2 (%3)")
                              .arg(slot->type, slot->name, owner.environment);
    const QString name = slot->name;
    return act(ctx, **session, o, request,
               [name](PgConnection &pg) { return dropInactiveSlot(pg, name); });
}

int runDb(CliContext &ctx)
{
    const QString sub = ctx.args.value(0);
    if (sub.isEmpty()) {
        ctx.err << "usage: " << kUsage << "\n";
        return ExitCode::Usage;
    }
    if (const std::optional<int> explored = runDbExplore(ctx))
        return *explored;
    if (const std::optional<int> backedUp = runDbBackup(ctx))
        return *backedUp;
    const std::optional<Options> options = parse(ctx, ctx.args.mid(1));
    if (!options)
        return ExitCode::Usage;
    if (sub == QLatin1String("health") || sub == QLatin1String("check"))
        return runHealth(ctx, *options);
    if (sub == QLatin1String("activity") || sub == QLatin1String("ps"))
        return runActivity(ctx, *options);
    if (sub == QLatin1String("cancel"))
        return runSignal(ctx, *options, BackendSignal::Cancel);
    if (sub == QLatin1String("terminate") || sub == QLatin1String("kill"))
        return runSignal(ctx, *options, BackendSignal::Terminate);
    if (sub == QLatin1String("drop-slot"))
        return runDropSlot(ctx, *options);
    ctx.err << "opsdeck db: unknown subcommand '" << sub << "'";
    if (editDistance(sub, QStringLiteral("health")) <= 2)
        ctx.err << ". Did you mean 'health'?";
    else if (editDistance(sub, QStringLiteral("activity")) <= 3)
        ctx.err << ". Did you mean 'activity'?";
    ctx.err << "\nusage: " << kUsage << "\n";
    return ExitCode::Usage;
}

} // namespace

CliCommand dbCommand()
{
    return {QStringLiteral("db"),
            {QStringLiteral("database")},
            QStringLiteral("Database"),
            QStringLiteral("Health checks (exit 0 healthy, 1 warnings, 2 critical), live activity, "
                           "cancel/terminate a backend, drop a slot; tables, describe, read-only "
                           "queries and plans; backup, restore, clone"),
            QString::fromLatin1(kUsage) + QStringLiteral("\n       ") +
                QString::fromLatin1(kDbExploreUsage) + QStringLiteral("\n       ") +
                QString::fromLatin1(kDbBackupUsage),
            runDb};
}

} // namespace Opsdeck
