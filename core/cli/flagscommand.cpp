// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagscommand.h"

#include "environmentsession.h"
#include "flagscli.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <optional>

namespace Opsdeck {

namespace {

using namespace FlagsCli;

const char *const kUsage =
    "opsdeck flags ls [ENV...] [--json]\n"
    "opsdeck flags diff ENV1 ENV2\n"
    "opsdeck flags on|off ENV NAME [-m COMMENT] [--yes]\n"
    "opsdeck flags set ENV NAME --percent N [-m COMMENT] [--yes]\n"
    "opsdeck flags create ENV NAME [--switch|--sample] [--on|--off|--percent N] [--note TEXT] "
    "[-m COMMENT] [--yes]\n"
    "opsdeck flags delete ENV NAME [--switch|--sample] [-m COMMENT] [--yes]\n"
    "opsdeck flags rules ENV NAME [--everyone on|off|unset] [--staff on|off] [--superusers "
    "on|off]\n"
    "      [--authenticated on|off] [--testing on|off] [--users A,B] [--groups G,H] [-m] [--yes]\n"
    "opsdeck flags kill NAME [-m COMMENT] [--yes]";

int runList(CliContext &ctx, QStringList environments, bool json)
{
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(ctx.workspacePath());
    if (!loaded.ok()) {
        ctx.err << "opsdeck flags: " << ctx.workspacePath()
                << ": the workspace has errors (opsdeck check shows them)\n";
        return ExitCode::Failure;
    }
    const std::optional<Workspace> &workspace = loaded.workspace;
    // Every name checked before anything is read or printed: a typo gives one line, no table.
    for (const QString &env : environments)
        if (!workspace->environment(env)) {
            ctx.err << "opsdeck flags: "
                    << unknownEnvironment(env, ctx.workspacePath(), workspace->environmentNames())
                    << "\n";
            return ExitCode::Failure;
        }
    if (environments.isEmpty())
        for (const EnvironmentSpec &env : workspace->environments)
            if (!env.flags.isEmpty())
                environments << env.name;
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
            byFlag[flagKey(f)].insert(env, f);
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
        // Columns as wide as their longest cell (rules can be long: "staff, group beta").
        qsizetype width = 6;
        QHash<QString, qsizetype> widths;
        for (const QString &env : environments)
            widths[env] = env.size() + 2;
        for (const auto &states : byFlag) {
            width = qMax(width, label(states.first()).size() + 2);
            for (auto e = states.begin(); e != states.end(); ++e)
                widths[e.key()] = qMax(widths[e.key()], e->summary().size() + 2);
        }
        ctx.out << QStringLiteral("FLAG").leftJustified(width);
        for (const QString &env : environments)
            ctx.out << env.leftJustified(widths[env]);
        ctx.out << "\n";
        for (const auto &states : byFlag) {
            ctx.out << label(states.first()).leftJustified(width);
            for (const QString &env : environments)
                ctx.out << (states.contains(env) ? states[env].summary() : QStringLiteral("—"))
                               .leftJustified(widths[env]);
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
        l.insert(flagKey(f), f);
    for (const FlagState &f : *b)
        r.insert(flagKey(f), f);
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
    static const QStringList writes{QStringLiteral("on"),     QStringLiteral("off"),
                                    QStringLiteral("set"),    QStringLiteral("create"),
                                    QStringLiteral("delete"), QStringLiteral("rules"),
                                    QStringLiteral("kill")};
    if (writes.contains(sub)) {
        const int code = runWrite(ctx, sub, args.mid(1));
        if (code == ExitCode::Usage)
            ctx.err << "usage: " << kUsage << "\n";
        return code;
    }
    ctx.err << "usage: " << kUsage << "\n";
    return ExitCode::Usage;
}

} // namespace

CliCommand flagsCommand()
{
    return {QStringLiteral("flags"),
            {},
            QStringLiteral("Feature flags"),
            QStringLiteral(
                "django-waffle, plain flag tables and Unleash per environment: list, compare, "
                "switch, create, delete, edit rules, kill everywhere"),
            QString::fromLatin1(kUsage) +
                QStringLiteral("\n  ls: a flag × environment table (every environment with a "
                               "flags: block)\n  diff: exit 1 when the environments differ\n  "
                               "rules: without options, "
                               "prints the flag's rules\n  kill: off in every environment that has "
                               "it on, each confirmed as its environment requires"),
            runFlags};
}

} // namespace Opsdeck
