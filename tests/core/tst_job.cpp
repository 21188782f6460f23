// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/followedjob.h"
#include "jobs/job.h"
#include "jobs/jobregistry.h"
#include "ssh/hostkey.h"
#include "ssh/sshclient.h"
#include "testssh.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace std::chrono_literals;

namespace {

/** Runs the job to its end (or 60 s) and returns its result. */
Result<QString> run(Job *job)
{
    QSignalSpy finished(job, &Job::finished);
    if (job->state() == Job::State::NotStarted)
        job->start();
    if (finished.isEmpty() && !finished.wait(60000))
        return Result<QString>::failure(QStringLiteral("test: the job never finished"));
    if (finished.size() != 1)
        return Result<QString>::failure(
            QStringLiteral("test: finished %1 times").arg(finished.size()));
    return job->result();
}

} // namespace

class TestJob final : public QObject
{
    Q_OBJECT

    FixedPrompter m_reject{HostKeyDecision::Reject};

private slots:
    void aLocalCommandRunsInItsDirectoryAndStreamsLines()
    {
        QTemporaryDir dir;
        Job *job =
            Job::local(QStringLiteral("t"), QStringLiteral("pwd; printf 'a\\r\\nb'; echo c >&2"),
                       dir.path(), this);
        QSignalSpy lines(job, &Job::lineReceived);
        const Result<QString> r = run(job);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(job->lines(),
                 QStringList({dir.path(), QStringLiteral("a"), QStringLiteral("bc")}));
        QCOMPARE(*r, QStringLiteral("bc")); // the last line: stdout's unfinished "b", then "c"
        QCOMPARE(lines.size(), 3);
        QCOMPARE(job->state(), Job::State::Succeeded);
    }

    void aFailingCommandSaysItsExitStatus()
    {
        Job *job = Job::local(QStringLiteral("t"), QStringLiteral("echo nope; exit 3"), {}, this);
        const Result<QString> r = run(job);
        QVERIFY(!r.ok());
        QCOMPARE(r.errorString(), QStringLiteral("exit 3"));
        QCOMPARE(job->exitStatus(), 3);
        QCOMPARE(job->state(), Job::State::Failed);
        QCOMPARE(job->lines(), QStringList(QStringLiteral("nope")));
    }

    void aStalledCommandTimesOut()
    {
        Job *job = Job::local(QStringLiteral("t"), QStringLiteral("echo started; exec sleep 60"),
                              {}, this);
        job->setTimeout(1s);
        const Result<QString> r = run(job);
        QCOMPARE(r.errorString(), QStringLiteral("timed out after 1 s"));
        QCOMPARE(job->exitStatus(), -1); // killed: its status says nothing about the command
        QCOMPARE(job->state(), Job::State::Failed);
        QCOMPARE(job->lines(), QStringList(QStringLiteral("started")));
    }

    void cancelStopsTheCommand()
    {
        QTemporaryDir dir;
        Job *job = Job::local(QStringLiteral("t"),
                              QStringLiteral("echo $$ > pid.part; mv pid.part pid; exec sleep 60"),
                              dir.path(), this);
        QSignalSpy finished(job, &Job::finished);
        job->start();
        QTRY_VERIFY(QFile::exists(dir.filePath(QStringLiteral("pid"))));
        job->cancel();
        QCOMPARE(finished.size(), 1); // at once, not when the process is reaped
        QCOMPARE(job->result().errorString(), QStringLiteral("cancelled"));
        QCOMPARE(job->state(), Job::State::Cancelled);
        QFile pidFile(dir.filePath(QStringLiteral("pid")));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        // The file appears whole (renamed into place), so the pid is never read half-written.
        const QByteArray pid = pidFile.readAll().trimmed();
        QVERIFY(!pid.isEmpty());
        const QString proc = QStringLiteral("/proc/") + QString::fromLatin1(pid);
        QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(proc), 10000); // killed and reaped
        QCOMPARE(finished.size(), 1);
    }

    void outputIsBounded()
    {
        // 30,000 lines and one line of 1 MB: the newest lines are kept, each cut short.
        Job *job = Job::local(QStringLiteral("t"),
                              QStringLiteral("seq 30000; head -c 1000000 /dev/zero | tr '\\\\0' x"),
                              {}, this);
        QVERIFY(run(job).ok());
        QCOMPARE(job->lines().size(), Job::kMaxLines);
        QVERIFY(job->lines().contains(QStringLiteral("30000")));
        for (const QString &line : job->lines())
            QVERIFY(line.size() <= Job::kMaxLineLength + 2);
    }

    void aRemoteCommandRunsOverTheHostsSession()
    {
        if (!TestServices::load(QStringLiteral("sshd")).contains(QStringLiteral("SSH_PORT_WEB1")))
            QFAIL("the sshd fixture did not run");
        SshClient client(sshFixtureEndpoint(QStringLiteral("web1")), nullptr, &m_reject);
        Job *job = Job::remote(
            QStringLiteral("t"), &client,
            QStringLiteral("echo on $(hostname -s 2>/dev/null || echo web1); exit 4"), this);
        const Result<QString> r = run(job);
        QCOMPARE(r.errorString(), QStringLiteral("exit 4"));
        QCOMPARE(job->exitStatus(), 4);
        QVERIFY(job->lines().value(0).startsWith(QStringLiteral("on ")));

        Job *slow =
            Job::remote(QStringLiteral("t"), &client, QStringLiteral("echo go; sleep 60"), this);
        QSignalSpy lines(slow, &Job::lineReceived);
        slow->start();
        QVERIFY(lines.wait(30000));
        slow->cancel();
        QCOMPARE(slow->result().errorString(), QStringLiteral("cancelled"));
        // The session stays usable after a cancelled command.
        QVERIFY(run(Job::remote(QStringLiteral("t"), &client, QStringLiteral("true"), this)).ok());
    }
    void everyStartedJobIsListedWithItsOutputAfterItsOwnerDeletedIt()
    {
        QVERIFY(!JobRegistry::instance()); // nothing lists jobs unless someone shows them
        JobRegistry registry;
        QCOMPARE(JobRegistry::instance(), &registry);
        QSignalSpy running(&registry, &JobRegistry::runningCountChanged);

        Job *ok = Job::local(QStringLiteral("after-save"), QStringLiteral("echo one; echo two"), {},
                             this);
        ok->setEnvironment(QStringLiteral("staging"));
        QVERIFY(run(ok).ok());
        Job *failing = Job::local(QStringLiteral("flag write"), QStringLiteral("exit 5"), {}, this);
        QVERIFY(!run(failing).ok());
        Job::local(QStringLiteral("never started"), QStringLiteral("true"), {}, this);

        QCOMPARE(registry.count(), 2);
        const JobRegistry::Record &first = registry.at(0);
        QCOMPARE(first.title, QStringLiteral("after-save"));
        QCOMPARE(first.environment, QStringLiteral("staging"));
        QCOMPARE(first.command, QStringLiteral("echo one; echo two"));
        QCOMPARE(first.state, Job::State::Succeeded);
        QCOMPARE(first.lines, QStringList({QStringLiteral("one"), QStringLiteral("two")}));
        QCOMPARE(first.outcome, QStringLiteral("two"));
        QCOMPARE(registry.at(1).state, Job::State::Failed);
        QCOMPARE(registry.at(1).outcome, QStringLiteral("exit 5"));
        QCOMPARE(registry.runningCount(), 0);
        QCOMPARE(running.last().at(0).toInt(), 0);

        delete ok; // its record stays, output and all
        QVERIFY(!registry.at(0).job);
        QCOMPARE(registry.at(0).lines.size(), 2);
    }

    void theJobsViewCancelsAndNotesAJobWhoseOwnerWentAway()
    {
        JobRegistry registry;
        Job *slow =
            Job::local(QStringLiteral("t"), QStringLiteral("echo go; exec sleep 60"), {}, this);
        QSignalSpy lines(slow, &Job::lineReceived);
        slow->start();
        QCOMPARE(registry.runningCount(), 1);
        QVERIFY(lines.wait(30000));
        registry.cancel(0);
        QCOMPARE(slow->state(), Job::State::Cancelled);
        QCOMPARE(registry.at(0).state, Job::State::Cancelled);
        QCOMPARE(registry.at(0).outcome, QStringLiteral("cancelled"));

        Job *orphan = Job::local(QStringLiteral("t"), QStringLiteral("exec sleep 60"), {}, this);
        orphan->start();
        delete orphan; // a pane closed under its command
        QCOMPARE(registry.at(1).state, Job::State::Cancelled);
        QVERIFY(registry.at(1).outcome.contains(QLatin1String("closed")));
        QCOMPARE(registry.runningCount(), 0);
    }

    void theListIsBoundedInJobsAndInEachJobsOutput()
    {
        JobRegistry registry;
        Job *chatty = Job::local(QStringLiteral("t"), QStringLiteral("seq 200000"), {}, this);
        QVERIFY(run(chatty).ok());
        qsizetype kept = 0;
        for (const QString &line : registry.at(0).lines)
            kept += line.size();
        QVERIFY(kept <= JobRegistry::kKeptCharacters);
        QCOMPARE(registry.at(0).lines.last(), QStringLiteral("200000"));
        QVERIFY(registry.at(0).droppedLines > 0);
        QCOMPARE(registry.at(0).lines.size() + registry.at(0).droppedLines, 200000);

        for (int i = 0; i < JobRegistry::kKeptRecords + 5; ++i)
            QVERIFY(run(Job::local(QString::number(i), QStringLiteral("true"), {}, this)).ok());
        QCOMPARE(registry.count(), JobRegistry::kKeptRecords);
        QCOMPARE(registry.at(registry.count() - 1).title,
                 QString::number(JobRegistry::kKeptRecords + 4)); // the oldest went first
    }
    // A deploy is many commands on many hosts: its job keeps each host's lines whole and
    // prefixed, and a cancel waits for the deploy to say how it ended (it may still revert).
    void aFollowedJobMirrorsWorkDoneElsewhere()
    {
        JobRegistry registry;
        bool cancelAsked = false;
        FollowedJob job(QStringLiteral("deploy v2"),
                        QStringLiteral("opsdeck deploy production --ref v2"),
                        [&] { cancelAsked = true; });
        job.start();
        job.addOutput(QStringLiteral("web1"), "building ");
        job.addOutput(QStringLiteral("web2"), "building\nfetch");
        job.addOutput(QStringLiteral("web1"), "done\n");
        job.addOutput({}, "switching web1\n");
        job.cancel();
        QVERIFY(cancelAsked);
        QVERIFY(job.isRunning()); // the deploy reverts before it ends
        job.addOutput(QStringLiteral("web2"), "ed\n");
        job.end(Job::State::Cancelled,
                QStringLiteral("cancelled during batch 1; web1 switched back"));
        QCOMPARE(job.state(), Job::State::Cancelled);
        QCOMPARE(
            job.lines(),
            QStringList({QStringLiteral("web2: building"), QStringLiteral("web1: building done"),
                         QStringLiteral("switching web1"), QStringLiteral("web2: fetched")}));
        QCOMPARE(registry.at(0).outcome,
                 QStringLiteral("cancelled during batch 1; web1 switched back"));

        FollowedJob ok(QStringLiteral("run: true"), QStringLiteral("opsdeck run staging -- true"),
                       {});
        ok.start();
        ok.addOutput(QStringLiteral("web1"), "no newline");
        ok.end(Job::State::Succeeded, QStringLiteral("ran on 1 host"));
        QCOMPARE(ok.lines(), QStringList({QStringLiteral("web1: no newline"),
                                          QStringLiteral("ran on 1 host")}));
        QCOMPARE(*ok.result(), QStringLiteral("ran on 1 host"));

        // A flood keeps each piece's newest lines and says how many it let go.
        FollowedJob flood(QStringLiteral("run: seq"), {}, {});
        flood.start();
        QByteArray piece = "\n"; // an empty first line counts too
        for (int i = 1; i <= 5000; ++i)
            piece += QByteArray::number(i) + '\n';
        flood.addOutput(QStringLiteral("web1"), piece);
        QCOMPARE(flood.lines().size(), FollowedJob::kTailLines + 1);
        QCOMPARE(flood.lines().first(),
                 QStringLiteral("web1: … 4801 lines not kept here (the run's own log has them)"));
        QCOMPARE(flood.lines().at(1), QStringLiteral("web1: 4801"));
        QCOMPARE(flood.lines().last(), QStringLiteral("web1: 5000"));
        flood.addOutput(QStringLiteral("web1"), "\n\nlast\n");
        QCOMPARE(flood.lines().mid(flood.lines().size() - 3),
                 QStringList({QStringLiteral("web1: "), QStringLiteral("web1: "),
                              QStringLiteral("web1: last")}));
    }
};

QTEST_GUILESS_MAIN(TestJob)
#include "tst_job.moc"
