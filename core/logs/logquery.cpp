// SPDX-License-Identifier: GPL-3.0-or-later
#include "logquery.h"

#include "common/shellquote.h"
#include "common/suggest.h"
#include "logparse.h"

#include <QDateTime>
#include <QRegularExpression>

namespace Opsdeck {

namespace {

const char kClockLine[] = "echo \"opsdeck-clock $(date +%s%3N)\" >&2\n";
// On stdout, in line with the data, so it cannot overtake the history's last lines.
const char kHistoryEndLine[] = "printf '\\036opsdeck-history-end\\n'\n";
// journalctl exits 1 when --grep matched nothing, grep when nothing matched: an empty answer.
const char kEmptyIsFine[] = "; r=$?; [ $r -le 1 ] || exit $r\n";

QString journalCommand(const LogSourceSpec &source, const LogQuery &query, const QString &cursor)
{
    QStringList filters{QStringLiteral("journalctl"), QStringLiteral("--no-pager"),
                        QStringLiteral("-o"), QStringLiteral("json")};
    if (!source.directory.isEmpty())
        filters << QStringLiteral("--directory=") + source.directory;
    for (const QString &unit : source.units)
        filters << QStringLiteral("-u") << unit;
    if (query.minLevel > LogLevel::Debug)
        filters << QStringLiteral("-p")
                << QStringLiteral("0..%1").arg(syslogPriorityOf(query.minLevel));
    if (!query.grep.isEmpty())
        filters << QStringLiteral("--grep=") + shellQuote(query.grep)
                << QStringLiteral("--case-sensitive=%1")
                       .arg(query.grepIgnoreCase ? QStringLiteral("false")
                                                 : QStringLiteral("true"));
    const QString journalctl = filters.join(QLatin1Char(' '));
    QString script = QString::fromLatin1(kClockLine);
    if (!cursor.isEmpty()) // a followed stream, back after a drop
        return script + journalctl +
               QStringLiteral(" --after-cursor=%1 -f\n").arg(shellQuote(cursor));
    QString window = query.sinceMs ? QStringLiteral(" --since=@%1").arg(query.sinceMs / 1000)
                                   : QStringLiteral(" -n %1").arg(query.lines);
    if (!query.follow) {
        if (query.untilMs)
            window += QStringLiteral(" --until=@%1").arg((query.untilMs + 999) / 1000);
        return script + journalctl + window + QLatin1String(kEmptyIsFine);
    }
    // The history, then new entries from exactly where it ended (journalctl keeps the cursor).
    script += QStringLiteral("c=$(mktemp); trap 'rm -f \"$c\"' EXIT\n");
    script +=
        journalctl + window + QStringLiteral(" --cursor-file=\"$c\"") + QLatin1String(kEmptyIsFine);
    script += QLatin1String(kHistoryEndLine);
    script +=
        QStringLiteral("if [ -s \"$c\" ]; then %1 --cursor-file=\"$c\" -f; else %1 -n 0 -f; fi\n")
            .arg(journalctl);
    return script;
}

// Sets s1, s2 (and u1, u2) on the host; windowAwk() reads them.
QString windowBounds(const LogQuery &query)
{
    const qint64 since = query.sinceMs / 1000;
    const qint64 until = query.untilMs ? (query.untilMs + 999) / 1000 : 0;
    QString script =
        QStringLiteral("s1=$(date -d @%1 '+%F %T'); s2=$(date -u -d @%1 '+%F %T')\n").arg(since);
    script += until ? QStringLiteral("u1=$(date -d @%1 '+%F %T'); u2=$(date -u -d @%1 '+%F %T')\n")
                          .arg(until)
                    : QStringLiteral("u1=; u2=\n");
    return script;
}

// The window applied on the host, so that a week of log is not copied to show an hour: each file
// (written in time order) is read from its first line at or after `since` to its last at or
// before `until`. A line's time is its first ISO time (Python logging, PostgreSQL, JSON, the
// journal's exports) or its access-log time, compared as text in the host's own zone and in UTC
// — a log is written in one or the other — so the window taken is at least the one asked for;
// LogStream cuts it exactly. Lines without a time go with the line before them.
QString windowAwk()
{
    static const QString program = QStringLiteral(
        "BEGIN{s=(s1<s2?s1:s2); u=(u1==\"\"?\"\":(u1>u2?u1:u2))}\n"
        "FNR==1{f=0}\n"
        "f==2{next}\n"
        "f==1&&u==\"\"{print;next}\n"
        "{k=\"\"\n"
        " if(match($0,/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:"
        "[0-9][0-9]/)&&RSTART<40){k=substr($0,RSTART,19);sub(/T/,\" \",k)}\n"
        " else if(match($0,/[0-9][0-9]\\/[A-Z][a-z][a-z]\\/[0-9][0-9][0-9][0-9]:[0-9][0-9]:"
        "[0-9][0-9]:[0-9][0-9]/)){d=substr($0,RSTART,20);"
        "m=(index(\"JanFebMarAprMayJunJulAugSepOctNovDec\",substr(d,4,3))+2)/3;"
        "k=sprintf(\"%s-%02d-%s %s\",substr(d,8,4),m,substr(d,1,2),substr(d,13,8))}}\n"
        "k!=\"\"&&u!=\"\"&&k>u{f=2;next}\n"
        "f==1{print;next}\n"
        "k!=\"\"&&k>=s{f=1;print}");
    return QStringLiteral("awk -v s1=\"$s1\" -v s2=\"$s2\" -v u1=\"$u1\" -v u2=\"$u2\" ") +
           shellQuote(program);
}

QString fileCommand(const LogSourceSpec &source, const LogQuery &query, bool resumed)
{
    // The path was checked when the workspace was read: no spaces or shell characters, so it
    // may stand unquoted and its `*` expand on the host.
    QString script = QString::fromLatin1(kClockLine);
    script += QStringLiteral("set --; for f in %1; do [ -f \"$f\" ] && set -- \"$@\" \"$f\"; done\n"
                             "[ $# -gt 0 ] || { echo \"opsdeck-missing\" >&2; exit 0; }\n")
                  .arg(source.path);
    const QString grep =
        query.grep.isEmpty()
            ? QString()
            : QStringLiteral("LC_ALL=C grep %1%2-E -e %3")
                  .arg(query.follow ? QStringLiteral("--line-buffered ") : QString(),
                       query.grepIgnoreCase ? QStringLiteral("-i ") : QString(),
                       shellQuote(query.grep));
    const QString follow = QStringLiteral("tail -q -n 0 -F -- \"$@\"") +
                           (grep.isEmpty() ? QString() : QStringLiteral(" | ") + grep) +
                           QLatin1Char('\n');
    if (resumed)
        return script + follow;
    const bool scansWholeFiles = query.sinceMs || !grep.isEmpty();
    if (scansWholeFiles)
        script += QStringLiteral("s=0; for f do s=$((s + $(stat -c %s -- \"$f\"))); done; "
                                 "echo \"opsdeck-scanned $s\" >&2\n");
    QString history;
    if (query.sinceMs && grep.isEmpty())
        history = windowBounds(query) + windowAwk() + QStringLiteral(" \"$@\"");
    else if (query.sinceMs) // grep first (fast, and it keeps few lines), then the window
        history = windowBounds(query) + QStringLiteral("for f do ") + grep +
                  QStringLiteral(" -h -- \"$f\" | ") + windowAwk() + QStringLiteral("; done");
    else if (query.lines > 0)
        history = grep.isEmpty()
                      ? QStringLiteral("tail -q -n %1 -- \"$@\"").arg(query.lines)
                      : grep + QStringLiteral(" -h -- \"$@\" | tail -n %1").arg(query.lines);
    if (!history.isEmpty())
        script += history + QLatin1String(kEmptyIsFine);
    if (query.follow)
        script += QLatin1String(kHistoryEndLine) + follow;
    return script;
}

} // namespace

QString logCommand(const LogSourceSpec &source, const LogQuery &query, const QString &resumeCursor,
                   bool resumed)
{
    switch (source.kind) {
    case LogSourceSpec::Kind::Journal:
        return journalCommand(source, query, resumeCursor);
    case LogSourceSpec::Kind::File:
        return fileCommand(source, query, resumed);
    case LogSourceSpec::Kind::Docker:
        break;
    }
    return {};
}

Result<QList<LogStreamPlan>> planLogStreams(const EnvironmentSpec &environment,
                                            const LogQuery &query)
{
    if (environment.logs.isEmpty())
        return Result<QList<LogStreamPlan>>::failure(
            QStringLiteral(
                "%1 has no logs: block (add e.g. `logs: [{file: /srv/app/shared/*.log}]`)")
                .arg(environment.name));
    QStringList sourceNames;
    for (const LogSourceSpec &s : environment.logs)
        sourceNames << s.name;
    for (const QString &name : query.sources)
        if (!sourceNames.contains(name))
            return Result<QList<LogStreamPlan>>::failure(
                QStringLiteral("no log source '%1' in %2%3 (known: %4)")
                    .arg(name, environment.name, didYouMean(name, sourceNames),
                         sourceNames.join(QStringLiteral(", "))));
    const QStringList hostNames = logHosts(environment);
    for (const QString &host : query.hosts)
        if (!hostNames.contains(host))
            return Result<QList<LogStreamPlan>>::failure(
                QStringLiteral("no host '%1' in %2%3 (known: %4)")
                    .arg(host, environment.name, didYouMean(host, hostNames),
                         hostNames.join(QStringLiteral(", "))));
    QList<LogStreamPlan> plans;
    for (const LogSourceSpec &source : environment.logs) {
        if (!query.sources.isEmpty() && !query.sources.contains(source.name))
            continue;
        if (source.kind == LogSourceSpec::Kind::Docker) {
            const ContainerDeploySpec &c = *environment.containers; // checked when read
            // A swarm service's logs gather every task's; compose names a container.
            const QString path =
                c.kind == ContainerDeploySpec::Kind::Swarm
                    ? QStringLiteral("/services/%1_%2/logs").arg(c.stack, source.service)
                    : QStringLiteral("/containers/%1/logs").arg(source.service);
            if (query.hosts.isEmpty() || query.hosts.contains(c.host))
                plans << LogStreamPlan{c.host, source, {}, path};
            continue;
        }
        const QStringList hosts = source.hosts.isEmpty() ? environment.hosts : source.hosts;
        for (const QString &host : hosts)
            if (query.hosts.isEmpty() || query.hosts.contains(host))
                plans << LogStreamPlan{host, source, logCommand(source, query), {}};
    }
    if (plans.isEmpty())
        return Result<QList<LogStreamPlan>>::failure(
            QStringLiteral("no log source of %1 is read on %2")
                .arg(environment.name, query.hosts.join(QStringLiteral(", "))));
    return plans;
}

QStringList logHosts(const EnvironmentSpec &environment)
{
    QStringList hosts = environment.hosts;
    for (const LogSourceSpec &source : environment.logs)
        for (const QString &host : source.hosts)
            if (!hosts.contains(host))
                hosts << host;
    return hosts;
}

QString postgresLogSource(const EnvironmentSpec &environment)
{
    for (const LogSourceSpec &source : environment.logs)
        if (source.format == QLatin1String("postgres"))
            return source.name;
    return {};
}

qint64 parseLogTime(const QString &text, qint64 nowMs)
{
    static const QRegularExpression ago(QStringLiteral("^(\\d+)\\s*(s|m|min|h|d)$"));
    const QRegularExpressionMatch m = ago.match(text.trimmed());
    if (m.hasMatch()) {
        const QString unit = m.captured(2);
        const qint64 scale = unit == QLatin1String("s")   ? 1000
                             : unit == QLatin1String("h") ? 3'600'000
                             : unit == QLatin1String("d") ? 86'400'000
                                                          : 60'000;
        return nowMs - m.captured(1).toLongLong() * scale;
    }
    const QByteArray iso = text.trimmed().toUtf8();
    if (std::optional<qint64> t = LogTime::parseIso(iso.constData(), iso.size()))
        return *t;
    const QTime clock = QTime::fromString(text.trimmed(), QStringLiteral("HH:mm"));
    if (clock.isValid())
        return QDateTime(QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).date(), clock, Qt::UTC)
            .toMSecsSinceEpoch();
    return 0;
}

} // namespace Opsdeck
