// SPDX-License-Identifier: GPL-3.0-or-later
#include "configcommand.h"

#include "actions/actionpipeline.h"
#include "audit/auditlog.h"
#include "cliconfirmer.h"
#include "common/formatting.h"
#include "common/suggest.h"
#include "config/configdrift.h"
#include "config/configreading.h"
#include "config/configstorage.h"
#include "config/dotenvfile.h"
#include "environmentsession.h"
#include "jobs/job.h"

#include <QEventLoop>

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <functional>
#include <memory>

namespace Opsdeck {

namespace {

const char *const kUsage = "opsdeck config get ENV KEY\n"
                           "opsdeck config set ENV KEY VALUE [--yes] [-m COMMENT]\n"
                           "opsdeck config diff ENV1 ENV2\n"
                           "opsdeck config history ENV FILE\n"
                           "opsdeck config restore ENV FILE VERSION [--yes] [-m COMMENT]\n"
                           "opsdeck config after-save ENV FILE [--yes] [-m COMMENT]";

/** One .env file of the environment, as read (locally or over SFTP). */
struct LoadedConfig
{
    ConfigFileSpec spec;
    ConfigSnapshot snapshot;
    DotenvFile file;
};

/** The environment's .env files in workspace order; stops early once `enough` says so. */
Result<QList<LoadedConfig>> readConfig(EnvironmentSession &session,
                                       const std::function<bool(const LoadedConfig &)> &enough = {})
{
    using R = Result<QList<LoadedConfig>>;
    QList<LoadedConfig> files;
    for (const ConfigFileSpec &spec : session.environment().config) {
        if (spec.isYaml())
            continue; // YAML config has no KEY=VALUE to get or set here
        ConfigFileAccess access(spec, session.pool());
        const Result<ConfigSnapshot> read = EnvironmentSession::wait(access.read());
        if (!read)
            return R::failure(read.errorString());
        files << LoadedConfig{spec, *read, DotenvFile::parse(read->bytes)};
        if (enough && enough(files.last()))
            break;
    }
    if (files.isEmpty())
        return R::failure(
            QStringLiteral("%1 lists no .env config files").arg(session.environment().name));
    return files;
}

Result<std::unique_ptr<EnvironmentSession>> openSession(CliContext &ctx, const QString &environment)
{
    return EnvironmentSession::open(ctx.workspacePath(), environment);
}

/** An action on one of the environment's config files, protected as the environment. */
ActionRequest configRequest(EnvironmentSession &env, ActionKind kind, const QString &target)
{
    ActionRequest request;
    request.kind = kind;
    request.workspace = env.workspace().name;
    request.environment = env.environment().name;
    request.isProtected = env.environment().isProtected;
    request.target = target;
    return request;
}

/**
 * Runs `work` as one confirmed, audited action and waits for it: what it returned, or why it did
 * not run (`notConfirmed` when the user said no, the pipeline's word for a refusal).
 */
Status runConfigAction(CliContext &ctx, EnvironmentSession &env, const ActionRequest &request,
                       bool yes, const QString &notConfirmed, const std::function<Status()> &work)
{
    ActionPipeline pipeline(env.context().auditLog(), std::make_shared<CliConfirmer>(ctx.err, yes));
    Status result = Status::failure(notConfirmed);
    pipeline.submit(
        request,
        [&](const ActionRequest &, ActionPipeline::Finish finish) {
            result = work();
            finish(result ? Result<QString>(QString()) : Result<QString>(result.error()));
        },
        [&](const ActionOutcome &outcome) {
            if (!outcome.started())
                result = Status::failure(outcome.message);
        });
    return result;
}

int fail(CliContext &ctx, const QString &message)
{
    ctx.err << "opsdeck config: " << message << "\n";
    return ExitCode::Failure;
}

int runGet(CliContext &ctx, const QString &environment, const QString &key)
{
    Result<std::unique_ptr<EnvironmentSession>> session = openSession(ctx, environment);
    if (!session)
        return fail(ctx, session.errorString());
    // The first file that sets the key wins: later (perhaps remote) files are not read.
    const Result<QList<LoadedConfig>> files = readConfig(
        **session, [&key](const LoadedConfig &c) { return c.file.value(key).has_value(); });
    if (!files)
        return fail(ctx, files.errorString());
    for (const LoadedConfig &c : *files)
        if (const std::optional<QString> value = c.file.value(key)) {
            ctx.out << *value << "\n";
            return ExitCode::Ok;
        }
    QStringList known; // every file was read when none set the key: suggest from all of them
    for (const LoadedConfig &c : *files)
        known << c.file.keys();
    ctx.err << "opsdeck config: " << environment << " does not set " << key
            << didYouMean(key, known) << "\n";
    return ExitCode::Problems;
}

int runSet(CliContext &ctx, const QString &environment, const QString &key, const QString &value,
           bool yes, const QString &comment, bool allowOwnerChange)
{
    Result<std::unique_ptr<EnvironmentSession>> session = openSession(ctx, environment);
    if (!session)
        return fail(ctx, session.errorString());
    EnvironmentSession &env = **session;
    Result<QList<LoadedConfig>> files = readConfig(env);
    if (!files)
        return fail(ctx, files.errorString());
    // The file that sets the key already, else the first one.
    LoadedConfig *target = &files.value().first();
    for (LoadedConfig &c : files.value())
        if (c.file.value(key)) {
            target = &c;
            break;
        }
    const std::optional<QString> before = target->file.value(key);
    ActionRequest request = configRequest(env, ActionKind::ConfigSave, target->spec.location);
    request.after = QStringLiteral("key %1").arg(key); // by name, never the value
    request.description =
        QStringLiteral("Set %1 in %2 (%3)").arg(key, environment, target->spec.location);
    request.comment = comment;
    QString backup;
    const Status changed = runConfigAction(
        ctx, env, request, yes, QStringLiteral("not confirmed; nothing was changed"), [&] {
            if (const Status set = target->file.setValue(key, value); !set)
                return set;
            ConfigFileAccess access(target->spec, env.pool());
            const Result<ConfigSaveOutcome> saved = EnvironmentSession::wait(
                access.save(target->file.serialize(), target->snapshot, allowOwnerChange));
            if (!saved && saved.error().code == QLatin1String("owner"))
                return Status::failure(saved.errorString() +
                                       QStringLiteral(" (--allow-owner-change saves it anyway)"));
            if (!saved)
                return Status(saved.error());
            if (saved->conflict)
                return Status::failure(QStringLiteral("%1 changed while it was being written; "
                                                      "nothing was saved: try again")
                                           .arg(target->spec.location));
            backup = saved->backupPath;
            return success();
        });
    if (!changed)
        return fail(ctx, changed.errorString());
    ctx.out << environment << ": " << key << (before ? " changed" : " added") << " in "
            << target->spec.location;
    if (!backup.isEmpty())
        ctx.out << " (previous version: " << backup << ")";
    ctx.out << "\n";
    if (!target->spec.afterSave.isEmpty())
        ctx.out << "note: its after_save command was not run (opsdeck config after-save "
                << environment << " " << target->spec.location
                << " runs it): " << target->spec.afterSave << "\n";
    return ExitCode::Ok;
}

/** The environment's .env files and the key names of its secrets files (as the pane reads
 * them); a .env file that cannot be read is an error, a secrets file a note. */
Result<DriftInput> driftInput(CliContext &ctx, const QString &environment)
{
    Result<std::unique_ptr<EnvironmentSession>> session = openSession(ctx, environment);
    if (!session)
        return session.error();
    const EnvironmentConfig config = EnvironmentSession::wait(
        readEnvironmentConfig((*session)->environment(), (*session)->pool(), true));
    if (!config.fileProblems.isEmpty())
        return Result<DriftInput>::failure(config.fileProblems.join(QStringLiteral("; ")));
    if (config.files.isEmpty())
        return Result<DriftInput>::failure(
            QStringLiteral("%1 lists no .env config files").arg(environment));
    for (const QString &problem : config.secretsProblems)
        ctx.err << "note: " << problem << "\n";
    return config.input;
}

int runDiff(CliContext &ctx, const QString &left, const QString &right)
{
    QList<DriftInput> inputs;
    for (const QString &env : {left, right}) {
        Result<DriftInput> input = driftInput(ctx, env);
        if (!input)
            return fail(ctx, input.errorString());
        inputs << std::move(input).value();
    }
    int differences = 0;
    const QList<DriftRow> rows = computeDrift(inputs);
    for (const DriftRow &row : rows) {
        if (row.state == DriftRow::State::Same || row.state == DriftRow::State::Unknown)
            continue;
        ++differences;
        if (row.state == DriftRow::State::Inconsistent) { // first: the files of one environment
            for (qsizetype i = 0; i < inputs.size(); ++i)
                if (row.inconsistent.contains(inputs[i].environment) &&
                    (i == 0 || inputs[i].environment != inputs[0].environment))
                    ctx.out << row.key << ": " << inputs[i].environment << "'s files disagree: "
                            << describeValues(row.values.at(i),
                                              row.masked ? QStringLiteral("(hidden)") : QString())
                            << "\n";
        } else if (row.state == DriftRow::State::Missing) {
            const bool inLeft = row.cells.at(0).has_value();
            const DriftInput::Value &v = inLeft ? *row.cells.at(0) : *row.cells.at(1);
            ctx.out << row.key << ": only in " << (inLeft ? left : right)
                    << (v.known ? "" : " (secrets)") << "\n";
        } else if (row.masked) { // compared, never printed
            ctx.out << row.key << ": differs (values hidden)\n";
        } else {
            const auto shown = [](const QString &v) {
                return v.isEmpty() ? QStringLiteral("(empty)") : v;
            };
            ctx.out << row.key << ": " << shown(row.cells.at(0)->text) << " in " << left << ", "
                    << shown(row.cells.at(1)->text) << " in " << right << "\n";
        }
    }
    if (differences == 0)
        ctx.out << left << " and " << right << " have the same config\n";
    ctx.out << driftSummary(rows) << "\n";
    return differences ? ExitCode::Problems : ExitCode::Ok;
}

/** The environment's config file named by `name`: its location, path or file name. */
Result<ConfigFileSpec> findFile(const EnvironmentSpec &environment, const QString &name)
{
    QList<ConfigFileSpec> matches;
    QStringList known;
    for (const ConfigFileSpec &spec : environment.config) {
        known << spec.location;
        if (spec.location == name || spec.path == name || QFileInfo(spec.path).fileName() == name)
            matches << spec;
    }
    if (matches.size() == 1)
        return matches.first();
    return Result<ConfigFileSpec>::failure(
        QStringLiteral("%1 %2 '%3' (its files: %4)")
            .arg(environment.name,
                 matches.isEmpty() ? QStringLiteral("has no config file")
                                   : QStringLiteral("has several files named"),
                 name,
                 known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
}

/** Previous versions kept beside the file, newest first. */
Result<QList<ConfigBackup>> backupsOf(ConfigFileAccess &access)
{
    Result<QList<ConfigBackup>> backups = EnvironmentSession::wait(access.backups());
    if (backups)
        std::sort(backups.value().begin(), backups.value().end(),
                  [](const ConfigBackup &a, const ConfigBackup &b) { return a.taken > b.taken; });
    return backups;
}

int runHistory(CliContext &ctx, const QString &environment, const QString &name)
{
    Result<std::unique_ptr<EnvironmentSession>> session = openSession(ctx, environment);
    if (!session)
        return fail(ctx, session.errorString());
    const Result<ConfigFileSpec> spec = findFile((*session)->environment(), name);
    if (!spec)
        return fail(ctx, spec.errorString());
    ConfigFileAccess access(*spec, (*session)->pool());
    const Result<QList<ConfigBackup>> backups = backupsOf(access);
    if (!backups)
        return fail(ctx, backups.errorString());
    if (backups->isEmpty()) {
        ctx.out << spec->location << ": no previous versions kept yet\n";
        return ExitCode::Ok;
    }
    int number = 0;
    for (const ConfigBackup &b : *backups)
        ctx.out << ++number << "  " << formatWhen(b.taken) << "  " << formatBytes(b.size) << "  "
                << b.path << "\n";
    return ExitCode::Ok;
}

int runRestore(CliContext &ctx, const QStringList &args, bool yes, const QString &comment)
{
    const QString environment = args.at(0), name = args.at(1), version = args.at(2);
    Result<std::unique_ptr<EnvironmentSession>> session = openSession(ctx, environment);
    if (!session)
        return fail(ctx, session.errorString());
    EnvironmentSession &env = **session;
    const Result<ConfigFileSpec> spec = findFile(env.environment(), name);
    if (!spec)
        return fail(ctx, spec.errorString());
    ConfigFileAccess access(*spec, env.pool());
    const Result<QList<ConfigBackup>> backups = backupsOf(access);
    if (!backups)
        return fail(ctx, backups.errorString());
    // VERSION: the number `history` shows, the backup's path or its file name.
    bool isNumber = false;
    const int number = version.toInt(&isNumber);
    const ConfigBackup *chosen = nullptr;
    for (qsizetype i = 0; i < backups->size() && !chosen; ++i) {
        const ConfigBackup &b = backups->at(i);
        if ((isNumber && i == number - 1) || b.path == version ||
            QFileInfo(b.path).fileName() == version)
            chosen = &b;
    }
    if (!chosen)
        return fail(ctx, QStringLiteral("%1 has no kept version '%2' (opsdeck config history %3 "
                                        "%1 lists them)")
                             .arg(spec->location, version, environment));
    const Result<ConfigSnapshot> current = EnvironmentSession::wait(access.read());
    const Result<ConfigSnapshot> old = EnvironmentSession::wait(access.readBackup(chosen->path));
    if (!current || !old)
        return fail(ctx, current ? old.errorString() : current.errorString());
    ActionRequest request = configRequest(env, ActionKind::ConfigRestore, spec->location);
    request.after = QStringLiteral("restored %1").arg(QFileInfo(chosen->path).fileName());
    request.description =
        QStringLiteral("Replace %1 with the version kept as %2").arg(spec->location, chosen->path);
    request.comment = comment;
    QString backup;
    const Status restored = runConfigAction(
        ctx, env, request, yes, QStringLiteral("not confirmed; nothing was changed"), [&] {
            const Result<ConfigSaveOutcome> saved =
                EnvironmentSession::wait(access.save(old->bytes, *current));
            if (!saved)
                return Status(saved.error());
            if (saved->conflict)
                return Status::failure(
                    QStringLiteral("the file changed meanwhile; nothing was written"));
            backup = saved->backupPath;
            return success();
        });
    if (!restored)
        return fail(ctx, restored.errorString());
    ctx.out << environment << ": " << spec->location << " restored from " << chosen->path;
    if (!backup.isEmpty())
        ctx.out << " (the version it replaced: " << backup << ")";
    ctx.out << "\n";
    return ExitCode::Ok;
}

int runAfterSave(CliContext &ctx, const QString &environment, const QString &name, bool yes,
                 const QString &comment)
{
    Result<std::unique_ptr<EnvironmentSession>> session = openSession(ctx, environment);
    if (!session)
        return fail(ctx, session.errorString());
    EnvironmentSession &env = **session;
    const Result<ConfigFileSpec> spec = findFile(env.environment(), name);
    if (!spec)
        return fail(ctx, spec.errorString());
    if (spec->afterSave.isEmpty())
        return fail(ctx, QStringLiteral("%1 has no after_save command").arg(spec->location));
    ActionRequest request = configRequest(env, ActionKind::ConfigAfterSave, spec->location);
    request.after = spec->afterSave;
    request.description =
        QStringLiteral("Run the after-save command of %1 on %2: %3")
            .arg(spec->location, spec->isRemote() ? spec->host : QStringLiteral("this machine"),
                 spec->afterSave);
    request.comment = comment;
    const Status ran = runConfigAction(
        ctx, env, request, yes, QStringLiteral("not confirmed; nothing was run"), [&] {
            // The same Job as the pane's, its lines streamed to stdout as they come.
            std::unique_ptr<Job> job(
                spec->isRemote() ? Job::remote(QStringLiteral("after-save"),
                                               env.pool()->client(spec->host), spec->afterSave)
                                 : Job::local(QStringLiteral("after-save"), spec->afterSave,
                                              env.workspace().directory));
            QEventLoop loop;
            QObject::connect(job.get(), &Job::lineReceived, &loop, [&](const QString &line) {
                ctx.out << line << "\n";
                ctx.out.flush();
            });
            QObject::connect(job.get(), &Job::finished, &loop, &QEventLoop::quit);
            job->start();
            if (job->isRunning())
                loop.exec();
            const Result<QString> r = job->result();
            return r ? success() : Status(r.error());
        });
    if (!ran)
        return fail(
            ctx,
            QStringLiteral("after-save command of %1: %2").arg(spec->location, ran.errorString()));
    return ExitCode::Ok;
}

int runConfig(CliContext &ctx)
{
    QStringList args = ctx.args;
    const bool yes = args.removeAll(QStringLiteral("--yes")) > 0;
    const bool allowOwnerChange = args.removeAll(QStringLiteral("--allow-owner-change")) > 0;
    QString comment;
    for (const QString &flag : {QStringLiteral("-m"), QStringLiteral("--comment")})
        if (const qsizetype at = args.indexOf(flag); at >= 0 && at + 1 < args.size()) {
            comment = args.at(at + 1);
            args.remove(at, 2);
        }
    const QString sub = args.value(0);
    if (sub == QLatin1String("get") && args.size() == 3)
        return runGet(ctx, args.at(1), args.at(2));
    if (sub == QLatin1String("set") && args.size() == 4)
        return runSet(ctx, args.at(1), args.at(2), args.at(3), yes, comment, allowOwnerChange);
    if (sub == QLatin1String("diff") && args.size() == 3)
        return runDiff(ctx, args.at(1), args.at(2));
    if (sub == QLatin1String("history") && args.size() == 3)
        return runHistory(ctx, args.at(1), args.at(2));
    if (sub == QLatin1String("restore") && args.size() == 4)
        return runRestore(ctx, args.mid(1), yes, comment);
    if (sub == QLatin1String("after-save") && args.size() == 3)
        return runAfterSave(ctx, args.at(1), args.at(2), yes, comment);
    ctx.err << "usage: " << kUsage << "\n";
    return ExitCode::Usage;
}

} // namespace

CliCommand configCommand()
{
    return {
        QStringLiteral("config"),
        {},
        QStringLiteral("Config"),
        QStringLiteral("an environment's .env files, local or on its hosts: get, set (atomic, "
                       "with a backup, audited), diff"),
        QString::fromLatin1(kUsage) +
            QStringLiteral(
                "\n  get: the first file of the environment that sets KEY wins"
                "\n  set: writes the file that sets KEY (else the first), keeping the previous "
                "version (local: FILE.bak; on a host: FILE.opsdeck-<UTC>.bak)"
                "\n  diff: exit 1 when the environments differ; includes the key names of their "
                "sops files; secret-looking values are never printed"
                "\n  history: the versions kept at each save, newest first (numbered)"
                "\n  restore: VERSION is a number from history, or the kept file's name; the "
                "version it replaces is kept in turn"
                "\n  after-save: runs the file's after_save command (on its host for a remote "
                "file; stopped after 5 minutes), its output streamed"),
        runConfig};
}

} // namespace Opsdeck
