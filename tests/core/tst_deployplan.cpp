// SPDX-License-Identifier: GPL-3.0-or-later
// The deploy engine's pure parts: batches, ref resolution, quoting, and reading the hosts' state.
#include "deploy/deployplan.h"
#include "deploy/deployscripts.h"
#include "deploy/deploystate.h"
#include "deploy/gitrefs.h"
#include "deploy/migrations.h"

#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class TestDeployPlan final : public QObject
{
    Q_OBJECT

private slots:
    void batchesFollowAnsibleSerial_data()
    {
        QTest::addColumn<int>("hostCount");
        QTest::addColumn<QStringList>("batches");
        QTest::addColumn<QList<int>>("sizes");
        QTest::addRow("default: all at once") << 4 << QStringList() << QList<int>{4};
        QTest::newRow("canary then rest")
            << 4 << QStringList{u"1"_qs, u"100%"_qs} << QList<int>{1, 3};
        QTest::newRow("canary, half, rest")
            << 10 << QStringList{u"1"_qs, u"50%"_qs, u"100%"_qs} << QList<int>{1, 5, 4};
        QTest::addRow("last size repeats") << 5 << QStringList{u"2"_qs} << QList<int>{2, 2, 1};
        QTest::newRow("share rounds down, never below 1")
            << 3 << QStringList{u"10%"_qs} << QList<int>{1, 1, 1};
        QTest::addRow("count larger than hosts") << 2 << QStringList{u"5"_qs} << QList<int>{2};
        QTest::addRow("all") << 3 << QStringList{u"1"_qs, u"all"_qs} << QList<int>{1, 2};
        QTest::addRow("no hosts") << 0 << QStringList{u"1"_qs} << QList<int>{};
    }

    void batchesFollowAnsibleSerial()
    {
        QFETCH(int, hostCount);
        QFETCH(QStringList, batches);
        QFETCH(QList<int>, sizes);
        QStringList hosts;
        for (int i = 0; i < hostCount; ++i)
            hosts << QStringLiteral("h%1").arg(i);
        const QList<QStringList> out = computeBatches(hosts, batches);
        QList<int> actual;
        QStringList flattened;
        for (const QStringList &b : out) {
            actual << int(b.size());
            flattened += b;
        }
        QCOMPARE(actual, sizes);
        QCOMPARE(flattened, hosts); // in order, each host once
    }

    void gitRefsResolveBranchesPeeledTagsAndIds()
    {
        const QByteArray lsRemote = "1111111111111111111111111111111111111111\tHEAD\n"
                                    "1111111111111111111111111111111111111111\trefs/heads/main\n"
                                    "2222222222222222222222222222222222222222\trefs/heads/v2\n"
                                    "3333333333333333333333333333333333333333\trefs/tags/v2\n"
                                    "4444444444444444444444444444444444444444\trefs/tags/v2^{}\n"
                                    "5555555555555555555555555555555555555555\trefs/tags/light\n";
        const GitRefs refs = GitRefs::parse(lsRemote);
        QCOMPARE(refs.resolve(u"main"_qs), QString(40, u'1'));
        QCOMPARE(refs.resolve(u"HEAD"_qs), QString(40, u'1'));
        // A tag wins over a branch of the same name, as `git rev-parse` has it; refs/heads/
        // asks for the branch, and an annotated tag resolves to its commit, not the tag object.
        QCOMPARE(refs.resolve(u"v2"_qs), QString(40, u'4'));
        QCOMPARE(refs.fullName(u"v2"_qs), u"refs/tags/v2"_qs);
        QCOMPARE(refs.resolve(u"refs/heads/v2"_qs), QString(40, u'2'));
        QCOMPARE(refs.resolve(u"refs/tags/v2"_qs), QString(40, u'4'));
        QCOMPARE(refs.resolve(u"light"_qs), QString(40, u'5'));
        QCOMPARE(refs.resolve(QString(40, u'a')), QString(40, u'a'));
        QVERIFY(refs.resolve(u"nope"_qs).isEmpty());
        QVERIFY(refs.resolve(u"abc1234"_qs).isEmpty()); // short ids need the repository
    }

    void gitRefsSkipLinesWithoutACommitId()
    {
        const GitRefs refs =
            GitRefs::parse("zzzz111111111111111111111111111111111111\trefs/heads/evil\n"
                           "1111111111111111111111111111111111111111\trefs/heads/ok\n"
                           "; rm -rf /\trefs/tags/x\n");
        QCOMPARE(refs.branches.size(), 1);
        QVERIFY(refs.tags.isEmpty());
        QVERIFY(refs.resolve(u"evil"_qs).isEmpty());
    }

    void gitRefsResolveAsGitDoes()
    {
        // A real repository where a branch and a tag share a name on different commits.
        QTemporaryDir dir;
        const auto git = [&dir](const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(dir.path());
            p.start(u"git"_qs,
                    QStringList{u"-c"_qs, u"user.name=t"_qs, u"-c"_qs, u"user.email=t@t"_qs} +
                        args);
            p.waitForFinished(10000);
            return p.readAllStandardOutput();
        };
        git({u"init"_qs, u"-q"_qs, u"-b"_qs, u"main"_qs});
        git({u"commit"_qs, u"-q"_qs, u"--allow-empty"_qs, u"-m"_qs, u"one"_qs});
        git({u"tag"_qs, u"-a"_qs, u"release"_qs, u"-m"_qs, u"annotated"_qs});
        git({u"commit"_qs, u"-q"_qs, u"--allow-empty"_qs, u"-m"_qs, u"two"_qs});
        git({u"branch"_qs, u"release"_qs});
        const GitRefs refs = GitRefs::parse(git({u"ls-remote"_qs, u"."_qs}));
        for (const QString &ref : {u"release"_qs, u"main"_qs, u"refs/heads/release"_qs,
                                   u"refs/tags/release"_qs, u"HEAD"_qs}) {
            const QString expected = QString::fromLatin1(
                git({u"rev-parse"_qs, u"-q"_qs, ref + u"^{commit}"_qs}).trimmed());
            QCOMPARE(refs.resolve(ref), expected);
        }
    }

    void shellQuoteSurvivesARealShell_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addRow("plain") << u"releases/2026-abc"_qs;
        QTest::addRow("spaces") << u"a b  c"_qs;
        QTest::addRow("quotes") << u"it's \"quoted\""_qs;
        QTest::addRow("expansions") << u"$HOME `id` $(id) ${X} * ? ~"_qs;
        QTest::addRow("newline") << u"one\ntwo"_qs;
        QTest::addRow("trailing newline") << u"plain\n"_qs; // `$` matched before it: unquoted
        QTest::addRow("empty") << QString();
        QTest::addRow("json") << u"{\"id\":\"x\",\"comment\":\"it's; rm -rf /\"}"_qs;
    }

    void shellQuoteSurvivesARealShell()
    {
        QFETCH(QString, text);
        QProcess sh;
        sh.start(u"sh"_qs, {u"-c"_qs, u"printf '%s' "_qs + shellQuote(text)});
        QVERIFY(sh.waitForFinished());
        QCOMPARE(QString::fromUtf8(sh.readAllStandardOutput()), text);
    }

    void releaseNamesSortByTimeAndCarryTheCommit()
    {
        const QDateTime t(QDate(2026, 11, 22), QTime(13, 30, 5), Qt::UTC);
        const QString name = releaseName(t, QString(40, u'c'));
        QCOMPARE(name, u"20261122T133005Z-ccccccc"_qs);
        QCOMPARE(releaseTime(name), t);
        QCOMPARE(releaseRevision(name), u"ccccccc"_qs);
        QVERIFY(releaseName(t.addSecs(1), u"0"_qs) > name);
    }

    void hostStateIsReadFromTheStatusScript()
    {
        const QByteArray output =
            "current\treleases/20261122T100000Z-bbbbbbb\n"
            "release\t20261101T100000Z-aaaaaaa\n"
            "release\t20261122T100000Z-bbbbbbb\n"
            "lock\t{\"id\":\"L1\",\"user\":\"alice@laptop\",\"since\":\"2026-11-22T10:00:00Z\","
            "\"action\":\"deploy\",\"ref\":\"v2\",\"comment\":\"hotfix\"}\n"
            "history\t{\"id\":\"D1\",\"result\":\"started\",\"time\":\"2026-11-22T10:00:00Z\"}\n"
            "history\tnot json\n"
            "free\t123456789\n"
            "problem\tgit is not installed\n";
        const HostDeployState s = HostDeployState::parse(u"web1"_qs, output);
        QCOMPARE(s.current, u"20261122T100000Z-bbbbbbb"_qs);
        QCOMPARE(s.releases,
                 (QStringList{u"20261122T100000Z-bbbbbbb"_qs, u"20261101T100000Z-aaaaaaa"_qs}));
        QVERIFY(s.lock);
        QCOMPARE(s.lock->user, u"alice@laptop"_qs);
        QVERIFY(s.lock->describe().contains(u"hotfix"_qs));
        QCOMPARE(s.history.size(), 1);
        QCOMPARE(s.freeBytes, 123456789);
        QCOMPARE(s.problems, QStringList{u"git is not installed"_qs});
    }

    void historyMergesHostsAndMarksUnfinishedRuns()
    {
        auto line = [](const char *id, const char *result, const char *time) -> QByteArray {
            return QByteArray("history\t{\"id\":\"") + id + "\",\"result\":\"" + result +
                   "\",\"time\":\"" + time + "\"}\n";
        };
        const QByteArray web1 = line("A", "started", "2026-11-20T10:00:00Z") +
                                line("A", "success", "2026-11-20T10:00:00Z") +
                                line("B", "started", "2026-11-21T10:00:00Z") +
                                line("C", "started", "2026-11-22T10:00:00Z");
        // web2 was lost before A's ending reached it: web1's word counts.
        const QByteArray web2 = line("A", "started", "2026-11-20T10:00:00Z");
        const QList<HistoryEntry> merged = mergeHistory(
            {HostDeployState::parse(u"web1"_qs, web1), HostDeployState::parse(u"web2"_qs, web2)},
            u"C"_qs);
        QCOMPARE(merged.size(), 3);
        QCOMPARE(merged[0].id, u"C"_qs);
        QCOMPARE(merged[0].result, HistoryEntry::Result::Running); // still holds the lock
        QCOMPARE(merged[1].result, HistoryEntry::Result::Interrupted);
        QCOMPARE(merged[2].result, HistoryEntry::Result::Succeeded);
    }

    void historyEntriesRoundTrip()
    {
        HistoryEntry e;
        e.id = u"X"_qs;
        e.action = u"rollback"_qs;
        e.release = u"20261101T100000Z-aaaaaaa"_qs;
        e.comment = u"bad \"release\"\n"_qs;
        e.result = HistoryEntry::Result::Cancelled;
        e.time = QDateTime(QDate(2026, 11, 22), QTime(1, 2, 3), Qt::UTC);
        e.hosts = {u"web1"_qs, u"web2"_qs};
        const std::optional<HistoryEntry> back =
            HistoryEntry::fromJson(QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact));
        QVERIFY(back);
        QCOMPARE(back->comment, e.comment);
        QCOMPARE(back->result, e.result);
        QCOMPARE(back->time, e.time);
        QCOMPARE(back->hosts, e.hosts);
        QCOMPARE(back->action, e.action);
    }

    void migrationCutoffIsTheNextReleasesTime()
    {
        const QStringList releases{u"20261122T120000Z-ccccccc"_qs, u"20261121T120000Z-bbbbbbb"_qs,
                                   u"20261120T120000Z-aaaaaaa"_qs};
        QCOMPARE(migrationCutoff(releases, releases[2]),
                 QDateTime(QDate(2026, 11, 21), QTime(12, 0), Qt::UTC));
        QVERIFY(!migrationCutoff(releases, releases[0]).isValid());
        QVERIFY(!migrationCutoff(releases, u"unknown"_qs).isValid());
    }

    void planShowsEveryPhaseWithTheExactCommands()
    {
        DeployContext c;
        c.environment = u"production"_qs;
        c.hosts = {u"web1"_qs, u"web2"_qs, u"web3"_qs};
        c.spec.path = u"/srv/app"_qs;
        c.spec.repo = u"/srv/git/app.git"_qs;
        c.spec.lockHost = u"web1"_qs;
        c.spec.build = {u"make"_qs};
        c.spec.release = {u"./manage.py migrate"_qs};
        c.spec.restart = u"sudo systemctl reload app"_qs;
        c.spec.healthcheck = HealthCheckSpec{u"http://127.0.0.1:8000/up"_qs, {}, 1000, 5000, 30000};
        c.spec.batches = {u"1"_qs, u"100%"_qs};
        c.revision = QString(40, u'f');
        c.release = releaseName(QDateTime::currentDateTimeUtc(), c.revision);
        const QString plan = formatPlan(deployPlan(c));
        for (const QString &expected :
             {u"== preflight on web1, web2, web3"_qs, u"== lock on web1"_qs, u"== build on web2"_qs,
              u"== release (once) on web1\n"_qs, u"== batch 1/2: switch on web1\n"_qs,
              u"== batch 2/2: switch on web2, web3"_qs, u"mv -T current.opsdeck-new current"_qs,
              u"sudo systemctl reload app"_qs, u"GET http://127.0.0.1:8000/up"_qs,
              u"== prune (keep 5)"_qs, u"== unlock on web1"_qs, u"./manage.py migrate"_qs})
            QVERIFY2(plan.contains(expected), qPrintable(expected + u"\n---\n"_qs + plan));
        QCOMPARE(plan.count(u"release (once)"_qs), 1); // migrations once, never per batch
    }
};

QTEST_GUILESS_MAIN(TestDeployPlan)
#include "tst_deployplan.moc"
