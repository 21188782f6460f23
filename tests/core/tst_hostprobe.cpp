// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/hostprobe.h"

#include "common/formatting.h"

#include <QProcess>
#include <QTest>

using namespace Opsdeck;

class TestHostProbe final : public QObject
{
    Q_OBJECT

private slots:
    void parsesTheProbeOutput()
    {
        const QByteArray output =
            "@load\n0.52 0.40 0.31 2/345 6789\n@uptime\n93784.21 180000.00\n@cpus\n4\n@df\n"
            "/dev/vda1 41152736 12345678 26700000 32% /\n";
        const std::optional<HostMetrics> m = parseHostProbe(output);
        QVERIFY(m);
        QCOMPARE(m->load1, 0.52);
        QCOMPARE(m->load15, 0.31);
        QCOMPARE(m->uptimeSeconds, 93784);
        QCOMPARE(m->cpus, 4);
        QCOMPARE(m->diskSizeKb, 41152736);
        QCOMPARE(m->diskPercent(), 29);
        QCOMPARE(m->diskMount, QStringLiteral("/"));
    }

    void rejectsForeignOutput()
    {
        QVERIFY(!parseHostProbe("command not found\n"));
        QVERIFY(!parseHostProbe(QByteArray()));
    }

    void theCommandRunsOnThisMachine()
    {
        // The same command the overview sends over SSH, run locally through sh.
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"), QString::fromLatin1(hostProbeCommand())});
        QVERIFY(sh.waitForFinished(10000));
        const std::optional<HostMetrics> m = parseHostProbe(sh.readAllStandardOutput());
        QVERIFY(m);
        QVERIFY(m->cpus >= 1);
        QVERIFY(m->uptimeSeconds > 0);
        QVERIFY(m->diskSizeKb > 0);
    }

    void formatsForPeople()
    {
        QCOMPARE(formatDuration(93784), QStringLiteral("1d 2h"));
        QCOMPARE(formatDuration(3720), QStringLiteral("1h 2m"));
        QCOMPARE(formatDuration(59), QStringLiteral("59s"));
        QCOMPARE(formatBytes(1536 * 1024), QStringLiteral("1.5 MiB"));
    }
};

QTEST_GUILESS_MAIN(TestHostProbe)
#include "tst_hostprobe.moc"
