// SPDX-License-Identifier: GPL-3.0-or-later
#include "logscommand.h"

#include "logs/logtext.h"

#include "common/formatting.h"
#include "ctrlc.h"
#include "environmentsession.h"
#include "logs/logcollector.h"
#include "logs/logmerger.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

namespace {

const char kUsage[] =
    "opsdeck logs ENV [--host H]... [--source S]... [--since 10m] [--until TIME] [--grep RE]\n"
    "                 [--level warning] [-n LINES] [-f] [--json]\n"
    "  --since/--until  30s, 10m, 2h, 1d ago, an ISO time or HH:MM (UTC)\n"
    "  --grep           an extended regular expression, run on the hosts (grep -E, journalctl "
    "--grep)\n"
    "  -n               without --since: the newest LINES of each source on each host (200)\n"
    "  -f               follow, like tail -f (Ctrl-C stops)";

struct LogsArgs
{
    QString environment;
    LogQuery query;
    bool json = false;
};

Result<LogsArgs> parseArgs(const QStringList &args)
{
    LogsArgs parsed;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args.at(i);
        auto value = [&]() -> std::optional<QString> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return args.at(++i);
        };
        std::optional<QString> v;
        if (a == QLatin1String("--json")) {
            parsed.json = true;
        } else if (a == QLatin1String("-f") || a == QLatin1String("--follow")) {
            parsed.query.follow = true;
        } else if (a == QLatin1String("--host") && (v = value())) {
            parsed.query.hosts << *v;
        } else if (a == QLatin1String("--source") && (v = value())) {
            parsed.query.sources << *v;
        } else if (a == QLatin1String("--grep") && (v = value())) {
            parsed.query.grep = *v;
        } else if ((a == QLatin1String("--since") || a == QLatin1String("--until")) &&
                   (v = value())) {
            const qint64 t = parseLogTime(*v, now);
            if (!t)
                return Result<LogsArgs>::failure(
                    QStringLiteral("%1 '%2': expected 10m, 2h, an ISO time or HH:MM").arg(a, *v));
            (a == QLatin1String("--since") ? parsed.query.sinceMs : parsed.query.untilMs) = t;
        } else if (a == QLatin1String("--level") && (v = value())) {
            const std::optional<LogLevel> level = logLevelFromName(v->toLower());
            if (!level)
                return Result<LogsArgs>::failure(
                    QStringLiteral(
                        "--level '%1': expected debug, info, notice, warning, error or critical")
                        .arg(*v));
            parsed.query.minLevel = *level;
        } else if (a == QLatin1String("-n") && (v = value())) {
            bool ok = false;
            parsed.query.lines = v->toInt(&ok);
            if (!ok || parsed.query.lines < 0 || parsed.query.lines > 1'000'000)
                return Result<LogsArgs>::failure(
                    QStringLiteral("-n '%1': expected 0 to 1000000 lines").arg(*v));
        } else if (parsed.environment.isEmpty() && !a.startsWith(QLatin1Char('-'))) {
            parsed.environment = a;
        } else {
            return Result<LogsArgs>::failure(QStringLiteral("unexpected '%1'").arg(a));
        }
    }
    if (parsed.environment.isEmpty())
        return Result<LogsArgs>::failure(QStringLiteral("which environment?"));
    return parsed;
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

class LogPrinter
{
public:
    LogPrinter(QTextStream &out, bool json)
        : m_out(out)
        , m_json(json)
    {}

    void print(const QList<LogEntry> &entries)
    {
        for (const LogEntry &e : entries)
            m_json ? printJson(e) : printText(e);
        m_out.flush();
    }

private:
    void printText(const LogEntry &e) { m_out << logLineText(e) << '\n'; }

    void printJson(const LogEntry &e)
    {
        QJsonObject fields;
        for (const auto &f : e.allFields())
            fields.insert(f.first, f.second);
        QJsonObject o{{QStringLiteral("time"), timeText(e.timeMs)},
                      {QStringLiteral("host"), e.host},
                      {QStringLiteral("source"), e.source},
                      {QStringLiteral("level"), logLevelName(e.level)},
                      {QStringLiteral("message"), e.message}};
        if (!fields.isEmpty())
            o.insert(QStringLiteral("fields"), fields);
        if (e.isGap)
            o.insert(QStringLiteral("gap"), true);
        m_out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
    }

    QTextStream &m_out;
    bool m_json;
};

int runLogs(CliContext &ctx)
{
    const Result<LogsArgs> args = parseArgs(ctx.args);
    if (!args) {
        ctx.err << "opsdeck logs: " << args.errorString() << "\nusage: " << kUsage << "\n";
        return ExitCode::Usage;
    }
    Result<std::unique_ptr<EnvironmentSession>> session =
        EnvironmentSession::open(ctx.workspacePath(), args->environment);
    if (!session) {
        ctx.err << "opsdeck logs: " << session.errorString() << "\n";
        return ExitCode::Failure;
    }
    LogCollector collector((*session)->context());
    LogPrinter printer(ctx.out, args->json);
    // Hosts answer in their own time: the history (the window, or the newest lines) is sorted
    // once it is all there; followed lines are held a moment and put in order in small groups.
    LogMerger history(-1);
    LogMerger followed(LogMerger::kFollowDelayMs);
    bool historyDone = false;
    QObject::connect(
        &collector, &LogCollector::entriesReceived, &collector,
        [&](const QList<LogEntry> &entries) { (historyDone ? followed : history).add(entries); });
    QObject::connect(&collector, &LogCollector::historyFinished, &collector, [&] {
        historyDone = true;
        history.flushAll();
    });
    for (LogMerger *merger : {&history, &followed})
        QObject::connect(merger, &LogMerger::ready, &collector,
                         [&printer](const QList<LogEntry> &entries) { printer.print(entries); });
    QEventLoop loop;
    QObject::connect(&collector, &LogCollector::finished, &loop, &QEventLoop::quit);
    const Status started = collector.start(args->query);
    if (!started) {
        ctx.err << "opsdeck logs: " << started.errorString() << "\n";
        return ExitCode::Failure;
    }
    CtrlCHandler ctrlC([&loop] {
        loop.quit();
        return true;
    });
    if (!collector.isFinished())
        loop.exec();
    history.flushAll();
    followed.flushAll();
    ctx.out.flush();
    for (const QString &warning : collector.clockWarnings())
        ctx.err << "opsdeck logs: " << warning << " (times are as each host wrote them)\n";
    for (const QString &problem : collector.problems())
        ctx.err << "opsdeck logs: " << problem << "\n";
    if (!args->json && !args->query.follow) {
        const qint64 scanned = collector.scannedBytes();
        ctx.err << history.printed() << " lines from " << collector.streams().size() << " streams"
                << (scanned >= 0
                        ? QStringLiteral("; the hosts scanned %1").arg(formatBytes(scanned))
                        : QString())
                << "\n";
    }
    const bool failed =
        std::any_of(collector.streams().begin(), collector.streams().end(),
                    [](const LogStream *s) { return s->state() == LogStream::State::Failed; });
    collector.stop();
    return failed ? ExitCode::Problems : ExitCode::Ok;
}

} // namespace

CliCommand logsCommand()
{
    return {
        QStringLiteral("logs"),
        {QStringLiteral("log")},
        QStringLiteral("Logs"),
        QStringLiteral("Every host's logs (journal, files, containers) merged by time; filtered "
                       "on the hosts; followed with -f"),
        QString::fromLatin1(kUsage),
        runLogs};
}

} // namespace Opsdeck
