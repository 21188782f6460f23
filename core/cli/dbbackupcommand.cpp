// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbbackupcommand.h"

#include "actions/actionpipeline.h"
#include "audit/auditlog.h"
#include "backup/backupactions.h"
#include "backup/backupstore.h"
#include "backup/pgtools.h"
#include "cliconfirmer.h"
#include "common/formatting.h"
#include "ctrlc.h"
#include "environmentsession.h"
#include "waitfor.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <unistd.h>

namespace Opsdeck {

const char kDbBackupUsage[] =
    "opsdeck db backup ENV [-o FILE] [--format custom|directory] [--jobs N]\n"
    "       opsdeck db backups ENV [--json]\n"
    "       opsdeck db restore ENV FILE --database NAME [--replace] [--jobs N] [--no-owner] "
    "[--yes] [-m COMMENT]\n"
    "       opsdeck db clone FROM TO [--scrub FILE] [--yes] [-m COMMENT]";

namespace {

struct Options
{
    QStringList positional;
    QString output;
    QString format = QStringLiteral("custom");
    int jobs = 1;
    QString database;
    bool replace = false;
    bool noOwner = false;
    QString scrub;
    bool json = false;
    bool yes = false;
    QString comment;
};

std::optional<Options> parse(CliContext &ctx, const QStringList &args)
{
    Options o;
    const QString command = QStringLiteral("opsdeck db ") + ctx.args.value(0);
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        const bool hasValue = i + 1 < args.size();
        if ((a == QLatin1String("-o") || a == QLatin1String("--output")) && hasValue) {
            o.output = args[++i];
        } else if (a == QLatin1String("--format") && hasValue) {
            o.format = args[++i];
        } else if (a == QLatin1String("--jobs") && hasValue) {
            bool isNumber = false;
            o.jobs = args[++i].toInt(&isNumber);
            if (!isNumber || o.jobs < 1 || o.jobs > 64) {
                ctx.err << command << ": --jobs takes 1 to 64\n";
                return std::nullopt;
            }
        } else if (a == QLatin1String("--database") && hasValue) {
            o.database = args[++i];
        } else if (a == QLatin1String("--scrub") && hasValue) {
            o.scrub = QFileInfo(args[++i]).absoluteFilePath();
        } else if (a == QLatin1String("--replace")) {
            o.replace = true;
        } else if (a == QLatin1String("--no-owner")) {
            o.noOwner = true;
        } else if (a == QLatin1String("--json")) {
            o.json = true;
        } else if (a == QLatin1String("--yes")) {
            o.yes = true;
        } else if ((a == QLatin1String("-m") || a == QLatin1String("--comment")) && hasValue) {
            o.comment = args[++i];
        } else if (!a.startsWith(QLatin1Char('-'))) {
            o.positional << a;
        } else {
            ctx.err << command << ": unexpected '" << a << "'\nusage: " << kDbBackupUsage << "\n";
            return std::nullopt;
        }
    }
    return o;
}

/** Progress on stderr: one line per step or table (a terminal gets it rewritten in place). */
class ProgressPrinter
{
public:
    explicit ProgressPrinter(QTextStream &err)
        : m_err(err)
        , m_terminal(::isatty(STDERR_FILENO))
    {}
    ~ProgressPrinter() { end(); }
    void show(const BackupProgress &p)
    {
        const QString text = p.text();
        if (m_terminal) {
            m_err << "\r\033[K" << text;
            m_err.flush();
            m_open = true;
        } else if (p.step != m_lastStep || p.object != m_lastObject) {
            m_err << text << "\n";
            m_err.flush();
        }
        m_lastStep = p.step;
        m_lastObject = p.object;
    }
    void end()
    {
        if (m_open)
            m_err << "\n";
        m_open = false;
    }

private:
    QTextStream &m_err;
    bool m_terminal;
    bool m_open = false;
    QString m_lastStep, m_lastObject;
};

std::unique_ptr<EnvironmentSession> openEnvironment(CliContext &ctx, const QString &command,
                                                    const QString &name)
{
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), name);
    if (!session) {
        ctx.err << command << ": " << session.errorString() << "\n";
        return nullptr;
    }
    if (!(*session)->environment().database) {
        ctx.err << command << ": " << name << " has no database: in the workspace\n";
        return nullptr;
    }
    return std::move(session.value());
}

/** Runs one operation through the pipeline; Ctrl-C cancels it. */
template<typename Operation, typename Value>
int runThroughPipeline(CliContext &ctx, const Options &o, ActionRequest request,
                       Operation *operation,
                       const std::function<ActionResult(const Result<Value> &)> &report)
{
    const QString command = QStringLiteral("opsdeck db ") + ctx.args.value(0);
    request.comment = o.comment;
    ActionPipeline pipeline(AuditLog::shared(), std::make_shared<CliConfirmer>(ctx.err, o.yes));
    ProgressPrinter printer(ctx.err);
    QObject::connect(operation, &Operation::progressChanged, operation,
                     [&printer](const BackupProgress &p) { printer.show(p); });
    CtrlCHandler interrupt([operation] {
        operation->cancel();
        return true;
    });
    int code = ExitCode::Failure;
    waitFor<bool>([&](std::function<void(const bool &)> done) {
        pipeline.submit(
            request,
            [&](const ActionRequest &, ActionPipeline::Finish finish) {
                QObject::connect(operation, &Operation::finished, operation,
                                 [&, finish](const Result<Value> &r) {
                                     printer.end();
                                     finish(report(r));
                                 });
                operation->start();
            },
            [&, done](const ActionOutcome &outcome) {
                if (outcome.ok()) {
                    code = ExitCode::Ok;
                } else {
                    ctx.err << command << ": " << outcome.message << "\n";
                    code = outcome.started() ? ExitCode::Problems : ExitCode::Failure;
                    if (outcome.message.startsWith(QLatin1String("cancelled")))
                        code = ExitCode::Cancelled;
                }
                done(true);
            });
    });
    return code;
}

int runBackup(CliContext &ctx, const Options &o)
{
    const QString command = QStringLiteral("opsdeck db backup");
    if (o.positional.size() != 1) {
        ctx.err << command << ": which environment?\nusage: " << kDbBackupUsage << "\n";
        return ExitCode::Usage;
    }
    std::unique_ptr<EnvironmentSession> env = openEnvironment(ctx, command, o.positional[0]);
    if (!env)
        return ExitCode::Failure;
    DumpRequest dump{env->environment().name,
                     *env->environment().database,
                     env->pool(),
                     {},
                     o.output,
                     o.format,
                     o.jobs};
    BackupStore(env->workspace(), env->pool()).prepare(dump);
    DumpOperation operation(dump);
    return runThroughPipeline<DumpOperation, BackupManifest>(
        ctx, o,
        backupRequest(env->workspace().name, dump.environment,
                      databaseName(*env->environment().database)),
        &operation, [&ctx](const Result<BackupManifest> &m) {
            if (m)
                ctx.out << m->location() << "\n"
                        << "  " << formatBytes(m->sizeBytes) << " in "
                        << QString::number(m->seconds, 'f', 1) << " s, " << m->tables << " tables, "
                        << m->tocEntries << " entries read back by pg_restore --list\n"
                        << "  sha256 " << m->sha256 << "\n"
                        << "  PostgreSQL " << pgVersionText(m->serverVersion) << ", pg_dump "
                        << pgVersionText(m->dumpVersion) << "\n";
            return backupResult(m);
        });
}

int runList(CliContext &ctx, const Options &o)
{
    const QString command = QStringLiteral("opsdeck db backups");
    if (o.positional.size() != 1) {
        ctx.err << command << ": which environment?\nusage: " << kDbBackupUsage << "\n";
        return ExitCode::Usage;
    }
    Result<std::unique_ptr<EnvironmentSession>> env =
        EnvironmentSession::open(ctx.workspacePath(), o.positional[0]);
    if (!env) {
        ctx.err << command << ": " << env.errorString() << "\n";
        return ExitCode::Failure;
    }
    BackupStore store((*env)->workspace(), (*env)->pool());
    const QString directory = store.location();
    int skipped = 0;
    // A folder here is read once, counting what it could not read; a host's through the store.
    const Result<QList<BackupManifest>> listed =
        store.isRemote()
            ? EnvironmentSession::wait(store.list(o.positional[0]))
            : Result<QList<BackupManifest>>(listBackups(directory, o.positional[0], &skipped));
    if (!listed) {
        ctx.err << command << ": " << listed.errorString() << "\n";
        return ExitCode::Failure;
    }
    const QList<BackupManifest> &backups = *listed;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (o.json) {
        QJsonArray array;
        for (const BackupManifest &b : backups) {
            QJsonObject json = b.toJson();
            json.insert(QStringLiteral("path"), b.location());
            array.append(json);
        }
        ctx.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        QList<QStringList> rows{{QStringLiteral("TAKEN"), QStringLiteral("AGE"),
                                 QStringLiteral("SIZE"), QStringLiteral("VERIFIED"),
                                 QStringLiteral("WHO"), QStringLiteral("FILE")}};
        for (const BackupManifest &b : backups)
            rows << QStringList{formatLocalTime(b.takenAt),
                                formatAgo(b.takenAt, now),
                                formatBytes(b.sizeBytes),
                                b.verified ? QStringLiteral("yes") : QStringLiteral("NO"),
                                b.who,
                                b.file};
        ctx.out << directory << "\n" << formatColumns(rows);
        if (backups.isEmpty())
            ctx.out << "(no backups of " << o.positional[0] << " yet: opsdeck db backup "
                    << o.positional[0] << ")\n";
    }
    if (skipped > 0)
        ctx.err << "warning: " << skipped << " unreadable manifest(s) in " << directory << "\n";
    return ExitCode::Ok;
}

int runRestore(CliContext &ctx, const Options &o)
{
    const QString command = QStringLiteral("opsdeck db restore");
    if (o.positional.size() != 2 || o.database.isEmpty()) {
        ctx.err << command << ": needs ENV FILE --database NAME\nusage: " << kDbBackupUsage << "\n";
        return ExitCode::Usage;
    }
    std::unique_ptr<EnvironmentSession> env = openEnvironment(ctx, command, o.positional[0]);
    if (!env)
        return ExitCode::Failure;
    BackupStore store(env->workspace(), env->pool());
    const Result<BackupManifest> backup = EnvironmentSession::wait(store.find(o.positional[1]));
    if (!backup) {
        ctx.err << command << ": " << backup.errorString() << "\n";
        return ExitCode::Failure;
    }
    RestoreRequest restore;
    restore.environment = env->environment().name;
    restore.database = *env->environment().database;
    restore.pool = env->pool();
    store.prepare(restore, *backup);
    restore.newDatabase = o.database;
    restore.replace = o.replace;
    restore.jobs = o.jobs;
    restore.noOwner = o.noOwner;
    restore.scrubFile = o.scrub;
    RestoreOperation operation(restore);
    return runThroughPipeline<RestoreOperation, RestoreSummary>(
        ctx, o,
        restoreRequest(env->workspace().name, env->environment(), backup->location(), o.database,
                       o.replace),
        &operation, [&ctx](const Result<RestoreSummary> &s) {
            if (s)
                ctx.out << s->text() << "\n";
            return restoreResult(s);
        });
}

int runClone(CliContext &ctx, const Options &o)
{
    const QString command = QStringLiteral("opsdeck db clone");
    if (o.positional.size() != 2) {
        ctx.err << command << ": needs FROM TO (opsdeck db clone production staging)\nusage: "
                << kDbBackupUsage << "\n";
        return ExitCode::Usage;
    }
    if (o.positional[0] == o.positional[1]) {
        ctx.err << command << ": " << o.positional[0] << " onto itself?\n";
        return ExitCode::Usage;
    }
    std::unique_ptr<EnvironmentSession> from = openEnvironment(ctx, command, o.positional[0]);
    std::unique_ptr<EnvironmentSession> to =
        from ? openEnvironment(ctx, command, o.positional[1]) : nullptr;
    if (!from || !to)
        return ExitCode::Failure;
    const QString scrub = o.scrub.isEmpty() ? to->workspace().backups.scrub : o.scrub;
    DumpRequest dump{from->environment().name, *from->environment().database, from->pool()};
    BackupStore(from->workspace(), from->pool()).prepare(dump);
    RestoreRequest restore;
    restore.environment = to->environment().name;
    restore.database = *to->environment().database;
    restore.pool = to->pool();
    restore.newDatabase = databaseName(restore.database);
    restore.replace = true;
    restore.scrubFile = scrub;
    CloneOperation operation(dump, restore);
    return runThroughPipeline<CloneOperation, CloneResult>(
        ctx, o,
        cloneRequest(to->workspace().name, dump.environment,
                     databaseName(*from->environment().database), to->environment(), scrub),
        &operation, [&ctx](const Result<CloneResult> &r) {
            if (r)
                ctx.out << "dumped " << r->dump.dumpPath() << " (" << formatBytes(r->dump.sizeBytes)
                        << ")\n"
                        << r->restore.text() << "\n";
            return cloneResult(r);
        });
}

} // namespace

std::optional<int> runDbBackup(CliContext &ctx)
{
    const QString sub = ctx.args.value(0);
    if (sub != QLatin1String("backup") && sub != QLatin1String("backups") &&
        sub != QLatin1String("restore") && sub != QLatin1String("clone"))
        return std::nullopt;
    const std::optional<Options> o = parse(ctx, ctx.args.mid(1));
    if (!o)
        return ExitCode::Usage;
    if (sub == QLatin1String("backup"))
        return runBackup(ctx, *o);
    if (sub == QLatin1String("backups"))
        return runList(ctx, *o);
    if (sub == QLatin1String("restore"))
        return runRestore(ctx, *o);
    return runClone(ctx, *o);
}

} // namespace Opsdeck
