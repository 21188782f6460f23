// SPDX-License-Identifier: GPL-3.0-or-later
// Axis ticks over thousands of random ranges: 4 to 10 of them, no label twice, every label
// exactly its tick's value at the precision shown; value steps 1-2-5 × 10ⁿ in the unit as
// printed, time ticks on the local clock's round minutes, hours and days.
#include "metrics/axisticks.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <cmath>
#include <ctime>

using namespace Opsdeck;

namespace {

/** A printed value back to a number: "1.5 KiB" → 1536, "250 ms" (unit s) → 0.25, "2 K" → 2000. */
double parseLabel(const QString &label, const QString &unit, bool *ok)
{
    static const QRegularExpression shape(QStringLiteral("^(-?\\d+(?:\\.\\d+)?)\\s*(.*)$"));
    const QRegularExpressionMatch m = shape.match(label);
    *ok = m.hasMatch();
    if (!*ok)
        return 0;
    const double number = m.captured(1).toDouble();
    const QString suffix = m.captured(2);
    static const QHash<QString, double> bytes{{QStringLiteral("B"), 1},
                                              {QStringLiteral("KiB"), 1024.0},
                                              {QStringLiteral("MiB"), std::pow(1024.0, 2)},
                                              {QStringLiteral("GiB"), std::pow(1024.0, 3)},
                                              {QStringLiteral("TiB"), std::pow(1024.0, 4)},
                                              {QStringLiteral("PiB"), std::pow(1024.0, 5)}};
    static const QHash<QString, double> seconds{
        {QStringLiteral("µs"), 1e-6}, {QStringLiteral("ms"), 1e-3}, {QStringLiteral("s"), 1},
        {QStringLiteral("min"), 60},  {QStringLiteral("h"), 3600},  {QStringLiteral("d"), 86400}};
    static const QHash<QString, double> si{{QString(), 1},
                                           {QStringLiteral("K"), 1e3},
                                           {QStringLiteral("M"), 1e6},
                                           {QStringLiteral("G"), 1e9},
                                           {QStringLiteral("T"), 1e12},
                                           {QStringLiteral("P"), 1e15}};
    const QHash<QString, double> &table = unit == QLatin1String("bytes") ? bytes
                                          : unit == QLatin1String("s")   ? seconds
                                                                         : si;
    *ok = table.contains(suffix);
    return number * table.value(suffix);
}

double randomIn(QRandomGenerator &random, double low, double high)
{
    return low + random.generateDouble() * (high - low);
}

void setTimeZone(const char *zone)
{
    qputenv("TZ", zone);
    tzset();
}

} // namespace

class TestAxisTicks final : public QObject
{
    Q_OBJECT

private slots:
    void valueTicksOverRandomRanges_data()
    {
        QTest::addColumn<QString>("unit");
        QTest::newRow("plain") << QString();
        QTest::newRow("bytes") << QStringLiteral("bytes");
        QTest::newRow("seconds") << QStringLiteral("s");
    }

    void valueTicksOverRandomRanges()
    {
        QFETCH(QString, unit);
        QRandomGenerator random(20261205);
        for (int i = 0; i < 3000; ++i) {
            const double magnitude = std::pow(10.0, randomIn(random, -3, 12));
            double low = randomIn(random, -0.2, 1) * magnitude;
            double high = low + randomIn(random, 0.01, 2) * magnitude;
            if (unit != QString() && low < 0)
                low = 0; // sizes and durations are not negative
            const int wanted = 4 + int(random.bounded(4));
            const ValueAxis axis = valueAxis(low, high, unit, wanted);
            const QString range = QStringLiteral("[%1, %2] %3").arg(low).arg(high).arg(unit);
            QVERIFY2(axis.ticks.size() >= 4 && axis.ticks.size() <= 10,
                     qPrintable(range + QStringLiteral(": %1 ticks").arg(axis.ticks.size())));
            QVERIFY2(axis.low <= low && axis.high >= high, qPrintable(range));
            QSet<QString> labels;
            for (const AxisTick &t : axis.ticks) {
                QVERIFY2(!labels.contains(t.label),
                         qPrintable(range + QStringLiteral(": ") + t.label));
                labels.insert(t.label);
                bool ok = false;
                const double read = parseLabel(t.label, unit, &ok);
                QVERIFY2(ok, qPrintable(range + QStringLiteral(": cannot read ") + t.label));
                QVERIFY2(
                    std::fabs(read - t.value) <= axis.step * 1e-6,
                    qPrintable(
                        range +
                        QStringLiteral(": label %1 for %2").arg(t.label).arg(t.value, 0, 'g', 17)));
            }
            // 1, 2 or 5 × 10ⁿ between neighbours, in the unit as printed.
            const double gap = axis.ticks[1].value - axis.ticks[0].value;
            QVERIFY2(std::fabs(gap - axis.step) <= axis.step * 1e-9, qPrintable(range));
        }
    }

    void theReportedRangesGetNiceSteps()
    {
        // 0 / 0.3 / 0.5 / 0.8 / 1 came from a 0.25 step printed with one decimal.
        QStringList labels;
        for (const AxisTick &t : valueAxis(0, 1, QString(), 5).ticks)
            labels << t.label;
        QCOMPARE(labels,
                 (QStringList{QStringLiteral("0"), QStringLiteral("0.2"), QStringLiteral("0.4"),
                              QStringLiteral("0.6"), QStringLiteral("0.8"), QStringLiteral("1")}));
        labels.clear();
        for (const AxisTick &t : valueAxis(0, 10, QString(), 5).ticks)
            labels << t.label;
        QCOMPARE(labels,
                 (QStringList{QStringLiteral("0"), QStringLiteral("2"), QStringLiteral("4"),
                              QStringLiteral("6"), QStringLiteral("8"), QStringLiteral("10")}));
    }

    void timeTicksOverRandomRanges_data()
    {
        QTest::addColumn<QByteArray>("zone");
        QTest::newRow("UTC") << QByteArray("UTC");
        QTest::newRow("Kolkata, UTC+05:30") << QByteArray("Asia/Kolkata");
    }

    void timeTicksOverRandomRanges()
    {
        QFETCH(QByteArray, zone);
        const QByteArray before = qgetenv("TZ");
        setTimeZone(zone.constData());
        QRandomGenerator random(5122026);
        const qint64 now = QDateTime(QDate(2026, 12, 5), QTime(13, 13, 17)).toMSecsSinceEpoch();
        for (int i = 0; i < 3000; ++i) {
            const qint64 span = qint64(std::pow(10.0, randomIn(random, 3.5, 10.5))); // 3 s–1 y
            const qint64 from = now - qint64(random.bounded(86400000)) - span;
            const qint64 to = from + span;
            const int wanted = 4 + int(random.bounded(6));
            const QList<AxisTick> ticks = timeTicks(from, to, wanted);
            const QString range = QStringLiteral("%1 ms from %2").arg(span).arg(from);
            QVERIFY2(ticks.size() >= 4 && ticks.size() <= 10,
                     qPrintable(range + QStringLiteral(": %1 ticks").arg(ticks.size())));
            QSet<QString> labels;
            for (const AxisTick &t : ticks) {
                QVERIFY2(t.value >= double(from) && t.value <= double(to), qPrintable(range));
                QVERIFY2(!labels.contains(t.label),
                         qPrintable(range + QStringLiteral(": ") + t.label));
                labels.insert(t.label);
                // Nothing below what the label shows: 13:15 is 13:15:00.000 local time.
                const QTime local = QDateTime::fromMSecsSinceEpoch(qint64(t.value)).time();
                const bool showsSeconds = t.label.count(QLatin1Char(':')) == 2;
                const bool showsTime = t.label.contains(QLatin1Char(':'));
                if (!t.label.contains(QLatin1Char('.')))
                    QCOMPARE(local.msec(), 0);
                if (!showsSeconds)
                    QVERIFY2(local.second() == 0, qPrintable(t.label));
                if (!showsTime)
                    QVERIFY2(local == QTime(0, 0), qPrintable(t.label));
                if (showsTime)
                    QVERIFY2(
                        t.label.endsWith(local.toString(showsSeconds ? QStringLiteral("HH:mm:ss")
                                                                     : QStringLiteral("HH:mm"))) ||
                            t.label.contains(QLatin1Char('.')),
                        qPrintable(t.label));
            }
        }
        setTimeZone(before.isEmpty() ? "UTC" : before.constData());
    }

    void theReportedTimeRangeFallsOnRoundMinutes()
    {
        setTimeZone("UTC");
        // 15 minutes from 13:12:41: QDateTimeAxis put ticks at 13:13, 13:15, 13:18.
        const qint64 from = QDateTime(QDate(2026, 12, 5), QTime(13, 12, 41)).toMSecsSinceEpoch();
        QStringList labels;
        for (const AxisTick &t : timeTicks(from, from + 15 * 60000, 6))
            labels << t.label;
        // 5 min steps would give 3 ticks (13:15, 13:20, 13:25): too few, so every 2 minutes.
        QCOMPARE(labels, (QStringList{QStringLiteral("13:14"), QStringLiteral("13:16"),
                                      QStringLiteral("13:18"), QStringLiteral("13:20"),
                                      QStringLiteral("13:22"), QStringLiteral("13:24"),
                                      QStringLiteral("13:26")}));
    }
};

QTEST_GUILESS_MAIN(TestAxisTicks)
#include "tst_axisticks.moc"
