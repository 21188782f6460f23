// SPDX-License-Identifier: GPL-3.0-or-later
#include "configcommand.h"

#include "actions/actionpipeline.h"
#include "audit/auditlog.h"
#include "cliconfirmer.h"
#include "config/configdrift.h"
#include "config/configstorage.h"
#include "config/dotenvfile.h"
#include "environmentsession.h"

#include <QDateTime>
#include <QFile>

namespace Opsdeck {

namespace {

const char *const kUsage = "opsdeck config get ENV KEY\n"
                           "opsdeck config set ENV KEY VALUE [--yes] [-m COMMENT]\n"
                           "opsdeck config diff ENV1 ENV2";

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
    ctx.err << "opsdeck config: " << environment << " does not set " << key << "\n";
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
    ActionRequest request;
    request.kind = ActionKind::ConfigSave;
    request.workspace = env.workspace().name;
    request.environment = environment;
    request.isProtected = env.environment().isProtected;
    request.target = target->spec.location;
    request.after = QStringLiteral("key %1").arg(key); // by name, never the value
    request.description =
        QStringLiteral("Set %1 in %2 (%3)").arg(key, environment, target->spec.location);
    request.comment = comment;
    ActionPipeline pipeline(std::make_shared<AuditLog>(),
                            std::make_shared<CliConfirmer>(ctx.err, yes));
    Status changed = Status::failure(QStringLiteral("not confirmed; nothing was changed"));
    QString backup;
    pipeline.submit(
        request,
        [&](const ActionRequest &, ActionPipeline::Finish finish) {
            changed = target->file.setValue(key, value);
            if (changed) {
                ConfigFileAccess access(target->spec, env.pool());
                const Result<ConfigSaveOutcome> saved = EnvironmentSession::wait(
                    access.save(target->file.serialize(), target->snapshot, allowOwnerChange));
                if (!saved && saved.error().code == QLatin1String("owner"))
                    changed =
                        Status::failure(saved.errorString() +
                                        QStringLiteral(" (--allow-owner-change saves it anyway)"));
                else if (!saved)
                    changed = Status(saved.error());
                else if (saved->conflict)
                    changed =
                        Status::failure(QStringLiteral("%1 changed while it was being written; "
                                                       "nothing was saved: try again")
                                            .arg(target->spec.location));
                else
                    backup = saved->backupPath;
            }
            finish(changed ? Result<QString>(QString()) : Result<QString>(changed.error()));
        },
        [&](const ActionOutcome &outcome) {
            if (!outcome.started())
                changed = Status::failure(outcome.message);
        });
    if (!changed)
        return fail(ctx, changed.errorString());
    ctx.out << environment << ": " << key << (before ? " changed" : " added") << " in "
            << target->spec.location;
    if (!backup.isEmpty())
        ctx.out << " (previous version: " << backup << ")";
    ctx.out << "\n";
    if (!target->spec.afterSave.isEmpty())
        ctx.out << "note: its after_save command was not run: " << target->spec.afterSave << "\n";
    return ExitCode::Ok;
}

/** The environment's .env files and the key names of its secrets files. */
Result<DriftInput> driftInput(CliContext &ctx, const QString &environment)
{
    Result<std::unique_ptr<EnvironmentSession>> session = openSession(ctx, environment);
    if (!session)
        return session.error();
    const Result<QList<LoadedConfig>> files = readConfig(**session);
    if (!files)
        return files.error();
    DriftInput input;
    input.environment = environment;
    for (const LoadedConfig &c : *files)
        input.addDotenv(c.spec.location, c.file);
    for (const QString &secrets : (*session)->environment().secrets) {
        QFile file(secrets);
        if (!file.open(QIODevice::ReadOnly)) {
            ctx.err << "note: " << secrets << ": " << file.errorString() << "\n";
            continue;
        }
        if (const Status read = input.addSecretsKeys(secrets, file.readAll()); !read)
            ctx.err << "note: " << read.errorString() << "\n";
    }
    return input;
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
    for (const DriftRow &row : computeDrift(inputs)) {
        if (row.state == DriftRow::State::Same || row.state == DriftRow::State::Unknown)
            continue;
        ++differences;
        if (row.state == DriftRow::State::Missing) {
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
    return differences ? ExitCode::Problems : ExitCode::Ok;
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
                "sops files; secret-looking values are never printed"),
        runConfig};
}

} // namespace Opsdeck
