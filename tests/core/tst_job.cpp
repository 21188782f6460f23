// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job.h"
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
};

QTEST_GUILESS_MAIN(TestJob)
#include "tst_job.moc"
