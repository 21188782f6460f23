// SPDX-License-Identifier: GPL-3.0-or-later
// Reading log lines: the formats the demo's hosts write (gunicorn, Python logging, the journal,
// Docker), the commands sent to the hosts, and the workspace's logs: block.
#include "logs/logfilter.h"
#include "logs/loghistory.h"
#include "logs/logparse.h"
#include "logs/logquery.h"
#include "logs/logtext.h"
#include "workspace/workspaceloader.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

const QByteArray kWorkspace = "version: 1\nname: x\nhosts:\n  web1: {address: 10.0.0.1}\n"
                              "  web2: {address: 10.0.0.2}\n  db1: {address: 10.0.0.3}\n"
                              "environments:\n  production:\n"
                              "    hosts: [web1, web2]\n    logs:\n";

WorkspaceLoadResult loadLogs(const QByteArray &logs)
{
    return WorkspaceLoader::loadText(kWorkspace + logs, QStringLiteral("/ws/opsdeck.yaml"));
}

QString firstError(const WorkspaceLoadResult &r)
{
    for (const Diagnostic &d : r.diagnostics)
        if (d.isError())
            return d.toString();
    return {};
}

} // namespace

class TestLogParse final : public QObject
{
    Q_OBJECT

private slots:
    void isoTimes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("python") << QByteArray("2026-12-06 07:01:02,345 INFO x")
                                << utc("2026-12-06T07:01:02.345Z");
        QTest::newRow("gunicorn") << QByteArray("2026-12-06 07:01:02 +0100] [1]")
                                  << utc("2026-12-06T06:01:02.000Z");
        QTest::newRow("docker") << QByteArray("2026-12-06T07:01:02.123456789Z hi")
                                << utc("2026-12-06T07:01:02.123Z");
        QTest::newRow("offset") << QByteArray("2026-02-28T23:59:59-02:30")
                                << utc("2026-03-01T02:29:59.000Z");
        QTest::newRow("leap day") << QByteArray("2028-02-29T12:00:00Z")
                                  << utc("2028-02-29T12:00:00.000Z");
    }

    void isoTimes()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, expected);
        QCOMPARE(LogTime::parseIso(text.constData(), text.size()).value_or(-1), expected);
    }

    void notTimes()
    {
        for (const QByteArray &text :
             {QByteArray("2026-13-06 07:01:02"), QByteArray("Traceback (most"),
              QByteArray("2026-12-06"), QByteArray("")})
            QVERIFY2(!LogTime::parseIso(text.constData(), text.size()), text.constData());
        QVERIFY(!LogTime::parseAccess("06/Dek/2026:07:01:02 +0000", 26));
    }

    void accessLine()
    {
        LogLineParser parser;
        QByteArray line =
            "127.0.0.1 - - [06/Dec/2026:07:01:02 +0000] \"GET /report?x=1 HTTP/1.1\" 500 "
            "141 \"-\" \"Python-urllib/3.11\"";
        const LogEntry e = parser.parse(line, 1);
        QCOMPARE(e.timeMs, utc("2026-12-06T07:01:02.000Z"));
        QCOMPARE(e.level, LogLevel::Error);
        QCOMPARE(e.message, QString::fromLatin1(line)); // the line as grep shows it
        QCOMPARE(e.field(QStringLiteral("method")), QStringLiteral("GET"));
        QCOMPARE(e.field(QStringLiteral("path")), QStringLiteral("/report?x=1"));
        QCOMPARE(e.field(QStringLiteral("status")), QStringLiteral("500"));
        QCOMPARE(parser.parse(line.replace(" 500 ", " 404 "), 1).level, LogLevel::Warning);
        QCOMPARE(parser.parse(line.replace(" 404 ", " 200 "), 1).level, LogLevel::Info);
    }

    // gunicorn's error log with the app's logging in it, and a traceback that belongs to the
    // line before it.
    void pythonLinesAndTraceback()
    {
        LogLineParser parser(QStringLiteral("python"));
        LogEntry e = parser.parse(
            "[2026-12-06 07:01:02 +0000] [4242] [INFO] Booting worker with pid: 4242", 1);
        QCOMPARE(e.level, LogLevel::Info);
        QCOMPARE(e.message, QStringLiteral("Booting worker with pid: 4242"));
        QCOMPARE(e.field(QStringLiteral("pid")), QStringLiteral("4242"));
        e = parser.parse("[2026-12-06 07:05:00,250] [4242] [ERROR] django.request: Internal Server "
                         "Error: /report",
                         1);
        QCOMPARE(e.level, LogLevel::Error);
        QCOMPARE(e.timeMs, utc("2026-12-06T07:05:00.250Z"));
        QCOMPARE(e.message, QStringLiteral("django.request: Internal Server Error: /report"));
        e = parser.parse("Traceback (most recent call last):", 99);
        QCOMPARE(e.timeMs, utc("2026-12-06T07:05:00.250Z"));
        QCOMPARE(e.level, LogLevel::Error);
        QVERIFY(e.timeGuessed);
        e = parser.parse("2026-12-06 07:06:00,000 WARNING twit: slow", 1);
        QCOMPARE(e.level, LogLevel::Warning);
        QCOMPARE(e.message, QStringLiteral("twit: slow"));
    }

    void journalEntry()
    {
        LogLineParser parser(QStringLiteral("journal"));
        const LogEntry e = parser.parse(
            R"({"__CURSOR":"s=1;i=8","__REALTIME_TIMESTAMP":"1796540948824908","_PID":"5581",)"
            R"("_SYSTEMD_UNIT":"minitwit-worker.service","PRIORITY":"3","SYSLOG_IDENTIFIER":"w",)"
            R"("_BOOT_ID":"x","MESSAGE":[104,105]})",
            1);
        QCOMPARE(e.timeMs, qint64(1796540948824));
        QCOMPARE(e.level, LogLevel::Error);
        QCOMPARE(e.message, QStringLiteral("hi")); // bytes, as the journal sends binary messages
        QCOMPARE(e.field(QStringLiteral("unit")), QStringLiteral("minitwit-worker.service"));
        QCOMPARE(e.field(QStringLiteral("priority")), QStringLiteral("3"));
        QCOMPARE(e.field(QStringLiteral("PID")), QStringLiteral("5581"));
        QVERIFY(e.field(QStringLiteral("BOOT_ID")).isEmpty());
        QCOMPARE(parser.lastCursor(), QStringLiteral("s=1;i=8"));
    }

    void jsonAndTextLines()
    {
        LogLineParser parser;
        LogEntry e =
            parser.parse(R"({"ts": 1796540948.5, "level": "warn", "msg": "disk", "free": 3})", 1);
        QCOMPARE(e.timeMs, qint64(1796540948500));
        QCOMPARE(e.level, LogLevel::Warning);
        QCOMPARE(e.message, QStringLiteral("disk"));
        QCOMPARE(e.field(QStringLiteral("free")), QStringLiteral("3"));
        LogLineParser text(QStringLiteral("text"));
        e = text.parse("2026-12-06 07:06:00 looks like a time but this source is text", 777);
        QCOMPARE(e.timeMs, qint64(777));
        QVERIFY(e.timeGuessed);
        QCOMPARE(e.level, LogLevel::Unknown);
        e = parser.parse("{not json", 5);
        QCOMPARE(e.message, QStringLiteral("{not json")); // kept, never dropped
    }

    // The engine's time, and the container's own line read as any line is.
    void dockerLines()
    {
        LogLineParser parser(QStringLiteral("docker"));
        LogEntry e = parser.parse("2026-12-06T07:01:02.123456789Z [2026-12-06 07:01:01 +0000] [1] "
                                  "[WARNING] Worker timeout",
                                  1);
        QCOMPARE(e.timeMs, utc("2026-12-06T07:01:02.123Z"));
        QCOMPARE(e.level, LogLevel::Warning);
        QCOMPARE(e.message, QStringLiteral("Worker timeout"));
        e = parser.parse("2026-12-06T07:01:03.000000000Z 127.0.0.1 - - [06/Dec/2026:07:01:03 "
                         "+0000] \"GET /up HTTP/1.1\" 503 2 \"-\" \"curl\"",
                         1);
        QCOMPARE(e.field(QStringLiteral("status")), QStringLiteral("503"));
        QCOMPARE(e.level, LogLevel::Error);
        QVERIFY(e.message.startsWith(QLatin1String("127.0.0.1 - -")));
    }

    // A window's lines from several streams: the newest `capacity` kept, in time order, in
    // slices — whatever order they came in, with a trim while lines go on arriving.
    void historyKeepsTheNewestInOrder()
    {
        LogHistory history(10);
        QList<QList<QList<LogEntry>>> sorted;
        connect(&history, &LogHistory::sorted, this,
                [&sorted](const QList<QList<LogEntry>> &slices) { sorted << slices; });
        const auto batch = [](std::initializer_list<qint64> times) {
            QList<LogEntry> entries;
            for (qint64 t : times) {
                LogEntry e;
                e.timeMs = t;
                entries << e;
            }
            return entries;
        };
        history.add(batch({5, 9, 13, 17, 21, 25, 29, 33}));     // one stream
        history.add(batch({2, 6, 10, 14, 18, 22, 26, 30, 34})); // another
        history.add(batch({1, 3, 40, 41, 7}));                  // 22 > 2 x 10: trimmed
        history.add(batch({50, 4}));                            // while the trim runs
        history.finish(4);
        QTRY_COMPARE(sorted.size(), 1);
        QList<qint64> times;
        for (const QList<LogEntry> &slice : sorted.at(0)) {
            QVERIFY(slice.size() <= 4);
            for (const LogEntry &e : slice)
                times << e.timeMs;
        }
        // The newest ten of the first 22 (the trim), then the two that came during it.
        QCOMPARE(times, (QList<qint64>{4, 21, 22, 25, 26, 29, 30, 33, 34, 40, 41, 50}));
        QCOMPARE(history.dropped(), 12);
    }

    void levels()
    {
        QCOMPARE(logLevelFromName(QStringLiteral("warn")), LogLevel::Warning);
        QCOMPARE(logLevelFromName(QStringLiteral("4")), LogLevel::Warning);
        QCOMPARE(logLevelFromName(QStringLiteral("0")), LogLevel::Critical);
        QVERIFY(!logLevelFromName(QStringLiteral("loud")));
        QCOMPARE(syslogPriorityOf(LogLevel::Warning), 4);
        QCOMPARE(logLevelFromPriority(6), LogLevel::Info);
    }

    // The hosts filter: journalctl's own options, grep -E over files, and the newest lines
    // only when no window is given.
    void commandsFilterOnTheHost()
    {
        LogSourceSpec journal;
        journal.kind = LogSourceSpec::Kind::Journal;
        journal.units = {QStringLiteral("app.service")};
        journal.directory = QStringLiteral("/srv/journal");
        LogQuery q;
        q.sinceMs = 1'796'540'000'123;
        q.untilMs = 1'796'540'100'000;
        q.grep = QStringLiteral("it's");
        q.minLevel = LogLevel::Warning;
        const QString j = logCommand(journal, q);
        for (const char *part :
             {"journalctl --no-pager -o json", "--directory=/srv/journal", "-u app.service",
              "--since=@1796540000", "--until=@1796540100", "-p 0..4", "--grep='it'\\''s'"})
            QVERIFY2(j.contains(QLatin1String(part)), qPrintable(j));
        QVERIFY(!j.contains(QLatin1String(" -f")));

        LogSourceSpec file;
        file.path = QStringLiteral("/srv/app/shared/*.log");
        q = LogQuery();
        q.grep = QStringLiteral(" 500 ");
        q.lines = 50;
        const QString f = logCommand(file, q);
        QVERIFY2(f.contains(QLatin1String("for f in /srv/app/shared/*.log;")), qPrintable(f));
        QVERIFY2(f.contains(QLatin1String("LC_ALL=C grep -E -e ' 500 ' -h -- \"$@\" | tail -n 50")),
                 qPrintable(f));
        QVERIFY(f.contains(QLatin1String("opsdeck-scanned")));
        q.follow = true;
        const QString followed = logCommand(file, q);
        // The newest matching lines, a marker, then new lines from where the history ended.
        const qsizetype history = followed.indexOf(
            QLatin1String("grep --line-buffered -E -e ' 500 ' -h -- \"$@\" | tail -n 50"));
        const qsizetype marker = followed.indexOf(QLatin1String("\\036opsdeck-history-end"));
        const qsizetype tail = followed.indexOf(
            QLatin1String("tail -q -n 0 -F -- \"$@\" | LC_ALL=C grep --line-buffered"));
        QVERIFY2(history > 0 && marker > history && tail > marker, qPrintable(followed));
        q.untilMs = 1'796'540'100'000;
        const QString journalFollowed = logCommand(journal, q);
        QVERIFY2(journalFollowed.contains(QLatin1String("--cursor-file=\"$c\" -f")),
                 qPrintable(journalFollowed));
        QVERIFY(!journalFollowed.contains(QLatin1String("--until"))); // following has no end
        const QString resumed = logCommand(file, q, {}, true);
        QVERIFY2(resumed.contains(QLatin1String("tail -q -n 0 -F")), qPrintable(resumed));
        QVERIFY(logCommand(journal, q, QStringLiteral("s=1;i=9"))
                    .contains(QLatin1String("--after-cursor='s=1;i=9'")));
    }

    void searchAsTyped()
    {
        LogLineParser parser;
        LogEntry access = parser.parse(
            "10.0.0.9 - - [06/Dec/2026:07:01:02 +0000] \"GET /report HTTP/1.1\" 500 1 \"-\" \"x\"",
            1);
        access.host = QStringLiteral("web2");
        access.source = QStringLiteral("access.log");
        const auto matches = [&access](const char *text) {
            const Result<LogFilter> f = LogFilter::parse(QString::fromUtf8(text));
            return f.ok() && f->matches(access);
        };
        QVERIFY(matches(""));
        QVERIFY(matches("REPORT get"));   // every word, any case
        QVERIFY(!matches("report -GET")); // -word excludes
        QVERIFY(matches("/re?port.*500/"));
        QVERIFY(matches("status=500 host=web2")); // an access line's fields, read from it
        QVERIFY(!matches("status=404"));
        QVERIFY(matches("level=warning")); // error is at least warning
        QVERIFY(!matches("level=critical"));
        QVERIFY(!matches("source=error.log"));
        QVERIFY(!LogFilter::parse(QStringLiteral("/[unclosed/")).ok());
        QVERIFY(!LogFilter::parse(QStringLiteral("level=loud")).ok());
        QCOMPARE(LogFilter::parse(QStringLiteral("a.b(c) x"))->hostPattern(),
                 QStringLiteral("a\\.b\\(c\\)"));
        QCOMPARE(LogFilter::parse(QStringLiteral("status=500"))->hostPattern(), QString());
    }

    void times()
    {
        const qint64 now = utc("2026-12-06T12:00:00.000Z");
        QCOMPARE(parseLogTime(QStringLiteral("10m"), now), now - 600'000);
        QCOMPARE(parseLogTime(QStringLiteral("2h"), now), now - 7'200'000);
        QCOMPARE(parseLogTime(QStringLiteral("07:30"), now), utc("2026-12-06T07:30:00.000Z"));
        QCOMPARE(parseLogTime(QStringLiteral("2026-12-05T10:00:00Z"), now),
                 utc("2026-12-05T10:00:00.000Z"));
        QCOMPARE(parseLogTime(QStringLiteral("yesterday-ish"), now), qint64(0));
    }

    void workspaceSources()
    {
        const WorkspaceLoadResult r =
            loadLogs("      - file: /srv/app/shared/access.log\n"
                     "      - { file: /srv/app/shared/*.json, format: json, hosts: [web2] }\n"
                     "      - journal: [app-worker.service]\n");
        QVERIFY2(r.ok(), qPrintable(firstError(r)));
        const QList<LogSourceSpec> logs =
            r.workspace->environment(QStringLiteral("production"))->logs;
        QCOMPARE(logs.size(), 3);
        QCOMPARE(logs[0].name, QStringLiteral("access.log"));
        QCOMPARE(logs[0].format, QStringLiteral("auto"));
        QCOMPARE(logs[1].hosts, QStringList{QStringLiteral("web2")});
        QCOMPARE(logs[2].kind, LogSourceSpec::Kind::Journal);
        QCOMPARE(logs[2].name, QStringLiteral("app-worker"));

        LogQuery q;
        q.sources = {QStringLiteral("access.log"), QStringLiteral("*.json")};
        const Result<QList<LogStreamPlan>> plans =
            planLogStreams(*r.workspace->environment(QStringLiteral("production")), q);
        QVERIFY(plans.ok());
        QCOMPARE(plans->size(), 3); // access.log on both hosts, the JSON files on web2
        q.sources = {QStringLiteral("acess.log")};
        const Result<QList<LogStreamPlan>> typo =
            planLogStreams(*r.workspace->environment(QStringLiteral("production")), q);
        QVERIFY(!typo.ok());
        QVERIFY2(typo.errorString().contains(QLatin1String("did you mean 'access.log'")),
                 qPrintable(typo.errorString()));
    }

    // PostgreSQL's server log with Debian's log_line_prefix ('%m [%p] %q%u@%d '): a session's
    // lines carry pid, user and database; a DETAIL or STATEMENT explains the line before it and
    // takes its level; a statement's next lines (tab-indented) go with it; a background
    // process's lines (%q) carry only the pid.
    void postgresLines()
    {
        LogLineParser parser(QStringLiteral("postgres"));
        const qint64 received = utc("2026-12-07T02:00:00.000Z");
        LogEntry e = parser.parse("2026-12-07 01:02:03.456 UTC [1234] app@minitwit_prod ERROR:  "
                                  "relation \"nope\" does not exist at character 15",
                                  received);
        QCOMPARE(e.timeMs, utc("2026-12-07T01:02:03.456Z"));
        QCOMPARE(e.level, LogLevel::Error);
        QCOMPARE(e.message, QStringLiteral("relation \"nope\" does not exist at character 15"));
        QCOMPARE(e.field(QStringLiteral("pid")), QStringLiteral("1234"));
        QCOMPARE(e.field(QStringLiteral("user")), QStringLiteral("app"));
        QCOMPARE(e.field(QStringLiteral("database")), QStringLiteral("minitwit_prod"));
        QCOMPARE(e.field(QStringLiteral("severity")), QStringLiteral("ERROR"));
        QVERIFY(!e.timeGuessed);

        e = parser.parse("2026-12-07 01:02:03.457 UTC [1234] app@minitwit_prod STATEMENT:  "
                         "select *",
                         received);
        QCOMPARE(e.level, LogLevel::Error);
        QCOMPARE(e.message, QStringLiteral("STATEMENT:  select *"));
        QCOMPARE(e.field(QStringLiteral("pid")), QStringLiteral("1234"));
        e = parser.parse("\t  from nope", received);
        QCOMPARE(e.level, LogLevel::Error);
        QVERIFY(e.timeGuessed);
        QCOMPARE(e.timeMs, utc("2026-12-07T01:02:03.457Z"));

        e = parser.parse("2026-12-07 01:05:00.000 UTC [77] LOG:  checkpoint starting: time",
                         received);
        QCOMPARE(e.level, LogLevel::Info);
        QCOMPARE(e.field(QStringLiteral("pid")), QStringLiteral("77"));
        QVERIFY(e.field(QStringLiteral("user")).isEmpty());
        QCOMPARE(e.message, QStringLiteral("checkpoint starting: time"));

        e = parser.parse("2026-12-07 01:05:01.000 +01 [78] [unknown]@[unknown] FATAL:  "
                         "terminating connection due to administrator command",
                         received);
        QCOMPARE(e.level, LogLevel::Critical);
        QCOMPARE(e.timeMs, utc("2026-12-07T00:05:01.000Z"));
        QVERIFY(e.field(QStringLiteral("user")).isEmpty());
        QVERIFY(e.message.startsWith(QLatin1String("terminating connection")));
    }

    void postgresPrefixesOfOtherServers()
    {
        LogLineParser parser(QStringLiteral("postgres"),
                             QStringLiteral("%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h %e "));
        const LogEntry e =
            parser.parse("2026-12-07 01:02:03 UTC [4321]: [3-1] user=web,db=shop,app=gunicorn: "
                         "worker 2,client=10.0.0.5 57014 ERROR:  canceling statement due to "
                         "user request",
                         0);
        QCOMPARE(e.timeMs, utc("2026-12-07T01:02:03.000Z"));
        QCOMPARE(e.level, LogLevel::Error);
        QCOMPARE(e.field(QStringLiteral("pid")), QStringLiteral("4321"));
        QCOMPARE(e.field(QStringLiteral("line")), QStringLiteral("3"));
        QCOMPARE(e.field(QStringLiteral("application")), QStringLiteral("gunicorn: worker 2"));
        QCOMPARE(e.field(QStringLiteral("client")), QStringLiteral("10.0.0.5"));
        QCOMPARE(e.field(QStringLiteral("sqlstate")), QStringLiteral("57014"));
        QCOMPARE(e.message, QStringLiteral("canceling statement due to user request"));
        QString why;
        QVERIFY(!PostgresLogPrefix::compile(QStringLiteral("%m [%p] %Y"), &why));
        QVERIFY2(why.contains(QLatin1String("%Y")), qPrintable(why));
    }

    // A PostgreSQL log lives on the database server, which is rarely one of the app's hosts.
    void aSourceMayBeReadOnAnotherHostOfTheWorkspace()
    {
        const WorkspaceLoadResult r = loadLogs(
            "      - {file: /var/log/postgresql/postgresql-15-main.log, format: postgres, hosts: "
            "[db1]}\n");
        QVERIFY2(r.ok(), qPrintable(firstError(r)));
        const EnvironmentSpec &env = *r.workspace->environment(QStringLiteral("production"));
        QCOMPARE(env.logs.at(0).prefix, PostgresLogPrefix::defaultPrefix());
        QCOMPARE(logHosts(env), (QStringList{QStringLiteral("web1"), QStringLiteral("web2"),
                                             QStringLiteral("db1")}));
        LogQuery q;
        q.hosts = {QStringLiteral("db1")};
        const Result<QList<LogStreamPlan>> plans = planLogStreams(env, q);
        QVERIFY2(plans.ok(), qPrintable(plans.errorString()));
        QCOMPARE(plans->size(), 1);
        QCOMPARE(plans->at(0).host, QStringLiteral("db1"));
    }

    // A window over files is cut on the host (awk), so a week of log is not copied to show an
    // hour: from the first line at or after `since` to the last at or before `until`, a line
    // without a time going with the one before it — for ISO and access-log times, whether the
    // host writes its logs in its own zone or in UTC.
    void theHostsCutTheWindowOfAFile_data()
    {
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QList<int>>("accessLines"); // of the files below, 0-based
        QTest::addColumn<QList<int>>("appLines");
        QTest::addColumn<QString>("grep");
        // In UTC exactly the window; elsewhere the window in both readings of the times (the
        // log's zone is not known), which LogStream then cuts.
        QTest::newRow("host in UTC")
            << QByteArray("UTC") << QList<int>{1} << QList<int>{1, 2, 3, 4} << QString();
        QTest::newRow("host in Paris") << QByteArray("Europe/Paris") << QList<int>{1, 2}
                                       << QList<int>{1, 2, 3, 4, 5, 6} << QString();
        QTest::newRow("host in New York") << QByteArray("America/New_York") << QList<int>{0, 1}
                                          << QList<int>{0, 1, 2, 3, 4} << QString();
        // With a pattern, grep runs first (it is the fast one), then the window.
        QTest::newRow("grep, then the window")
            << QByteArray("UTC") << QList<int>{} << QList<int>{1, 4} << QStringLiteral(" in$");
    }

    void theHostsCutTheWindowOfAFile()
    {
        QFETCH(QByteArray, zone);
        QFETCH(QList<int>, accessLines);
        QFETCH(QList<int>, appLines);
        QFETCH(QString, grep);
        if (!QFile::exists(QStringLiteral("/usr/share/zoneinfo/") + QString::fromLatin1(zone)))
            QSKIP("tzdata is not installed");
        QTemporaryDir dir;
        const QList<QByteArray> app{"2026-12-06 00:59:59,000 INFO before",
                                    "2026-12-06 01:00:00,000 ERROR first in",
                                    "Traceback (most recent call last):",
                                    "2026-12-06T01:30:00.5Z WARNING middle",
                                    "2026-12-06 02:00:00,999 INFO last in",
                                    "2026-12-06 02:00:01,000 INFO after",
                                    "2026-12-06 01:45:00,000 INFO out of order, after the end"};
        const QList<QByteArray> accessLog{
            "::1 - - [06/Dec/2026:00:59:59 +0000] \"GET /a HTTP/1.1\" 200 1",
            "::1 - - [06/Dec/2026:01:00:00 +0000] \"GET /b HTTP/1.1\" 200 1",
            "::1 - - [06/Dec/2026:02:00:01 +0000] \"GET /c HTTP/1.1\" 200 1"};
        for (const auto &[name, lines] :
             {std::pair{"app.log", app}, std::pair{"access.log", accessLog}}) {
            QFile file(dir.filePath(QString::fromLatin1(name)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (const QByteArray &line : lines)
                file.write(line + '\n');
        }
        LogSourceSpec source;
        source.kind = LogSourceSpec::Kind::File;
        source.path = dir.filePath(QStringLiteral("*.log"));
        LogQuery query;
        query.sinceMs = utc("2026-12-06T01:00:00.000Z");
        query.untilMs = utc("2026-12-06T02:00:00.000Z");
        query.follow = false;
        query.grep = grep;
        QProcess sh;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TZ"), QString::fromLatin1(zone));
        sh.setProcessEnvironment(env);
        sh.start(QStringLiteral("sh"), {QStringLiteral("-c"), logCommand(source, query)});
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(sh.exitCode(), 0);
        QList<QByteArray> expected; // the glob's order: access.log, app.log
        for (int i : accessLines)
            expected << accessLog.at(i);
        for (int i : appLines)
            expected << app.at(i);
        QCOMPARE(sh.readAllStandardOutput().trimmed().split('\n'), expected);
    }

    void badSourcesAreErrorsWithTheirPosition_data()
    {
        QTest::addColumn<QByteArray>("logs");
        QTest::addColumn<QString>("error");
        QTest::newRow("shell in a path") << QByteArray("      - file: \"/srv/$(reboot).log\"\n")
                                         << QStringLiteral("opsdeck.yaml:11:15: error");
        QTest::newRow("relative") << QByteArray("      - file: log/app.log\n")
                                  << QStringLiteral("absolute path");
        QTest::newRow("two kinds") << QByteArray("      - {file: /a.log, journal: [x]}\n")
                                   << QStringLiteral("exactly one of");
        QTest::newRow("format") << QByteArray("      - {file: /a.log, format: xml}\n")
                                << QStringLiteral("'xml': expected");
        QTest::newRow("host") << QByteArray("      - {file: /a.log, hosts: [web3]}\n")
                              << QStringLiteral("'web3' is not a host of the workspace");
        QTest::newRow("unknown escape")
            << QByteArray("      - {file: /a.log, format: postgres, prefix: '%m %Z '}\n")
            << QStringLiteral("opsdeck.yaml:11:50: error: environments.production.logs[0].prefix: "
                              "log_line_prefix: %Z is not an escape");
        QTest::newRow("prefix for another format")
            << QByteArray("      - {file: /a.log, prefix: '%m '}\n")
            << QStringLiteral("for format: postgres");
        QTest::newRow("docker without containers")
            << QByteArray("      - docker: web\n") << QStringLiteral("container environment");
        QTest::newRow("same name")
            << QByteArray("      - file: /a/app.log\n      - file: /b/app.log\n")
            << QStringLiteral("a second source named 'app.log'");
    }

    void badSourcesAreErrorsWithTheirPosition()
    {
        QFETCH(QByteArray, logs);
        QFETCH(QString, error);
        const WorkspaceLoadResult r = loadLogs(logs);
        QVERIFY(!r.ok());
        QVERIFY2(firstError(r).contains(error), qPrintable(firstError(r)));
    }

    // The command line, Copy and Export write a line the same way; Export writes all or nothing.
    void aLineReadsTheSameEverywhere()
    {
        LogEntry line;
        line.timeMs =
            QDateTime(QDate(2026, 12, 7), QTime(14, 2, 11, 123), Qt::UTC).toMSecsSinceEpoch();
        line.host = QStringLiteral("web1");
        line.source = QStringLiteral("access.log");
        line.level = LogLevel::Warning;
        line.message = QStringLiteral("GET /timeline 499");
        QCOMPARE(logLineText(line),
                 QStringLiteral("web1 | access.log | 2026-12-07T14:02:11.123Z WARNING  GET "
                                "/timeline 499"));
        LogEntry gap = line;
        gap.isGap = true;
        gap.level = LogLevel::Unknown;
        gap.message = QStringLiteral("reconnected");
        QCOMPARE(logLineText(gap),
                 QStringLiteral("web1 | access.log | 2026-12-07T14:02:11.123Z          ── "
                                "reconnected"));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lines.txt"));
        const Result<qsizetype> saved = saveLogText({line, gap}, path);
        QVERIFY2(saved, qPrintable(saved.errorString()));
        QCOMPARE(*saved, 2);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()),
                 logLineText(line) + QLatin1Char('\n') + logLineText(gap) + QLatin1Char('\n'));
        const Result<qsizetype> refused =
            saveLogText({line}, dir.filePath(QStringLiteral("no-such-dir/lines.txt")));
        QVERIFY(!refused);
        QVERIFY2(refused.errorString().startsWith(QStringLiteral("Cannot write ")),
                 qPrintable(refused.errorString()));
    }
};

QTEST_GUILESS_MAIN(TestLogParse)
#include "tst_logparse.moc"
