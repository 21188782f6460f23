// SPDX-License-Identifier: GPL-3.0-or-later
// The logs of the demo world, read as the Logs pane and `opsdeck logs` read them: gunicorn's
// files on web1 and web2 through the bastion, a worker's journal, a host that drops.
#include "logs/logcollector.h"
#include "logs/logparse.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>
#include <QUuid>

using namespace Opsdeck;

class TestLogs final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<EnvironmentContexts> m_contexts;
    QNetworkAccessManager m_http;

    EnvironmentContext &production() { return *m_contexts->context(QStringLiteral("production")); }

    /** The HTTP status, or 0 when there was no answer. */
    int request(const QString &portVariable, const QString &path)
    {
        QNetworkReply *reply = m_http.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_demo.value(portVariable), path))));
        const bool answered = QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000);
        reply->deleteLater();
        if (!answered)
            return 0;
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    // The access log lines a host's file holds, as `grep` on the host returns them.
    QStringList grepHostFile(const QString &host, const QString &pattern)
    {
        QFile file(TestServices::stateDir(QStringLiteral("demo")) +
                   QStringLiteral("/hosts/%1/srv/minitwit/shared/access.log").arg(host));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        QStringList lines;
        for (const QByteArray &line : file.readAll().split('\n'))
            if (line.contains(pattern.toUtf8()))
                lines << QString::fromUtf8(line);
        return lines;
    }

    QByteArray runCli(const QStringList &args, int *exitCode = nullptr)
    {
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ASAN_OPTIONS"), QStringLiteral("detect_leaks=0"));
        cli.setProcessEnvironment(env);
        cli.start(qEnvironmentVariable("OPSDECK_BINARY"),
                  QStringList{QStringLiteral("-w"), m_demo.value(QStringLiteral("WORKSPACE")),
                              QStringLiteral("logs")} +
                      args);
        if (!cli.waitForFinished(120000))
            return {};
        if (exitCode)
            *exitCode = cli.exitCode();
        if (cli.exitCode() != 0)
            qWarning().noquote() << cli.readAllStandardError();
        return cli.readAllStandardOutput();
    }

    static QList<QJsonObject> jsonLines(const QByteArray &out)
    {
        QList<QJsonObject> objects;
        for (const QByteArray &line : out.split('\n'))
            if (!line.isEmpty())
                objects << QJsonDocument::fromJson(line).object();
        return objects;
    }

    // The ancestor sshd of a process: killing it drops that client's whole SSH connection.
    static qint64 sshdAncestorOf(qint64 pid)
    {
        for (int depth = 0; pid > 1 && depth < 10; ++depth) {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                return 0;
            const QByteArray text = stat.readAll();
            const QByteArray comm =
                text.mid(text.indexOf('(') + 1, text.lastIndexOf(')') - text.indexOf('(') - 1);
            if (comm == "sshd")
                return pid;
            pid = text.mid(text.lastIndexOf(')') + 2).split(' ').value(1).toLongLong();
        }
        return 0;
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_contexts = std::make_unique<EnvironmentContexts>(*m_workspace, m_pool.get());
    }

    void cleanupTestCase()
    {
        m_contexts.reset();
        m_pool.reset();
    }

    // Followed like `tail -f`: a request to each web host shows up with its host and parsed.
    void requestsShowWithTheirHost()
    {
        LogCollector collector(production());
        QList<LogEntry> entries;
        connect(&collector, &LogCollector::entriesReceived, this,
                [&entries](const QList<LogEntry> &batch) { entries += batch; });
        LogQuery query;
        query.follow = true;
        query.lines = 0;
        query.sources = {QStringLiteral("access.log")};
        QVERIFY(collector.start(query).ok());
        QCOMPARE(collector.streams().size(), 2);
        QVERIFY(QTest::qWaitFor(
            [&collector] {
                return std::all_of(collector.streams().begin(), collector.streams().end(),
                                   [](LogStream *s) { return s->clockSkewMs() != 0; });
            },
            30000)); // both tails run on their hosts
        const QString probe = QUuid::createUuid().toString(QUuid::WithoutBraces);
        request(QStringLiteral("APP_PORT_PRODUCTION_WEB1"), QStringLiteral("/?probe=") + probe);
        request(QStringLiteral("APP_PORT_PRODUCTION_WEB2"), QStringLiteral("/?probe=") + probe);
        const auto seenOn = [&entries, &probe](const QString &host) {
            return std::any_of(entries.begin(), entries.end(), [&](const LogEntry &e) {
                return e.host == host && e.message.contains(probe);
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(seenOn(QStringLiteral("web1")) && seenOn(QStringLiteral("web2")),
                                 15000);
        for (const LogEntry &e : std::as_const(entries)) {
            if (!e.message.contains(probe))
                continue;
            QCOMPARE(e.source, QStringLiteral("access.log"));
            QCOMPARE(e.field(QStringLiteral("status")), QStringLiteral("200"));
            QCOMPARE(e.field(QStringLiteral("path")), QStringLiteral("/?probe=") + probe);
            QVERIFY(!e.timeGuessed);
            QVERIFY(qAbs(e.timeMs - QDateTime::currentMSecsSinceEpoch()) < 60000);
        }
        QVERIFY(collector.problems().isEmpty());
    }

    // Filtered on the hosts: what `--grep ' 500 '` returns over a window is exactly what grep
    // finds in the hosts' files for that window.
    void grepMatchesGrepOnTheHosts()
    {
        request(QStringLiteral("APP_PORT_PRODUCTION_WEB2"), QStringLiteral("/nope-500-probe"));
        int failures = 0; // /report fails one time in five
        for (int i = 0; i < 300 && failures < 5; ++i)
            failures += request(QStringLiteral("APP_PORT_PRODUCTION_WEB1"),
                                QStringLiteral("/report")) == 500;
        QCOMPARE(failures, 5);
        QTest::qWait(1100); // the access log's times are whole seconds: let this one end
        const qint64 until = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000 - 1;
        const qint64 since = until - 10 * 60'000;
        const auto isoOf = [](qint64 ms) {
            return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
        };
        int exitCode = -1;
        const QList<QJsonObject> got = jsonLines(runCli(
            {QStringLiteral("production"), QStringLiteral("--source"), QStringLiteral("access.log"),
             QStringLiteral("--grep"), QStringLiteral(" 500 "), QStringLiteral("--since"),
             isoOf(since), QStringLiteral("--until"), isoOf(until), QStringLiteral("--json")},
            &exitCode));
        QCOMPARE(exitCode, 0);
        QStringList expected, actual;
        for (const QString &host : {QStringLiteral("web1"), QStringLiteral("web2")})
            for (const QString &line : grepHostFile(host, QStringLiteral(" 500 "))) {
                const QByteArray bytes = line.toUtf8();
                const qsizetype open = bytes.indexOf('[');
                const std::optional<qint64> t =
                    LogTime::parseAccess(bytes.constData() + open + 1, 26);
                QVERIFY(t);
                if (*t >= since && *t <= until)
                    expected << host + QStringLiteral(" ") + line;
            }
        for (const QJsonObject &o : got)
            actual << o.value(QStringLiteral("host")).toString() + QStringLiteral(" ") +
                          o.value(QStringLiteral("message")).toString();
        expected.sort();
        actual.sort();
        QVERIFY2(expected.size() >= 5,
                 qPrintable(QStringLiteral("grep found %1, opsdeck %2")
                                .arg(expected.size())
                                .arg(actual.size()))); // the failing view really failed
        QCOMPARE(actual, expected);
        for (const QJsonObject &o : got)
            QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("error"));
    }

    // The worker's journal: every entry with its unit and priority, and the level filter done
    // by journalctl.
    void journalEntriesHavePriorityAndUnit()
    {
        // The worker writes an entry every 2 s, one of each level first: wait for ten.
        QList<QJsonObject> all;
        const auto readAll = [this, &all] {
            all = jsonLines(runCli({QStringLiteral("production"), QStringLiteral("--source"),
                                    QStringLiteral("minitwit-worker"), QStringLiteral("-n"),
                                    QStringLiteral("40"), QStringLiteral("--json")}));
            return all.size() >= 10;
        };
        QTRY_VERIFY_WITH_TIMEOUT(readAll(), 60000);
        QSet<QString> hosts;
        for (const QJsonObject &o : all) {
            const QJsonObject fields = o.value(QStringLiteral("fields")).toObject();
            QCOMPARE(fields.value(QStringLiteral("unit")).toString(),
                     QStringLiteral("minitwit-worker.service"));
            const int priority = fields.value(QStringLiteral("priority")).toString().toInt();
            QCOMPARE(o.value(QStringLiteral("level")).toString(),
                     logLevelName(logLevelFromPriority(priority)));
            hosts << o.value(QStringLiteral("host")).toString();
        }
        QCOMPARE(hosts, (QSet<QString>{QStringLiteral("web1"), QStringLiteral("web2")}));
        const QList<QJsonObject> warnings = jsonLines(runCli(
            {QStringLiteral("production"), QStringLiteral("--source"),
             QStringLiteral("minitwit-worker"), QStringLiteral("--since"), QStringLiteral("1h"),
             QStringLiteral("--level"), QStringLiteral("warning"), QStringLiteral("--json")}));
        QVERIFY(!warnings.isEmpty());
        for (const QJsonObject &o : warnings)
            QVERIFY2(QStringList({QStringLiteral("warning"), QStringLiteral("error"),
                                  QStringLiteral("critical")})
                         .contains(o.value(QStringLiteral("level")).toString()),
                     qPrintable(o.value(QStringLiteral("message")).toString()));
    }

    // A host whose connection drops: the stream says so, reconnects and marks the gap, and
    // lines written after it are read again.
    void droppedHostReconnectsAndMarksTheGap()
    {
        LogCollector collector(production());
        QList<LogEntry> entries;
        connect(&collector, &LogCollector::entriesReceived, this,
                [&entries](const QList<LogEntry> &batch) { entries += batch; });
        LogQuery query;
        query.follow = true;
        // Every access line matches; the second alternative makes our grep's command line unique
        // on web2 (other tests follow the same file).
        const QString marker =
            QStringLiteral("opsdeck-drop-%1").arg(QCoreApplication::applicationPid());
        query.grep = QStringLiteral("HTTP|") + marker;
        query.lines = 0;
        query.hosts = {QStringLiteral("web2")};
        query.sources = {QStringLiteral("access.log")};
        QVERIFY(collector.start(query).ok());
        LogStream *stream = collector.streams().value(0);
        QVERIFY(stream);
        QTRY_VERIFY_WITH_TIMEOUT(stream->clockSkewMs() != 0, 30000);
        QProcess pgrep;
        pgrep.start(QStringLiteral("pgrep"),
                    {QStringLiteral("-f"), QStringLiteral("grep --line-buffered .*") + marker});
        QVERIFY(pgrep.waitForFinished());
        const qint64 grep =
            pgrep.readAllStandardOutput().trimmed().split('\n').value(0).toLongLong();
        QVERIFY(grep > 0);
        const qint64 sshd = sshdAncestorOf(grep);
        QVERIFY(sshd > 0);
        QVERIFY(QProcess::execute(QStringLiteral("kill"), {QString::number(sshd)}) == 0);
        const auto gaps = [&entries] {
            return std::count_if(entries.begin(), entries.end(),
                                 [](const LogEntry &e) { return e.isGap; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(gaps() >= 1, 20000); // lost
        QTRY_COMPARE_WITH_TIMEOUT(stream->state(), LogStream::State::Reconnecting, 5000);
        const QString probe = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QTRY_VERIFY_WITH_TIMEOUT(gaps() >= 2, 30000); // back (the first line after it)
        request(QStringLiteral("APP_PORT_PRODUCTION_WEB2"), QStringLiteral("/?after-gap=") + probe);
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(entries.begin(), entries.end(),
                        [&](const LogEntry &e) { return e.message.contains(probe); }),
            20000);
        QCOMPARE(stream->state(), LogStream::State::Following);
        const auto reconnected =
            std::find_if(entries.begin(), entries.end(), [](const LogEntry &e) {
                return e.isGap && e.message.startsWith(QStringLiteral("reconnected"));
            });
        QVERIFY(reconnected != entries.end());
        QCOMPARE(reconnected->host, QStringLiteral("web2"));
    }
};

QTEST_GUILESS_MAIN(TestLogs)
#include "tst_logs.moc"
