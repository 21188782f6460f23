// SPDX-License-Identifier: GPL-3.0-or-later
// How numbers and times read everywhere: relative ages against a fixed clock in any time zone,
// English plurals, local times instead of ISO strings, text columns that stay aligned, and CSV
// that spreadsheets and psql read back.
#include "common/csv.h"
#include "common/formatting.h"
#include "common/suggest.h"
#include "metrics/panelcsv.h"
#include "metrics/timeseries.h"

#include <QTest>
#include <QTimeZone>

using namespace Opsdeck;

class TestFormatting final : public QObject
{
    Q_OBJECT

private slots:
    void agesAreMeasuredBetweenInstants_data()
    {
        QTest::addColumn<int>("secondsAgo");
        QTest::addColumn<QString>("expected");
        QTest::newRow("now") << 0 << "just now";
        QTest::newRow("59 s") << 59 << "just now";
        QTest::newRow("1 min") << 60 << "1 minute ago";
        QTest::newRow("48 min") << 48 * 60 << "48 minutes ago"; // said "just now"
        QTest::newRow("1 h") << 3600 << "1 hour ago";
        QTest::newRow("5 h") << 5 * 3600 + 1200 << "5 hours ago";
        QTest::newRow("1 day") << 86400 << "1 day ago";
        QTest::newRow("12 days") << 12 * 86400 << "12 days ago";
        QTest::newRow("3 months") << 95 * 86400 << "3 months ago";
        QTest::newRow("2 years") << 800 * 86400 << "2 years ago";
        QTest::newRow("ahead") << -300 << "in 5 minutes";
    }

    void agesAreMeasuredBetweenInstants()
    {
        QFETCH(int, secondsAgo);
        QFETCH(QString, expected);
        const QDateTime now(QDate(2026, 12, 5), QTime(13, 30), Qt::UTC);
        QCOMPARE(formatAgo(now.addSecs(-secondsAgo), now), expected);
        // The server's time in UTC, the clock in Kolkata (+05:30): the same 48 minutes.
        const QDateTime kolkata = now.toTimeZone(QTimeZone("Asia/Kolkata"));
        QCOMPARE(formatAgo(now.addSecs(-secondsAgo), kolkata), expected);
        QCOMPARE(formatAgo(now.addSecs(-secondsAgo).toOffsetFromUtc(-8 * 3600), now), expected);
    }

    void theFlagChangedAt1242ReadsAsSuchAt1330()
    {
        const QDateTime changed(QDate(2026, 12, 5), QTime(12, 42), Qt::LocalTime);
        const QDateTime now(QDate(2026, 12, 5), QTime(13, 30), Qt::LocalTime);
        QCOMPARE(formatWhen(changed, now), QStringLiteral("2026-12-05 12:42 (48 minutes ago)"));
        QCOMPARE(formatLocalTime(changed.toUTC()), QStringLiteral("2026-12-05 12:42"));
        QCOMPARE(formatWhen(QDateTime(), now), QString());
    }

    void pluralsAreEnglish()
    {
        QCOMPARE(countOf(1, QStringLiteral("host"), QStringLiteral("hosts")),
                 QStringLiteral("1 host"));
        QCOMPARE(countOf(0, QStringLiteral("standby"), QStringLiteral("standbys")),
                 QStringLiteral("0 standbys"));
        QCOMPARE(countOf(2, QStringLiteral("repository"), QStringLiteral("repositories")),
                 QStringLiteral("2 repositories"));
    }

    void aMistypedNameSuggestsTheNearest()
    {
        const QStringList environments{QStringLiteral("staging"), QStringLiteral("production")};
        QCOMPARE(nearestName(QStringLiteral("stagin"), environments), QStringLiteral("staging"));
        QCOMPARE(nearestName(QStringLiteral("prodcution"), environments),
                 QStringLiteral("production"));
        QCOMPARE(nearestName(QStringLiteral("prod"), environments), QStringLiteral("production"));
        QCOMPARE(nearestName(QStringLiteral("Staging"), environments), QStringLiteral("staging"));
        QCOMPARE(nearestName(QStringLiteral("qa"), environments), QString()); // another word
        QCOMPARE(nearestName(QStringLiteral("x"), environments), QString());
        QCOMPARE(didYouMean(QStringLiteral("new_timelin"),
                            {QStringLiteral("new_timeline"), QStringLiteral("beta_search")}),
                 QStringLiteral(" — did you mean 'new_timeline'?"));
    }

    void columnsStayAlignedWhateverTheLengthOfACell()
    {
        const QString text = formatColumns(
            {{QStringLiteral("RELEASE"), QStringLiteral("REF"), QStringLiteral("BY")},
             {QStringLiteral("20261101T100000Z-b64dc5c"),
              QStringLiteral("feature/a-very-long-branch-name"), QStringLiteral("ada")},
             {QStringLiteral("20261102T100000Z-0a1b2c3"), QStringLiteral("v2"),
              QStringLiteral("grace")}});
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        const qsizetype by = lines[0].indexOf(QStringLiteral("BY"));
        QCOMPARE(lines[1].indexOf(QStringLiteral("ada")), by);
        QCOMPARE(lines[2].indexOf(QStringLiteral("grace")), by);
        for (const QString &line : lines)
            QVERIFY(!line.endsWith(QLatin1Char(' ')));
    }

    void csvQuotesOnlyWhatNeedsIt()
    {
        QCOMPARE(csvField(QVariant()), QString()); // NULL: nothing, as psql --csv writes it
        QCOMPARE(csvField(QString(u""_qs)), QStringLiteral("\"\"")); // empty text differs from NULL
        QCOMPARE(csvField(42), QStringLiteral("42"));
        QCOMPARE(csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
        QCOMPARE(csvField(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));
    }

    void aPanelExportsOneRowPerStepWithGapsEmpty()
    {
        PanelResult result;
        result.grid = {60'000, 180'000, 60'000}; // three steps, a minute apart
        TimeSeries cpu;
        cpu.name = QStringLiteral("cpu{host=\"web1\",mode=user}");
        cpu.grid = result.grid;
        cpu.values = {0.1, NAN, 1.0 / 3};
        TimeSeries late; // an SQL panel's series on its own grid, starting a step later
        late.name = QStringLiteral("deploys");
        late.grid = {120'000, 180'000, 60'000};
        late.values = {2, 5};
        result.series = {cpu, late};
        QCOMPARE(panelCsv(result), QByteArray("time,\"cpu{host=\"\"web1\"\",mode=user}\",deploys\n"
                                              "1970-01-01T00:01:00Z,0.10000000000000001,\n"
                                              "1970-01-01T00:02:00Z,,2\n"
                                              "1970-01-01T00:03:00Z,0.33333333333333331,5\n"));

        const QString unwritable = QStringLiteral("/nonexistent-directory/panel.csv");
        const Result<QString> saved = savePanelCsv(result, unwritable);
        QVERIFY(!saved);
        QVERIFY2(saved.errorString().startsWith(QStringLiteral("Could not write ") + unwritable),
                 qPrintable(saved.errorString()));
    }
};

QTEST_GUILESS_MAIN(TestFormatting)
#include "tst_formatting.moc"
