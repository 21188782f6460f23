// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagscommand.h"

#include "audit/auditlog.h"
#include "environmentsession.h"
#include "flags/flagstate.h"
#include "flags/flagwrite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace Opsdeck {

namespace {

const char *const kUsage = "opsdeck flags ls [ENV...] [--json]\n"
                           "opsdeck flags diff ENV1 ENV2\n"
                           "opsdeck flags on|off ENV NAME [-m COMMENT] [--yes]\n"
                           "opsdeck flags set ENV NAME --percent N [-m COMMENT] [--yes]";

/** Every flag of one environment, read in one query through its database session. */
Result<QList<FlagState>> readFlags(EnvironmentSession &env, const FlagsSpec &spec,
                                   const PgSessionSettings &settings = {})
{
    const Result<PgConnection *> db = env.database(settings);
    if (!db)
        return Result<QList<FlagState>>::failure(db.errorString());
    const PgStatement statement = flagsQuery(spec);
    return parseFlags(spec, EnvironmentSession::wait((*db)->query(statement.sql)));
}

Result<FlagsSpec> flagsSpecOf(const EnvironmentSession &env)
{
    if (env.environment().flags.isEmpty())
        return Result<FlagsSpec>::failure(QStringLiteral("no flags: block in the workspace"));
    return FlagsSpec::fromWorkspace(env.environment().flags);
}

Result<QList<FlagState>> readFlags(CliContext &ctx, const QString &environment)
{
    using R = Result<QList<FlagState>>;
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session)
        return R::failure(session.errorString());
    const Result<FlagsSpec> spec = flagsSpecOf(**session);
    return spec ? readFlags(**session, *spec) : R::failure(spec.errorString());
}

QString key(const FlagState &f)
{
    return kindName(f.kind) + QLatin1Char(':') + f.name;
}

int runList(CliContext &ctx, QStringList environments, bool json)
{
    if (environments.isEmpty()) {
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(ctx.workspacePath());
        if (!loaded.ok()) {
            ctx.err << "opsdeck flags: " << ctx.workspacePath()
                    << ": the workspace has errors (opsdeck check shows them)\n";
            return ExitCode::Failure;
        }
        const std::optional<Workspace> &workspace = loaded.workspace;
        for (const EnvironmentSpec &env : workspace->environments)
            if (!env.flags.isEmpty())
                environments << env.name;
    }
    QMap<QString, QMap<QString, FlagState>> byFlag; // "flag:name" → environment → state
    int failures = 0;
    for (const QString &env : environments) {
        const Result<QList<FlagState>> flags = readFlags(ctx, env);
        if (!flags) {
            ctx.err << "opsdeck flags: " << env << ": " << flags.errorString() << "\n";
            ++failures;
            continue;
        }
        for (const FlagState &f : *flags)
            byFlag[key(f)].insert(env, f);
    }
    if (json) {
        QJsonArray rows;
        for (auto it = byFlag.begin(); it != byFlag.end(); ++it) {
            QJsonObject states;
            for (auto e = it->begin(); e != it->end(); ++e)
                states.insert(e.key(), e->summary());
            rows.append(QJsonObject{{QStringLiteral("name"), it->first().name},
                                    {QStringLiteral("kind"), kindName(it->first().kind)},
                                    {QStringLiteral("environments"), states}});
        }
        ctx.out << QJsonDocument(rows).toJson(QJsonDocument::Indented);
    } else {
        const auto label = [](const FlagState &f) {
            return f.kind == FlagState::Kind::Flag
                       ? f.name
                       : QStringLiteral("%1 (%2)").arg(f.name, kindName(f.kind));
        };
        qsizetype width = 6;
        for (const auto &states : byFlag)
            width = qMax(width, label(states.first()).size() + 2);
        ctx.out << QStringLiteral("FLAG").leftJustified(width);
        for (const QString &env : environments)
            ctx.out << env.leftJustified(20);
        ctx.out << "\n";
        for (const auto &states : byFlag) {
            ctx.out << label(states.first()).leftJustified(width);
            for (const QString &env : environments)
                ctx.out << (states.contains(env) ? states[env].summary() : QStringLiteral("—"))
                               .leftJustified(20);
            ctx.out << "\n";
        }
    }
    return failures ? ExitCode::Failure : ExitCode::Ok;
}

int runDiff(CliContext &ctx, const QString &left, const QString &right)
{
    const Result<QList<FlagState>> a = readFlags(ctx, left), b = readFlags(ctx, right);
    for (const auto &[env, flags] : {std::pair{left, &a}, std::pair{right, &b}})
        if (!*flags) {
            ctx.err << "opsdeck flags: " << env << ": " << flags->errorString() << "\n";
            return ExitCode::Failure;
        }
    QMap<QString, FlagState> l, r;
    for (const FlagState &f : *a)
        l.insert(key(f), f);
    for (const FlagState &f : *b)
        r.insert(key(f), f);
    QStringList keys = l.keys() + r.keys();
    keys.removeDuplicates();
    std::sort(keys.begin(), keys.end());
    int differences = 0;
    for (const QString &k : keys) {
        const bool inLeft = l.contains(k), inRight = r.contains(k);
        if (inLeft && inRight && l[k].sameBehaviour(r[k]))
            continue;
        ++differences;
        const FlagState &any = inLeft ? l[k] : r[k];
        ctx.out << kindName(any.kind) << " " << any.name << ": "
                << (inLeft ? l[k].summary() : QStringLiteral("(missing)")) << " in " << left << ", "
                << (inRight ? r[k].summary() : QStringLiteral("(missing)")) << " in " << right
                << "\n";
    }
    if (differences == 0)
        ctx.out << left << " and " << right << " have the same flags\n";
    return differences ? ExitCode::Problems : ExitCode::Ok;
}

/** Runs the ORM change on the environment's first host; 3 = changed since read, 4 = gone. */
Status writeThroughManage(EnvironmentSession &env, const FlagsSpec &spec, const FlagChange &change,
                          const FlagState &before, QString *via)
{
    const QString host = env.environment().hosts.value(0);
    if (host.isEmpty())
        return Status::failure(QStringLiteral("flags.manage needs a host in the environment"));
    SshExec *exec =
        env.pool()->client(host)->exec(manageCommand(spec.manage, change, before.modified));
    QEventLoop loop;
    QObject::connect(exec, &SshExec::finished, &loop, &QEventLoop::quit);
    if (!exec->isFinished())
        loop.exec();
    *via = QStringLiteral("manage.py on %1").arg(host);
    switch (exec->exitStatus()) {
    case 0:
        return success();
    case 3:
        return Status::failure(QStringLiteral("changed by someone else since it was read; "
                                              "nothing written (run it again to see the new "
                                              "state)"),
                               QStringLiteral("conflict"));
    case 4:
        return Status::failure(QStringLiteral("the flag is gone"), QStringLiteral("conflict"));
    default:
        return Status::failure(QStringLiteral("manage.py failed (%1): %2")
                                   .arg(exec->exitStatus())
                                   .arg(QString::fromUtf8(exec->capturedStderr())
                                            .trimmed()
                                            .section(QLatin1Char('\n'), -3) +
                                        exec->errorString()));
    }
}

Status writeThroughSql(EnvironmentSession &env, const FlagChange &change, const FlagState &before,
                       QString *via)
{
    *via = QStringLiteral("SQL");
    const Result<PgConnection *> db = env.database(PgSessionSettings::action());
    if (!db)
        return Status::failure(db.errorString());
    const PgStatement update = sqlUpdate(change, before.modified);
    const Result<PgResultSet> result =
        EnvironmentSession::wait((*db)->query(update.sql, update.params));
    if (!result)
        return Status::failure(result.errorString());
    if (result->rowCount() == 0)
        return Status::failure(QStringLiteral("changed by someone else since it was read; nothing "
                                              "written"),
                               QStringLiteral("conflict"));
    return success();
}

int runWrite(CliContext &ctx, const QString &verb, QStringList args)
{
    const bool yes = args.removeAll(QStringLiteral("--yes")) > 0;
    QString comment;
    for (const QString &flag : {QStringLiteral("-m"), QStringLiteral("--comment")})
        if (const qsizetype at = args.indexOf(flag); at >= 0) {
            comment = args.value(at + 1);
            args.remove(at, qMin<qsizetype>(2, args.size() - at));
        }
    FlagChange change;
    change.op = verb == QLatin1String("on")    ? FlagChange::Op::On
                : verb == QLatin1String("off") ? FlagChange::Op::Off
                                               : FlagChange::Op::Percent;
    if (const qsizetype at = args.indexOf(QStringLiteral("--percent")); at >= 0) {
        bool ok = false;
        change.percent = args.value(at + 1).toDouble(&ok);
        args.remove(at, qMin<qsizetype>(2, args.size() - at));
        if (!ok || change.op != FlagChange::Op::Percent) {
            ctx.err << "usage: " << kUsage << "\n";
            return ExitCode::Usage;
        }
    } else if (change.op == FlagChange::Op::Percent) {
        ctx.err << "opsdeck flags set: --percent N is needed\n";
        return ExitCode::Usage;
    }
    if (args.size() != 2) {
        ctx.err << "usage: " << kUsage << "\n";
        return ExitCode::Usage;
    }
    const QString environment = args.at(0);
    change.name = args.at(1);
    if (const Status valid = change.validate(); !valid) {
        ctx.err << "opsdeck flags: " << valid.errorString() << "\n";
        return ExitCode::Usage;
    }
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session) {
        ctx.err << "opsdeck flags: " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    EnvironmentSession &env = **session;
    if (env.environment().isProtected && !yes) {
        ctx.err << "opsdeck flags: " << environment
                << " is protected: add --yes to change a flag there from the command line\n";
        return ExitCode::Failure;
    }
    const Result<FlagsSpec> spec = flagsSpecOf(env);
    const Result<QList<FlagState>> flags =
        spec ? readFlags(env, *spec, PgSessionSettings::action())
             : Result<QList<FlagState>>::failure(spec.errorString());
    if (!flags) {
        ctx.err << "opsdeck flags: " << environment << ": " << flags.errorString() << "\n";
        return ExitCode::Failure;
    }
    if (spec->backend != QLatin1String("waffle")) {
        ctx.err << "opsdeck flags: writing is implemented for waffle so far\n";
        return ExitCode::Failure;
    }
    const auto found = std::find_if(flags->begin(), flags->end(), [&](const FlagState &f) {
        return f.kind == FlagState::Kind::Flag && f.name == change.name;
    });
    if (found == flags->end()) {
        ctx.err << "opsdeck flags: " << environment << " has no flag '" << change.name << "'\n";
        return ExitCode::Failure;
    }
    const FlagState before = *found, after = change.applied(before);
    QString via;
    const Status written = spec->manage.isEmpty()
                               ? writeThroughSql(env, change, before, &via)
                               : writeThroughManage(env, *spec, change, before, &via);
    AuditLog audit;
    (void)audit.record(
        {QDateTime::currentDateTimeUtc(), AuditLog::currentUser(), env.workspace().name,
         environment, QStringLiteral("flag.set"), QStringLiteral("flag ") + change.name,
         before.summary(), after.summary(), comment,
         written ? QStringLiteral("done") : QStringLiteral("failed: ") + written.errorString()});
    if (!written) {
        ctx.err << "opsdeck flags: " << environment << ": " << change.name << ": "
                << written.errorString() << "\n";
        return ExitCode::Failure;
    }
    ctx.out << environment << ": flag " << change.name << ": " << before.summary() << " → "
            << after.summary() << " (" << via << ")\n";
    if (via == QLatin1String("SQL"))
        ctx.err << "note: written with SQL; app processes may serve the cached value until "
                   "waffle's cache entries expire (set flags.manage to write through Django)\n";
    return ExitCode::Ok;
}

int runFlags(CliContext &ctx)
{
    QStringList args = ctx.args;
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    const QString sub = args.value(0);
    if (sub == QLatin1String("ls") || sub == QLatin1String("list"))
        return runList(ctx, args.mid(1), json);
    if (sub == QLatin1String("diff") && args.size() == 3)
        return runDiff(ctx, args.at(1), args.at(2));
    if (sub == QLatin1String("on") || sub == QLatin1String("off") || sub == QLatin1String("set"))
        return runWrite(ctx, sub, args.mid(1));
    ctx.err << "usage: " << kUsage << "\n";
    return ExitCode::Usage;
}

} // namespace

CliCommand flagsCommand()
{
    return {QStringLiteral("flags"),
            {},
            QStringLiteral("Feature flags"),
            QStringLiteral("django-waffle and plain flag tables per environment: list, compare, "
                           "switch"),
            QString::fromLatin1(kUsage) +
                QStringLiteral("\n  ls: a flag × environment table (every environment with a "
                               "flags: block)\n  diff: exit 1 when the environments differ"),
            runFlags};
}

} // namespace Opsdeck
