// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagscommand.h"

#include "cliconfirmer.h"

#include "audit/auditlog.h"
#include "environmentsession.h"
#include "flags/flagsbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <optional>

namespace Opsdeck {

namespace {

const char *const kUsage = "opsdeck flags ls [ENV...] [--json]\n"
                           "opsdeck flags diff ENV1 ENV2\n"
                           "opsdeck flags on|off ENV NAME [-m COMMENT] [--yes]\n"
                           "opsdeck flags set ENV NAME --percent N [-m COMMENT] [--yes]";

/** Runs an event loop until a backend's callback has answered (commands may block). */
template<typename T>
T waitFor(const std::function<void(std::function<void(const T &)>)> &start)
{
    std::optional<T> answer;
    QEventLoop loop;
    start([&](const T &value) {
        answer = value;
        loop.quit();
    });
    if (!answer)
        loop.exec();
    return *answer;
}

Result<QList<FlagState>> readFlags(FlagsBackend &backend)
{
    QObject guard;
    return waitFor<Result<QList<FlagState>>>(
        [&](auto done) { backend.load(&guard, std::move(done)); });
}

struct OpenedFlags
{
    std::unique_ptr<EnvironmentSession> session;
    std::unique_ptr<FlagsBackend> backend;
};

Result<OpenedFlags> openFlags(CliContext &ctx, const QString &environment)
{
    using R = Result<OpenedFlags>;
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session)
        return R::failure(session.errorString());
    Result<std::unique_ptr<FlagsBackend>> backend =
        FlagsBackend::create((*session)->environment(), (*session)->pool());
    if (!backend)
        return R::failure(backend.errorString());
    return R(OpenedFlags{std::move(session.value()), std::move(backend.value())});
}

Result<QList<FlagState>> readFlags(CliContext &ctx, const QString &environment)
{
    Result<OpenedFlags> opened = openFlags(ctx, environment);
    if (!opened)
        return Result<QList<FlagState>>::failure(opened.errorString());
    return readFlags(*opened.value().backend);
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
    FlagState named;
    named.name = change.name;
    if (const Status valid = FlagEdit::update(named, change.applied(named)).validate(); !valid) {
        ctx.err << "opsdeck flags: " << valid.errorString() << "\n";
        return ExitCode::Usage;
    }
    Result<OpenedFlags> opened = openFlags(ctx, environment);
    if (!opened) {
        ctx.err << "opsdeck flags: " << opened.errorString() << "\n";
        return ExitCode::Failure;
    }
    const EnvironmentSession &env = *opened->session;
    FlagsBackend &backend = *opened.value().backend;
    const Result<QList<FlagState>> flags = readFlags(backend);
    if (!flags) {
        ctx.err << "opsdeck flags: " << environment << ": " << flags.errorString() << "\n";
        return ExitCode::Failure;
    }
    const auto found = std::find_if(flags->begin(), flags->end(), [&](const FlagState &f) {
        return f.kind == FlagState::Kind::Flag && f.name == change.name;
    });
    if (found == flags->end()) {
        ctx.err << "opsdeck flags: " << environment << " has no flag '" << change.name << "'\n";
        return ExitCode::Failure;
    }
    const FlagEdit edit = FlagEdit::update(*found, change.applied(*found));
    if (const Status valid = edit.validate(); !valid) {
        ctx.err << "opsdeck flags: " << valid.errorString() << "\n";
        return ExitCode::Usage;
    }
    ActionRequest request = flagEditRequest(env.workspace().name, env.environment(), edit);
    request.description = QStringLiteral("%1: flag %2: %3 → %4")
                              .arg(environment, change.name, edit.beforeText(), edit.afterText());
    request.comment = comment;
    ActionPipeline pipeline(std::make_shared<AuditLog>(),
                            std::make_shared<CliConfirmer>(ctx.err, yes));
    QString via;
    Status written = Status::failure(QStringLiteral("not confirmed; nothing was changed"));
    pipeline.submit(
        request,
        [&](const ActionRequest &, ActionPipeline::Finish finish) {
            QObject guard;
            written = waitFor<Status>([&](auto done) {
                backend.apply(edit, &guard, [&via, done](const Status &s, const QString &how) {
                    via = how;
                    done(s);
                });
            });
            finish(written ? Result<QString>(QString()) : Result<QString>(written.error()));
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::Refused)
                written = Status::failure(outcome.message);
        });
    if (!written) {
        ctx.err << "opsdeck flags: " << environment << ": " << change.name << ": "
                << written.errorString() << "\n";
        return ExitCode::Failure;
    }
    ctx.out << environment << ": flag " << change.name << ": " << edit.beforeText() << " → "
            << edit.afterText() << " (" << via << ")\n";
    if (const QString caveat = backend.writeCaveat(); !caveat.isEmpty())
        ctx.err << "note: " << caveat << "\n";
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
            QStringLiteral(
                "django-waffle, plain flag tables and Unleash per environment: list, compare, "
                "switch"),
            QString::fromLatin1(kUsage) +
                QStringLiteral("\n  ls: a flag × environment table (every environment with a "
                               "flags: block)\n  diff: exit 1 when the environments differ"),
            runFlags};
}

} // namespace Opsdeck
