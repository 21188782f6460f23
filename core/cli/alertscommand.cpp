// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertscommand.h"

#include "alerts/alertactions.h"
#include "alerts/alertsclient.h"
#include "alerts/rulefiles.h"
#include "cliconfirmer.h"
#include "common/formatting.h"
#include "environmentsession.h"
#include "metrics/timegrid.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

namespace {

const char kAlertsUsage[] = "opsdeck alerts ENV [--all] [--json]\n"
                            "  --all   every alerting rule, not only the firing and pending ones";
const char kSilenceUsage[] =
    "opsdeck silence ENV MATCHER... [--for 1h] -m COMMENT [--yes]\n"
    "  MATCHER  alertname=InstanceDown, host=~\"web.*\", severity!=info (Alertmanager's syntax)";
const char kSilencesUsage[] = "opsdeck silences ENV [--all] [--json]\n"
                              "  --all   expired silences too";
const char kUnsilenceUsage[] = "opsdeck unsilence ENV ID [-m COMMENT] [--yes]";
const char kRulesUsage[] =
    "opsdeck alert-rules ENV [--json]\n"
    "  the workspace's alerts: rules: files, checked by promtool and compared with ENV's "
    "Prometheus";

struct CommonArgs
{
    QString environment;
    QStringList positional; // after the environment
    bool json = false, all = false, yes = false;
    QString comment;
    QString duration = QStringLiteral("1h");
};

Result<CommonArgs> parseCommon(const QStringList &args)
{
    CommonArgs parsed;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (a == QLatin1String("--json"))
            parsed.json = true;
        else if (a == QLatin1String("--all"))
            parsed.all = true;
        else if (a == QLatin1String("--yes") || a == QLatin1String("-y"))
            parsed.yes = true;
        else if ((a == QLatin1String("-m") || a == QLatin1String("--comment")) && hasValue)
            parsed.comment = args.at(++i);
        else if ((a == QLatin1String("--for") || a == QLatin1String("-d")) && hasValue)
            parsed.duration = args.at(++i);
        else if (a.startsWith(QLatin1Char('-')))
            return Result<CommonArgs>::failure(QStringLiteral("unexpected '%1'").arg(a));
        else if (parsed.environment.isEmpty())
            parsed.environment = a;
        else
            parsed.positional << a;
    }
    if (parsed.environment.isEmpty())
        return Result<CommonArgs>::failure(QStringLiteral("which environment?"));
    return parsed;
}

struct Opened
{
    std::unique_ptr<EnvironmentSession> session;
    AlertsClient *client = nullptr;
};

Result<Opened> openAlerts(CliContext &ctx, const QString &environment, bool needsAlertmanager)
{
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), environment);
    if (!session)
        return Result<Opened>::failure(session.errorString());
    Opened opened;
    opened.client = (*session)->context().alerts();
    if (!opened.client)
        return Result<Opened>::failure(
            QStringLiteral("%1 has no prometheus: block; its alerting rules live there")
                .arg(environment));
    if (needsAlertmanager && !opened.client->hasAlertmanager())
        return Result<Opened>::failure(
            QStringLiteral("%1 has no alertmanager: block; silences live there").arg(environment));
    opened.session = std::move(session.value());
    return opened;
}

AlertsSnapshot readSnapshot(AlertsClient *client)
{
    return EnvironmentSession::wait(client->refresh());
}

QString sinceText(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("-");
    return formatWhen(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC));
}

QJsonObject labelsJson(const LabelSet &labels)
{
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonObject snapshotJson(const AlertsSnapshot &snapshot, bool all)
{
    QJsonArray rules;
    for (const AlertRule &rule : snapshot.rules) {
        if (!all && rule.alerts.isEmpty())
            continue;
        QJsonArray alerts;
        for (const AlertInstance &a : rule.alerts)
            alerts.append(QJsonObject{
                {QStringLiteral("labels"), labelsJson(a.labels)},
                {QStringLiteral("annotations"), labelsJson(a.annotations)},
                {QStringLiteral("state"), a.state},
                {QStringLiteral("active_at"),
                 QDateTime::fromMSecsSinceEpoch(a.activeAtMs, Qt::UTC).toString(Qt::ISODate)},
                {QStringLiteral("value"), a.value},
                {QStringLiteral("silenced_by"), QJsonArray::fromStringList(a.silencedBy)},
                {QStringLiteral("inhibited_by"), QJsonArray::fromStringList(a.inhibitedBy)}});
        rules.append(QJsonObject{{QStringLiteral("name"), rule.name},
                                 {QStringLiteral("group"), rule.group},
                                 {QStringLiteral("query"), rule.query},
                                 {QStringLiteral("for_seconds"), double(rule.forMs) / 1000},
                                 {QStringLiteral("state"), rule.state},
                                 {QStringLiteral("health"), rule.health},
                                 {QStringLiteral("labels"), labelsJson(rule.labels)},
                                 {QStringLiteral("alerts"), alerts}});
    }
    QJsonObject o{{QStringLiteral("summary"), snapshot.summary()},
                  {QStringLiteral("worst"), severityName(snapshot.worstFiring())},
                  {QStringLiteral("rules"), rules}};
    if (!snapshot.alertmanagerError.isEmpty())
        o.insert(QStringLiteral("alertmanager_error"), snapshot.alertmanagerError);
    return o;
}

void printAlerts(QTextStream &out, const AlertsSnapshot &snapshot, bool all)
{
    QList<QStringList> rows{{QStringLiteral("STATE"), QStringLiteral("ALERT"),
                             QStringLiteral("SEVERITY"), QStringLiteral("SINCE"),
                             QStringLiteral("SUMMARY")}};
    for (const AlertRule &rule : snapshot.rules) {
        const QStringList distinguishing = rule.distinguishingLabels();
        for (const AlertInstance &a : rule.alerts) {
            QString state = a.state;
            if (a.isSilenced())
                state += QStringLiteral(" (silenced)");
            else if (!a.inhibitedBy.isEmpty())
                state += QStringLiteral(" (inhibited)");
            rows << QStringList{state, a.title(distinguishing), severityName(a.severity()),
                                sinceText(a.activeAtMs),
                                a.annotations.value(QStringLiteral("summary")).simplified()};
        }
        if (all && rule.alerts.isEmpty())
            rows << QStringList{rule.health == QLatin1String("err") ? QStringLiteral("error")
                                                                    : QStringLiteral("inactive"),
                                rule.name, severityName(severityOf(rule.labels)),
                                QStringLiteral("-"),
                                rule.lastError.isEmpty()
                                    ? rule.annotations.value(QStringLiteral("summary")).simplified()
                                    : rule.lastError};
    }
    if (rows.size() > 1)
        out << formatColumns(rows);
    out << snapshot.summary() << " ("
        << countOf(snapshot.rules.size(), QStringLiteral("rule"), QStringLiteral("rules")) << ")\n";
}

int runAlerts(CliContext &ctx)
{
    const Result<CommonArgs> args = parseCommon(ctx.args);
    if (!args || !args->positional.isEmpty()) {
        ctx.err << "opsdeck alerts: "
                << (args ? QStringLiteral("unexpected '%1'").arg(args->positional.first())
                         : args.errorString())
                << "\nusage: " << kAlertsUsage << "\n";
        return ExitCode::Usage;
    }
    Result<Opened> opened = openAlerts(ctx, args->environment, false);
    if (!opened) {
        ctx.err << "opsdeck alerts: " << opened.errorString() << "\n";
        return ExitCode::Failure;
    }
    const AlertsSnapshot snapshot = readSnapshot(opened->client);
    if (!snapshot.prometheusError.isEmpty()) {
        ctx.err << "opsdeck alerts: " << snapshot.prometheusError << "\n";
        return ExitCode::Failure;
    }
    if (!snapshot.alertmanagerError.isEmpty())
        ctx.err << "opsdeck alerts: " << snapshot.alertmanagerError
                << " (silences are not shown)\n";
    if (args->json)
        ctx.out << QJsonDocument(snapshotJson(snapshot, args->all)).toJson(QJsonDocument::Indented);
    else
        printAlerts(ctx.out, snapshot, args->all);
    // Like a Nagios check, and `opsdeck db health`: 0 quiet, 1 warnings, 2 critical. Silenced
    // alerts were looked at by someone already: they do not count.
    switch (snapshot.worstFiring()) {
    case AlertSeverity::Critical:
        return 2;
    case AlertSeverity::Warning:
    case AlertSeverity::Info:
        return 1;
    case AlertSeverity::None:
        break;
    }
    const QList<AlertInstance> firing = snapshot.firing();
    const bool loud = std::any_of(firing.cbegin(), firing.cend(),
                                  [](const AlertInstance &a) { return !a.isSilenced(); });
    return loud ? 1 : ExitCode::Ok;
}

int runSilence(CliContext &ctx)
{
    const Result<CommonArgs> args = parseCommon(ctx.args);
    if (!args || args->positional.isEmpty()) {
        ctx.err << "opsdeck silence: "
                << (args ? QStringLiteral("which alerts? give matchers") : args.errorString())
                << "\nusage: " << kSilenceUsage << "\n";
        return ExitCode::Usage;
    }
    Silence silence;
    for (const QString &text : args->positional) {
        const Result<SilenceMatcher> matcher = SilenceMatcher::parse(text);
        if (!matcher) {
            ctx.err << "opsdeck silence: " << matcher.errorString() << "\n";
            return ExitCode::Usage;
        }
        silence.matchers << *matcher;
    }
    const qint64 durationMs = parseDurationMs(args->duration);
    if (durationMs <= 0) {
        ctx.err << "opsdeck silence: --for '" << args->duration
                << "': expected a duration like 30m, 2h or 1d\n";
        return ExitCode::Usage;
    }
    Result<Opened> opened = openAlerts(ctx, args->environment, true);
    if (!opened) {
        ctx.err << "opsdeck silence: " << opened.errorString() << "\n";
        return ExitCode::Failure;
    }
    silence.startsAtMs = QDateTime::currentMSecsSinceEpoch();
    silence.endsAtMs = silence.startsAtMs + durationMs;
    silence.createdBy = silenceAuthor();
    silence.comment = args->comment;
    const EnvironmentSession &env = *opened->session;
    ActionPipeline pipeline(env.context().auditLog(),
                            std::make_shared<CliConfirmer>(ctx.err, args->yes));
    QObject guard;
    QString id;
    std::optional<ActionOutcome> outcome;
    QEventLoop loop;
    pipeline.submit(AlertActions::silenceRequest(env.workspace().name, env.environment(), silence),
                    AlertActions::createSilence(opened->client, silence, &guard,
                                                [&id](const QString &created) { id = created; }),
                    [&](const ActionOutcome &o) {
                        outcome = o;
                        loop.quit();
                    });
    if (!outcome)
        loop.exec();
    if (!outcome->ok()) {
        ctx.err << "opsdeck silence: " << outcome->message << "\n";
        return outcome->status == ActionOutcome::Status::NotConfirmed ? ExitCode::Usage
                                                                      : ExitCode::Failure;
    }
    ctx.out << id << "\n";
    ctx.err << "silenced " << silence.matchersText() << " on " << args->environment << " until "
            << AlertActions::untilText(silence.endsAtMs) << "\n";
    return ExitCode::Ok;
}

void printSilences(QTextStream &out, const QList<Silence> &silences)
{
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("STATE"),
                             QStringLiteral("MATCHERS"), QStringLiteral("ENDS"),
                             QStringLiteral("BY"), QStringLiteral("COMMENT")}};
    for (const Silence &s : silences)
        rows << QStringList{s.id,
                            s.state,
                            s.matchersText(),
                            AlertActions::untilText(s.endsAtMs),
                            s.createdBy,
                            s.comment.simplified()};
    out << formatColumns(rows);
}

int runSilences(CliContext &ctx)
{
    const Result<CommonArgs> args = parseCommon(ctx.args);
    if (!args || !args->positional.isEmpty()) {
        ctx.err << "opsdeck silences: "
                << (args ? QStringLiteral("unexpected '%1'").arg(args->positional.first())
                         : args.errorString())
                << "\nusage: " << kSilencesUsage << "\n";
        return ExitCode::Usage;
    }
    Result<Opened> opened = openAlerts(ctx, args->environment, true);
    if (!opened) {
        ctx.err << "opsdeck silences: " << opened.errorString() << "\n";
        return ExitCode::Failure;
    }
    const AlertsSnapshot snapshot = readSnapshot(opened->client);
    if (!snapshot.alertmanagerError.isEmpty()) {
        ctx.err << "opsdeck silences: " << snapshot.alertmanagerError << "\n";
        return ExitCode::Failure;
    }
    QList<Silence> shown;
    for (const Silence &s : snapshot.silences)
        if (args->all || s.state != QLatin1String("expired"))
            shown << s;
    if (args->json) {
        QJsonArray list;
        for (const Silence &s : std::as_const(shown)) {
            QJsonObject o = QJsonDocument::fromJson(s.toJson()).object();
            o.insert(QStringLiteral("id"), s.id);
            o.insert(QStringLiteral("state"), s.state);
            list.append(o);
        }
        ctx.out << QJsonDocument(list).toJson(QJsonDocument::Indented);
    } else if (shown.isEmpty()) {
        ctx.out << "no active silences on " << args->environment << "\n";
    } else {
        printSilences(ctx.out, shown);
    }
    return ExitCode::Ok;
}

int runUnsilence(CliContext &ctx)
{
    const Result<CommonArgs> args = parseCommon(ctx.args);
    if (!args || args->positional.size() != 1) {
        ctx.err << "opsdeck unsilence: "
                << (args ? QStringLiteral("give one silence id (opsdeck silences lists them)")
                         : args.errorString())
                << "\nusage: " << kUnsilenceUsage << "\n";
        return ExitCode::Usage;
    }
    Result<Opened> opened = openAlerts(ctx, args->environment, true);
    if (!opened) {
        ctx.err << "opsdeck unsilence: " << opened.errorString() << "\n";
        return ExitCode::Failure;
    }
    const QString id = args->positional.first();
    const AlertsSnapshot snapshot = readSnapshot(opened->client);
    const auto found = std::find_if(snapshot.silences.cbegin(), snapshot.silences.cend(),
                                    [&id](const Silence &s) { return s.id == id; });
    if (found == snapshot.silences.cend()) {
        ctx.err << "opsdeck unsilence: no silence " << id << " on " << args->environment
                << (snapshot.alertmanagerError.isEmpty()
                        ? QString()
                        : QStringLiteral(" (%1)").arg(snapshot.alertmanagerError))
                << "\n";
        return ExitCode::Failure;
    }
    const EnvironmentSession &env = *opened->session;
    ActionPipeline pipeline(env.context().auditLog(),
                            std::make_shared<CliConfirmer>(ctx.err, args->yes));
    ActionRequest request =
        AlertActions::expireRequest(env.workspace().name, env.environment(), *found);
    request.comment = args->comment;
    QObject guard;
    std::optional<ActionOutcome> outcome;
    QEventLoop loop;
    pipeline.submit(request, AlertActions::expireSilence(opened->client, id, &guard),
                    [&](const ActionOutcome &o) {
                        outcome = o;
                        loop.quit();
                    });
    if (!outcome)
        loop.exec();
    if (!outcome->ok()) {
        ctx.err << "opsdeck unsilence: " << outcome->message << "\n";
        return ExitCode::Failure;
    }
    ctx.err << "expired silence " << id << " (" << found->matchersText() << ")\n";
    return ExitCode::Ok;
}

QJsonObject driftJson(const RuleFiles &files, const PromtoolCheck &check, const RuleDrift &drift)
{
    auto repoRule = [](const RepoRule &r) {
        return QJsonObject{{QStringLiteral("name"), r.name},
                           {QStringLiteral("group"), r.group},
                           {QStringLiteral("file"), r.file},
                           {QStringLiteral("line"), r.line}};
    };
    QJsonArray onlyInRepo, onlyOnServer, differing;
    for (const RepoRule &r : drift.onlyInRepo)
        onlyInRepo << repoRule(r);
    for (const AlertRule &r : drift.onlyOnServer)
        onlyOnServer << QJsonObject{{QStringLiteral("name"), r.name},
                                    {QStringLiteral("group"), r.group},
                                    {QStringLiteral("file"), r.file}};
    for (const RuleDrift::Differing &d : drift.differing) {
        QJsonObject o = repoRule(d.repo);
        o.insert(QStringLiteral("differences"), QJsonArray::fromStringList(d.what));
        differing << o;
    }
    return {{QStringLiteral("files"), QJsonArray::fromStringList(files.files)},
            {QStringLiteral("errors"), QJsonArray::fromStringList(files.errors)},
            {QStringLiteral("promtool"), QJsonObject{{QStringLiteral("ran"), check.ran},
                                                     {QStringLiteral("passed"), check.passed},
                                                     {QStringLiteral("output"), check.output}}},
            {QStringLiteral("same"), drift.same},
            {QStringLiteral("only_in_repository"), onlyInRepo},
            {QStringLiteral("only_on_server"), onlyOnServer},
            {QStringLiteral("differing"), differing}};
}

void printDrift(QTextStream &out, const QString &environment, const RuleDrift &drift)
{
    out << drift.same << " alerting rules are the same in the repository and on " << environment
        << "'s Prometheus\n";
    for (const RepoRule &r : drift.onlyInRepo)
        out << "only in the repository: " << r.name << " (" << r.file << ":" << r.line << ")\n";
    for (const AlertRule &r : drift.onlyOnServer)
        out << "only on the server: " << r.name << " (group " << r.group << ", " << r.file << ")\n";
    for (const RuleDrift::Differing &d : drift.differing)
        out << "differs: " << d.repo.name << " (" << d.repo.file << ":" << d.repo.line
            << "): " << d.what.join(QStringLiteral("; ")) << "\n";
}

int runAlertRules(CliContext &ctx)
{
    const Result<CommonArgs> args = parseCommon(ctx.args);
    if (!args || !args->positional.isEmpty()) {
        ctx.err << "opsdeck alert-rules: "
                << (args ? QStringLiteral("unexpected argument") : args.errorString())
                << "\nusage: " << kRulesUsage << "\n";
        return ExitCode::Usage;
    }
    Result<Opened> opened = openAlerts(ctx, args->environment, false);
    if (!opened) {
        ctx.err << "opsdeck alert-rules: " << opened.errorString() << "\n";
        return ExitCode::Failure;
    }
    const Workspace &workspace = opened->session->context().workspace();
    if (workspace.alertRuleFiles.isEmpty()) {
        ctx.err << "opsdeck alert-rules: the workspace names no rule files (alerts: { rules: "
                   "[alerts/*.yml] })\n";
        return ExitCode::Failure;
    }
    const RuleFiles files = readRuleFiles(workspace.alertRuleFiles, workspace.directory);
    const PromtoolCheck check = checkWithPromtool(files.files);
    const AlertsSnapshot snapshot = readSnapshot(opened->client);
    if (!snapshot.prometheusError.isEmpty()) {
        ctx.err << "opsdeck alert-rules: " << snapshot.prometheusError << "\n";
        return ExitCode::Failure;
    }
    const RuleDrift drift = compareRules(files.rules, snapshot.rules);
    if (args->json) {
        ctx.out << QJsonDocument(driftJson(files, check, drift)).toJson(QJsonDocument::Indented);
    } else {
        for (const QString &error : files.errors)
            ctx.out << error << "\n";
        ctx.out << (check.ran ? (check.passed ? "promtool: " : "promtool FAILED: ") : "")
                << check.output << "\n";
        printDrift(ctx.out, args->environment, drift);
    }
    if (!files.errors.isEmpty() || (check.ran && !check.passed))
        return 2;
    return drift.isEmpty() ? int(ExitCode::Ok) : 1;
}

} // namespace

CliCommand alertRulesCommand()
{
    return {QStringLiteral("alert-rules"),
            {},
            QStringLiteral("Alerts"),
            QStringLiteral(
                "Rule files in the repository vs the server (exit 0 same, 1 drift, 2 errors)"),
            QString::fromLatin1(kRulesUsage),
            runAlertRules};
}

CliCommand alertsCommand()
{
    return {QStringLiteral("alerts"),
            {QStringLiteral("alert")},
            QStringLiteral("Alerts"),
            QStringLiteral("Firing and pending alerts (exit 0 none, 1 warnings, 2 critical)"),
            QString::fromLatin1(kAlertsUsage),
            runAlerts};
}

CliCommand silenceCommand()
{
    return {QStringLiteral("silence"),
            {},
            QStringLiteral("Alerts"),
            QStringLiteral("Silence matching alerts in Alertmanager (audited)"),
            QString::fromLatin1(kSilenceUsage),
            runSilence};
}

CliCommand silencesCommand()
{
    return {QStringLiteral("silences"),
            {},
            QStringLiteral("Alerts"),
            QStringLiteral("Alertmanager's silences"),
            QString::fromLatin1(kSilencesUsage),
            runSilences};
}

CliCommand unsilenceCommand()
{
    return {QStringLiteral("unsilence"),
            {QStringLiteral("expire-silence")},
            QStringLiteral("Alerts"),
            QStringLiteral("Expire a silence (audited)"),
            QString::fromLatin1(kUnsilenceUsage),
            runUnsilence};
}

} // namespace Opsdeck
