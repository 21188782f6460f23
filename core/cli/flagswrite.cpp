// SPDX-License-Identifier: GPL-3.0-or-later
// The writing half of `opsdeck flags`: each write is one FlagEdit through the action pipeline,
// with the protection of the environment it changes.
#include "cliconfirmer.h"
#include "common/suggest.h"
#include "flagscli.h"

#include "audit/auditlog.h"
#include "workspace/workspaceloader.h"

namespace Opsdeck::FlagsCli {

namespace {

/** The options every write shares, taken out of the argument list. */
struct WriteOptions
{
    bool yes = false;
    QString comment;
    FlagState::Kind kind = FlagState::Kind::Flag;
    QStringList positional;
    QHash<QString, QString> values; // --percent 35, --staff on, --users a,b …
    QSet<QString> switches;         // --on, --off
};

const QStringList kValueOptions{
    QStringLiteral("--percent"), QStringLiteral("--note"),       QStringLiteral("--everyone"),
    QStringLiteral("--staff"),   QStringLiteral("--superusers"), QStringLiteral("--authenticated"),
    QStringLiteral("--testing"), QStringLiteral("--users"),      QStringLiteral("--groups")};

Result<WriteOptions> parseOptions(const QStringList &args)
{
    WriteOptions o;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--yes")) {
            o.yes = true;
        } else if (a == QLatin1String("-m") || a == QLatin1String("--comment")) {
            o.comment = args.value(++i);
        } else if (a == QLatin1String("--switch")) {
            o.kind = FlagState::Kind::Switch;
        } else if (a == QLatin1String("--sample")) {
            o.kind = FlagState::Kind::Sample;
        } else if (a == QLatin1String("--on") || a == QLatin1String("--off")) {
            o.switches.insert(a);
        } else if (kValueOptions.contains(a)) {
            if (i + 1 >= args.size())
                return Result<WriteOptions>::failure(a + QStringLiteral(" needs a value"));
            o.values.insert(a, args.at(++i));
        } else if (a.startsWith(QLatin1String("--"))) {
            return Result<WriteOptions>::failure(QStringLiteral("unknown option ") + a);
        } else {
            o.positional << a;
        }
    }
    return o;
}

std::optional<bool> onOff(const QString &text, bool *ok)
{
    *ok = true;
    if (text == QLatin1String("on") || text == QLatin1String("yes") ||
        text == QLatin1String("true"))
        return true;
    if (text == QLatin1String("off") || text == QLatin1String("no") ||
        text == QLatin1String("false"))
        return false;
    *ok = text == QLatin1String("unset");
    return std::nullopt;
}

/** Applies --everyone/--staff/…/--users/--groups to `flag`; false with `error` on a bad value. */
bool applyRules(const WriteOptions &o, FlagState &flag, QString *error)
{
    const auto toggle = [&](const char *option, bool &field) {
        const QString value = o.values.value(QLatin1String(option));
        if (value.isEmpty())
            return true;
        bool ok = false;
        const std::optional<bool> on = onOff(value, &ok);
        if (!ok || !on)
            *error = QStringLiteral("%1 takes on or off").arg(QLatin1String(option));
        else
            field = *on;
        return ok && on;
    };
    if (const QString everyone = o.values.value(QStringLiteral("--everyone"));
        !everyone.isEmpty()) {
        bool ok = false;
        flag.everyone = onOff(everyone, &ok);
        if (!ok) {
            *error = QStringLiteral("--everyone takes on, off or unset");
            return false;
        }
    }
    if (!toggle("--staff", flag.staff) || !toggle("--superusers", flag.superusers) ||
        !toggle("--authenticated", flag.authenticated) || !toggle("--testing", flag.testing))
        return false;
    const auto list = [](const QString &text) {
        QStringList names = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString &n : names)
            n = n.trimmed();
        return names;
    };
    if (o.values.contains(QStringLiteral("--users")))
        flag.userNames = list(o.values.value(QStringLiteral("--users")));
    if (o.values.contains(QStringLiteral("--groups")))
        flag.groupNames = list(o.values.value(QStringLiteral("--groups")));
    return true;
}

bool hasRuleOptions(const WriteOptions &o)
{
    for (const QString &option : kValueOptions)
        if (option != QLatin1String("--percent") && option != QLatin1String("--note") &&
            o.values.contains(option))
            return true;
    return false;
}

QString label(const FlagState &f)
{
    return QStringLiteral("%1 %2").arg(kindName(f.kind), f.name);
}

const FlagState *findFlag(const QList<FlagState> &flags, FlagState::Kind kind, const QString &name)
{
    for (const FlagState &f : flags)
        if (f.kind == kind && f.name == name)
            return &f;
    return nullptr;
}

/** One edit through the pipeline; prints what happened. */
int submitEdit(CliContext &ctx, OpenedFlags &opened, const FlagEdit &edit, const WriteOptions &o)
{
    const EnvironmentSession &env = *opened.session;
    const QString environment = env.environment().name;
    if (const Status valid = edit.validate(); !valid) {
        ctx.err << "opsdeck flags: " << valid.errorString() << "\n";
        return ExitCode::Usage;
    }
    ActionRequest request = flagEditRequest(env.workspace().name, env.environment(), edit);
    request.description =
        QStringLiteral("%1: %2: %3 → %4")
            .arg(environment, label(edit.subject()), edit.beforeText(), edit.afterText());
    request.comment = o.comment;
    ActionPipeline pipeline(env.context().auditLog(),
                            std::make_shared<CliConfirmer>(ctx.err, o.yes));
    QString via;
    Status written = Status::failure(QStringLiteral("not confirmed; nothing was changed"));
    pipeline.submit(
        request,
        [&](const ActionRequest &, ActionPipeline::Finish finish) {
            const FlagWritten outcome = EnvironmentSession::wait(opened.backend->apply(edit));
            written = outcome.status;
            via = outcome.via;
            finish(written ? Result<QString>(QString()) : Result<QString>(written.error()));
        },
        [&](const ActionOutcome &outcome) {
            if (outcome.status == ActionOutcome::Status::Refused)
                written = Status::failure(outcome.message);
        });
    if (!written) {
        ctx.err << "opsdeck flags: " << environment << ": " << edit.subject().name << ": "
                << written.errorString() << "\n";
        return ExitCode::Failure;
    }
    ctx.out << environment << ": " << label(edit.subject()) << ": " << edit.beforeText() << " → "
            << edit.afterText() << " (" << via << ")\n";
    if (const QString caveat = opened.backend->writeCaveat(); !caveat.isEmpty())
        ctx.err << "note: " << caveat << "\n";
    return ExitCode::Ok;
}

/** The edit a verb asks for on `found` (nullptr: the flag does not exist), or why not. */
Result<FlagEdit> editFor(const QString &verb, const WriteOptions &o, const QString &name,
                         const FlagState *found, int capabilities)
{
    using R = Result<FlagEdit>;
    if (verb == QLatin1String("create")) {
        if (found)
            return R::failure(QStringLiteral("%1 exists already").arg(label(*found)));
        FlagState flag;
        flag.kind = o.kind;
        flag.name = name;
        flag.note = o.values.value(QStringLiteral("--note"));
        const bool on = o.switches.contains(QStringLiteral("--on"));
        if (o.kind == FlagState::Kind::Switch)
            flag.active = on;
        else if (o.kind == FlagState::Kind::Flag && !o.switches.isEmpty())
            flag.everyone = on;
        if (o.values.contains(QStringLiteral("--percent")))
            flag.percent = o.values.value(QStringLiteral("--percent")).toDouble();
        else if (o.kind == FlagState::Kind::Sample)
            return R::failure(QStringLiteral("a sample needs --percent N"));
        flag.active = flag.active || flag.everyone.value_or(false);
        return FlagEdit::create(flag);
    }
    if (!found)
        return R::failure(QStringLiteral("has no %1 '%2'").arg(kindName(o.kind), name));
    if (verb == QLatin1String("delete"))
        return FlagEdit::remove(*found);
    FlagState after = *found;
    if (verb == QLatin1String("rules")) {
        if (!(capabilities & FlagsBackend::Rules))
            return R::failure(QStringLiteral("this backend keeps no rules besides on and off"));
        QString error;
        if (!applyRules(o, after, &error))
            return R::failure(error);
        return FlagEdit::update(*found, after);
    }
    if (o.kind == FlagState::Kind::Switch) {
        if (verb == QLatin1String("set"))
            return R::failure(QStringLiteral("a switch is on or off"));
        after.active = verb == QLatin1String("on");
        return FlagEdit::update(*found, after);
    }
    FlagChange change;
    change.name = name;
    change.op = verb == QLatin1String("on")    ? FlagChange::Op::On
                : verb == QLatin1String("off") ? FlagChange::Op::Off
                                               : FlagChange::Op::Percent;
    if (change.op == FlagChange::Op::Percent) {
        bool ok = false;
        change.percent = o.values.value(QStringLiteral("--percent")).toDouble(&ok);
        if (!ok)
            return R::failure(QStringLiteral("--percent N is needed"));
    }
    return FlagEdit::update(*found, change.applied(*found));
}

int runOne(CliContext &ctx, const QString &verb, const WriteOptions &o)
{
    if (o.positional.size() != 2)
        return ExitCode::Usage;
    const QString environment = o.positional.at(0), name = o.positional.at(1);
    if (verb != QLatin1String("rules") || hasRuleOptions(o)) {
        // Bounds first: a wrong number is a usage error even before anything is read.
        FlagState probe;
        probe.kind = o.kind;
        probe.name = name;
        if (o.values.contains(QStringLiteral("--percent")))
            probe.percent = o.values.value(QStringLiteral("--percent")).toDouble();
        if (const Status valid = FlagEdit::create(probe).validate(); !valid) {
            ctx.err << "opsdeck flags: " << valid.errorString() << "\n";
            return ExitCode::Usage;
        }
    }
    Result<OpenedFlags> opened = openFlags(ctx, environment);
    if (!opened) {
        ctx.err << "opsdeck flags: " << opened.errorString() << "\n";
        return ExitCode::Failure;
    }
    const Result<QList<FlagState>> flags = readFlags(*opened->backend);
    if (!flags) {
        ctx.err << "opsdeck flags: " << environment << ": " << flags.errorString() << "\n";
        return ExitCode::Failure;
    }
    const FlagState *found = findFlag(*flags, o.kind, name);
    QStringList sameKind; // for "did you mean …?" when the name is mistyped
    for (const FlagState &f : *flags)
        if (f.kind == o.kind)
            sameKind << f.name;
    if (!found && verb != QLatin1String("create")) {
        ctx.err << "opsdeck flags: " << environment << " has no " << kindName(o.kind) << " '"
                << name << "'" << didYouMean(name, sameKind) << "\n";
        return ExitCode::Failure;
    }
    if (verb == QLatin1String("rules") && !hasRuleOptions(o)) {
        ctx.out << environment << ": " << label(*found) << "\n" << found->rules() << "\n";
        return ExitCode::Ok;
    }
    const Result<FlagEdit> edit = editFor(verb, o, name, found, opened->backend->capabilities());
    if (!edit) {
        ctx.err << "opsdeck flags: " << environment << " " << edit.errorString() << "\n";
        return ExitCode::Failure;
    }
    return submitEdit(ctx, opened.value(), *edit, o);
}

/** Off in every environment that has the flag on (for anyone): each its own confirmation. */
int runKill(CliContext &ctx, const WriteOptions &o)
{
    if (o.positional.size() != 1)
        return ExitCode::Usage;
    const QString name = o.positional.at(0);
    const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(ctx.workspacePath());
    if (!loaded.ok()) {
        ctx.err << "opsdeck flags: the workspace has errors (opsdeck check shows them)\n";
        return ExitCode::Failure;
    }
    int failures = 0, changed = 0;
    for (const EnvironmentSpec &env : loaded.workspace->environments) {
        if (env.flags.isEmpty())
            continue;
        Result<OpenedFlags> opened = openFlags(ctx, env.name);
        const Result<QList<FlagState>> flags =
            opened ? readFlags(*opened->backend) : Result<QList<FlagState>>(opened.error());
        if (!flags) {
            ctx.err << "opsdeck flags: " << env.name << ": " << flags.errorString() << "\n";
            ++failures;
            continue;
        }
        const FlagState *found = findFlag(*flags, o.kind, name);
        if (!found || found->effect() == FlagState::Effect::Off)
            continue;
        FlagState off = *found;
        off.everyone = false;
        off.active = false;
        const int code = submitEdit(ctx, opened.value(), FlagEdit::update(*found, off), o);
        code == ExitCode::Ok ? ++changed : ++failures;
    }
    if (changed == 0 && failures == 0)
        ctx.out << "flag " << name << " is off everywhere already\n";
    return failures ? ExitCode::Failure : ExitCode::Ok;
}

} // namespace

int runWrite(CliContext &ctx, const QString &verb, QStringList args)
{
    const Result<WriteOptions> options = parseOptions(args);
    if (!options) {
        ctx.err << "opsdeck flags " << verb << ": " << options.errorString() << "\n";
        return ExitCode::Usage;
    }
    if (verb == QLatin1String("set") && !options->values.contains(QStringLiteral("--percent"))) {
        ctx.err << "opsdeck flags set: --percent N is needed\n";
        return ExitCode::Usage;
    }
    if (verb == QLatin1String("kill"))
        return runKill(ctx, *options);
    return runOne(ctx, verb, *options);
}

} // namespace Opsdeck::FlagsCli
