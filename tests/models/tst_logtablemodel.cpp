// SPDX-License-Identifier: GPL-3.0-or-later
// The Logs pane's table past what memory holds: the oldest lines go to a spill file, and a search
// still finds them there — with the lines held, in time order, while more arrive.
#include "futurewait.h"
#include "logs/loghistory.h"
#include "logs/logspill.h"
#include "logtablemodel.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Opsdeck;

namespace {

/** Lines `from`…`to - 1`, one a second; every tenth says "needle". */
QList<LogEntry> lines(int from, int to)
{
    QList<LogEntry> entries;
    for (int i = from; i < to; ++i) {
        LogEntry e;
        e.timeMs = 1'700'000'000'000 + qint64(i) * 1000;
        e.level = i % 10 == 0 ? LogLevel::Error : LogLevel::Info;
        e.host = i % 2 ? QStringLiteral("web1") : QStringLiteral("web2");
        e.source = QStringLiteral("access.log");
        e.message = QStringLiteral("line %1").arg(i) +
                    (i % 10 == 0 ? QStringLiteral(" needle") : QString());
        e.fields = {{QStringLiteral("pid"), QString::number(100 + i % 3)}};
        entries << e;
    }
    return entries;
}

LogFilter filter(const QString &text)
{
    const Result<LogFilter> parsed = LogFilter::parse(text);
    return parsed ? *parsed : LogFilter();
}

QStringList messages(const LogTableModel &model)
{
    QStringList shown;
    for (int row = 0; row < model.rowCount(); ++row)
        shown << model.entryAt(row).message;
    return shown;
}

QStringList needles(int from, int to)
{
    QStringList expected;
    for (int i = from; i < to; ++i)
        if (i % 10 == 0)
            expected << QStringLiteral("line %1 needle").arg(i);
    return expected;
}

} // namespace

class TestLogTableModel : public QObject
{
    Q_OBJECT

private slots:
    void aSpillKeepsEveryFieldAndIsOwnerOnly()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("logs"));
        QString path;
        {
            LogSpill spill(folder);
            path = spill.path();
            QVERIFY(!QFileInfo::exists(path)); // nothing written before the first line
            spill.append(lines(0, 1000));
            const SpillSearch found = wait(spill.search(filter(QStringLiteral("needle")), 1000));
            QCOMPARE(found.scanned, qint64(1000));
            QCOMPARE(found.matched, qint64(100));
            QCOMPARE(found.matches.size(), 100);
            const LogEntry &first = found.matches.first();
            QCOMPARE(first.message, QStringLiteral("line 0 needle"));
            QCOMPARE(first.level, LogLevel::Error);
            QCOMPARE(first.host, QStringLiteral("web2"));
            QCOMPARE(first.field(QStringLiteral("pid")), QStringLiteral("100"));
            QCOMPARE(first.timeMs, qint64(1'700'000'000'000));
            // Fields are searched as the pane's search box types them.
            const SpillSearch byPid =
                wait(spill.search(filter(QStringLiteral("pid=101 host=web1")), 1000));
            QCOMPARE(byPid.matched, qint64(167)); // i ≡ 1 (mod 6)
            // The newest matches when there are more than asked for.
            const SpillSearch newest = wait(spill.search(filter(QStringLiteral("needle")), 3));
            QCOMPARE(newest.matched, qint64(100));
            QCOMPARE(newest.matches.size(), 3);
            QCOMPARE(newest.matches.last().message, QStringLiteral("line 990 needle"));
            QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFile::Permissions());
            QCOMPARE(QFileInfo(folder).permissions(), QFile::ReadOwner | QFile::WriteOwner |
                                                          QFile::ExeOwner | QFile::ReadUser |
                                                          QFile::WriteUser | QFile::ExeUser);
            QVERIFY(spill.bytes() > 0);
            QCOMPARE(spill.lost(), qint64(0));
        }
        // Removed on a pool thread: the window that lets a spill go does not wait for the disk.
        QTRY_VERIFY2(!QFileInfo::exists(path), "the spill outlived its window");
    }

    // A window refreshed mid-search lets its spill go at once: the search still answers (cut
    // short or whole), on the state it shares, and the file is removed after it.
    void aSpillLetGoMidSearchEndsCleanly()
    {
        QTemporaryDir dir;
        QFuture<SpillSearch> search;
        QString path;
        {
            LogSpill spill(dir.path());
            path = spill.path();
            for (int from = 0; from < 200'000; from += 20'000)
                spill.append(lines(from, from + 20'000));
            search = spill.search(filter(QStringLiteral("needle")), 10);
        }
        const SpillSearch found = wait(search);
        QVERIFY(found.stopped || found.scanned == 200'000);
        QVERIFY(found.matches.size() <= 10);
        QTRY_VERIFY(!QFileInfo::exists(path));
    }

    void aFullSpillSaysSoAndLosesOnlyWhatDidNotFit()
    {
        QTemporaryDir dir;
        LogSpill spill(dir.path(), 4096);
        spill.append(lines(0, 10));
        spill.append(lines(10, 2000)); // far past 4 KiB
        const SpillSearch found = wait(spill.search(filter(QStringLiteral("line")), 5000));
        QCOMPARE(found.scanned, qint64(10));
        QCOMPARE(spill.lost(), qint64(1990));
        QVERIFY2(spill.problem().contains(QLatin1String("full")), qPrintable(spill.problem()));
    }

    void aCrashedOpsdecksSpillIsRemoved()
    {
        QTemporaryDir dir;
        const QString orphan = dir.filePath(QStringLiteral("spill-999999999-abcd.bin"));
        const QString ours = dir.filePath(
            QStringLiteral("spill-%1-abcd.bin").arg(QCoreApplication::applicationPid()));
        for (const QString &path : {orphan, ours}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        LogSpill spill(dir.path());
        spill.append(lines(0, 1));
        wait(spill.search(LogFilter(), 1));
        QVERIFY(!QFileInfo::exists(orphan)); // no process 999999999
        QVERIFY(QFileInfo::exists(ours));    // a window of this process
    }

    // Memory holds 100 lines of 1,000; the search finds all 100 needles, the spilled ones first.
    void aSearchFindsWhatLeftMemory()
    {
        QTemporaryDir dir;
        LogTableModel model;
        model.setCapacity(100);
        model.setSpill(std::make_shared<LogSpill>(dir.path()));
        for (int from = 0; from < 1000; from += 50)
            model.append(lines(from, from + 50));
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.droppedCount(), qint64(900));
        QCOMPARE(model.spill()->count(), qint64(900));

        QSignalSpy done(&model, &LogTableModel::searchFinished);
        model.setFilter(filter(QStringLiteral("needle")));
        QVERIFY(model.isSearching());
        QTRY_VERIFY(!model.isSearching());
        QCOMPARE(messages(model), needles(0, 1000));
        QCOMPARE(model.olderMatchCount(), 90);
        QCOMPARE(model.spillScanned(), qint64(900));

        // Lines arrive while filtered: matches that leave memory stay rows, new ones are added.
        model.append(lines(1000, 1200));
        QCOMPARE(messages(model), needles(0, 1200));
        QCOMPARE(model.olderMatchCount(), 110);

        // Another search sees the 200 lines spilled since.
        model.setFilter(filter(QStringLiteral("needle -line")));
        QTRY_VERIFY(!model.isSearching());
        QCOMPARE(model.rowCount(), 0);
        model.setFilter(filter(QStringLiteral("line 11"))); // overtaken at once
        model.setFilter(filter(QStringLiteral("needle")));
        QTRY_VERIFY(!model.isSearching());
        QCOMPARE(messages(model), needles(0, 1200));
        QCOMPARE(model.spillScanned(), qint64(1100));

        // No filter: only what memory holds.
        model.setFilter(LogFilter());
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.entryAt(0).message, QStringLiteral("line 1100 needle"));
    }

    // Reading a long window: the lines the history lets go are spilled too, oldest first.
    void theWindowsOldestLinesAreSpilled()
    {
        QTemporaryDir dir;
        auto spill = std::make_shared<LogSpill>(dir.path());
        LogHistory history(100);
        history.setSpill(spill);
        QList<QList<LogEntry>> sorted;
        connect(&history, &LogHistory::sorted, this,
                [&sorted](const QList<QList<LogEntry>> &slices) { sorted = slices; });
        for (int from = 0; from < 1000; from += 100)
            history.add(lines(from, from + 100));
        history.finish(1000);
        QTRY_COMPARE(sorted.size(), 1);
        const qint64 kept = sorted.at(0).size();
        QCOMPARE(spill->count(), qint64(1000 - kept));
        QCOMPARE(history.dropped(), qint64(1000 - kept));
        const SpillSearch found = wait(spill->search(filter(QStringLiteral("needle")), 1000));
        QCOMPARE(found.matched, qint64((1000 - kept + 9) / 10));
        QCOMPARE(found.matches.first().message, QStringLiteral("line 0 needle"));
        QVERIFY(found.matches.last().timeMs < sorted.at(0).first().timeMs);
    }
};

QTEST_GUILESS_MAIN(TestLogTableModel)
#include "tst_logtablemodel.moc"
