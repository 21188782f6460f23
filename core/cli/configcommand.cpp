// SPDX-License-Identifier: GPL-3.0-or-later
#include "configcommand.h"

#include "audit/auditlog.h"
#include "config/configdrift.h"
#include "config/dotenvfile.h"
#include "workspace/workspaceloader.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QSaveFile>

namespace Opsdeck {

namespace {

const char *const kUsage = "opsdeck config get ENV KEY\n"
                           "opsdeck config set ENV KEY VALUE [--yes]\n"
                           "opsdeck config diff ENV1 ENV2";

struct LocalConfig
{
    QString path;
    DotenvFile file;
};

/** The environment's local .env files, in workspace order (remote ones are for the pane). */
Result<QList<LocalConfig>> localConfig(CliContext &ctx, const QString &environment,
                                       Workspace *workspace = nullptr)
{
    using R = Result<QList<LocalConfig>>;
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(ctx.workspacePath());
    if (!loaded.ok())
        return R::failure(QStringLiteral("%1: the workspace has errors (opsdeck check shows them)")
                              .arg(ctx.workspacePath()));
    const EnvironmentSpec *env = loaded.workspace->environment(environment);
    if (!env)
        return R::failure(
            QStringLiteral("no environment '%1' (known: %2)")
                .arg(environment, loaded.workspace->environmentNames().join(QStringLiteral(", "))));
    if (workspace)
        *workspace = *loaded.workspace;
    QList<LocalConfig> files;
    for (const ConfigFileSpec &spec : env->config) {
        const QString &entry = spec.path;
        if (spec.isRemote()) {
            ctx.err << "note: " << spec.location
                    << " is on a host; the command line reads local files only\n";
            continue;
        }
        QFile file(entry);
        if (!file.open(QIODevice::ReadOnly))
            return R::failure(QStringLiteral("%1: %2").arg(entry, file.errorString()));
        files << LocalConfig{entry, DotenvFile::parse(file.readAll())};
    }
    if (files.isEmpty())
        return R::failure(QStringLiteral("%1 lists no local config files").arg(environment));
    return files;
}

int runGet(CliContext &ctx, const QString &environment, const QString &key)
{
    const Result<QList<LocalConfig>> files = localConfig(ctx, environment);
    if (!files) {
        ctx.err << "opsdeck config: " << files.errorString() << "\n";
        return ExitCode::Failure;
    }
    for (const LocalConfig &c : *files)
        if (const std::optional<QString> value = c.file.value(key)) {
            ctx.out << *value << "\n";
            return ExitCode::Ok;
        }
    ctx.err << "opsdeck config: " << environment << " does not set " << key << "\n";
    return ExitCode::Problems;
}

/** Writes atomically, keeping the previous version as <file>.bak. */
Status save(const QString &path, const QByteArray &bytes)
{
    QFile::remove(path + QStringLiteral(".bak"));
    if (!QFile::copy(path, path + QStringLiteral(".bak")))
        return Status::failure(QStringLiteral("%1: could not keep a backup").arg(path));
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return Status::failure(QStringLiteral("%1: %2").arg(path, out.errorString()));
    return success();
}

int runSet(CliContext &ctx, const QString &environment, const QString &key, const QString &value,
           bool yes)
{
    Workspace workspace;
    Result<QList<LocalConfig>> files = localConfig(ctx, environment, &workspace);
    if (!files) {
        ctx.err << "opsdeck config: " << files.errorString() << "\n";
        return ExitCode::Failure;
    }
    if (workspace.environment(environment)->isProtected && !yes) {
        ctx.err << "opsdeck config: " << environment
                << " is protected: add --yes to change its config\n";
        return ExitCode::Failure;
    }
    // The file that sets the key already, else the first one.
    LocalConfig *target = &files.value().first();
    for (LocalConfig &c : files.value())
        if (c.file.value(key)) {
            target = &c;
            break;
        }
    const std::optional<QString> before = target->file.value(key);
    Status changed = target->file.setValue(key, value);
    if (changed)
        changed = save(target->path, target->file.serialize());
    AuditLog audit;
    const Status audited = audit.record(
        {QDateTime::currentDateTimeUtc(), AuditLog::currentUser(), workspace.name, environment,
         QStringLiteral("config.save"), target->path, QString(), QStringLiteral("key %1").arg(key),
         QString(),
         changed ? QStringLiteral("done") : QStringLiteral("failed: ") + changed.errorString()});
    if (!audited)
        ctx.err << "warning: the change was not written to the audit log: "
                << audited.errorString() << "\n";
    if (!changed) {
        ctx.err << "opsdeck config: " << changed.errorString() << "\n";
        return ExitCode::Failure;
    }
    ctx.out << environment << ": " << key << (before ? " changed" : " added") << " in "
            << target->path << " (previous version: " << target->path << ".bak)\n";
    return ExitCode::Ok;
}

/** The environment's local .env files and the key names of its secrets files. */
Result<DriftInput> driftInput(CliContext &ctx, const QString &environment)
{
    Workspace workspace;
    const Result<QList<LocalConfig>> files = localConfig(ctx, environment, &workspace);
    if (!files)
        return files.error();
    DriftInput input;
    input.environment = environment;
    for (const LocalConfig &c : *files)
        input.addDotenv(c.path, c.file);
    for (const QString &secrets : workspace.environment(environment)->secrets) {
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
        if (!input) {
            ctx.err << "opsdeck config: " << input.errorString() << "\n";
            return ExitCode::Failure;
        }
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
            ctx.out << row.key << ": " << row.cells.at(0)->text << " in " << left << ", "
                    << row.cells.at(1)->text << " in " << right << "\n";
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
    const QString sub = args.value(0);
    if (sub == QLatin1String("get") && args.size() == 3)
        return runGet(ctx, args.at(1), args.at(2));
    if (sub == QLatin1String("set") && args.size() == 4)
        return runSet(ctx, args.at(1), args.at(2), args.at(3), yes);
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
        QStringLiteral(
            "an environment's .env files: get, set (atomic, with a backup, audited), diff"),
        QString::fromLatin1(kUsage) +
            QStringLiteral(
                "\n  diff: exit 1 when the environments differ; secret-looking values are never "
                "printed"),
        runConfig};
}

} // namespace Opsdeck
