// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagscommand.h"

#include "environmentsession.h"
#include "flags/flagstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace Opsdeck {

namespace {

const char *const kUsage = "opsdeck flags ls [ENV...] [--json]\n"
                           "opsdeck flags diff ENV1 ENV2";

/** Every flag of one environment, read in one query through its database session. */
Result<QList<FlagState>> readFlags(CliContext &ctx, const QString &environment)
{
    using R = Result<QList<FlagState>>;
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session)
        return R::failure(session.errorString());
    EnvironmentSession &env = **session;
    const Result<FlagsSpec> spec = FlagsSpec::fromWorkspace(env.environment().flags);
    if (!spec)
        return R::failure(spec.errorString());
    if (env.environment().flags.isEmpty())
        return R::failure(QStringLiteral("no flags: block in the workspace"));
    const Result<PgConnection *> db = env.database();
    if (!db)
        return R::failure(db.errorString());
    const PgStatement statement = flagsQuery(*spec);
    return parseFlags(*spec, EnvironmentSession::wait((*db)->query(statement.sql)));
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

int runFlags(CliContext &ctx)
{
    QStringList args = ctx.args;
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    const QString sub = args.value(0);
    if (sub == QLatin1String("ls") || sub == QLatin1String("list"))
        return runList(ctx, args.mid(1), json);
    if (sub == QLatin1String("diff") && args.size() == 3)
        return runDiff(ctx, args.at(1), args.at(2));
    ctx.err << "usage: " << kUsage << "\n";
    return ExitCode::Usage;
}

} // namespace

CliCommand flagsCommand()
{
    return {QStringLiteral("flags"),
            {},
            QStringLiteral("Feature flags"),
            QStringLiteral("django-waffle and plain flag tables per environment: list, compare"),
            QString::fromLatin1(kUsage) +
                QStringLiteral("\n  ls: a flag × environment table (every environment with a "
                               "flags: block)\n  diff: exit 1 when the environments differ"),
            runFlags};
}

} // namespace Opsdeck
