// SPDX-License-Identifier: GPL-3.0-or-later
// A Prometheus answer cannot make a panel take gigabytes: empty series are not given a grid,
// and the series count and series × steps are bounded with an error that says so.
#include "metrics/promresponse.h"

#include <QTest>

#include <sys/resource.h>

using namespace Opsdeck;

namespace {

QByteArray matrix(int series, int samplesEach, qint64 startSeconds)
{
    QByteArray body = R"({"status":"success","data":{"resultType":"matrix","result":[)";
    for (int i = 0; i < series; ++i) {
        body += (i ? "," : "") + QByteArray(R"({"metric":{"i":")") + QByteArray::number(i) +
                R"("},"values":[)";
        for (int k = 0; k < samplesEach; ++k)
            body += (k ? "," : "") + QByteArray("[") + QByteArray::number(startSeconds + k) +
                    R"(,"1"])";
        body += "]}";
    }
    return body + "]}}";
}

long maxRssKiB()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

const QueryGrid kDay{0, 86'400'000, 7'854}; // 11,001 steps, as a wide panel asks
const QueryGrid kShort{0, 100'000, 1'000};  // 101 steps

} // namespace

class TestPromLimits final : public QObject
{
    Q_OBJECT

private slots:
    void emptySeriesCostNothing()
    {
        // 40,000 series without samples in about 1 MB: before, each got a full 11,001-step
        // grid up front (3.4 GB).
        const long before = maxRssKiB();
        const QByteArray body = matrix(40'000, 0, 0);
        QVERIFY(body.size() < 2 * 1024 * 1024);
        const Result<QList<TimeSeries>> read = parsePrometheusResponse(body, 200, kDay);
        QVERIFY2(read.ok(), qPrintable(read.errorString()));
        QVERIFY(read->isEmpty()); // nothing to draw
        QVERIFY2(maxRssKiB() - before < 200 * 1024,
                 qPrintable(QString::number(maxRssKiB() - before)));
    }

    void tooManySeriesIsAPanelError()
    {
        const Result<QList<TimeSeries>> read =
            parsePrometheusResponse(matrix(int(kMaxPromSeries) + 1, 1, 0), 200, kShort);
        QVERIFY(!read.ok());
        QVERIFY2(read.errorString().contains(QString::number(kMaxPromSeries)),
                 qPrintable(read.errorString()));
        QCOMPARE(read.error().code, QStringLiteral("too-large"));
        QVERIFY(parsePrometheusResponse(matrix(int(kMaxPromSeries), 1, 0), 200, kShort).ok());
    }

    void tooManyPointsIsAPanelError()
    {
        // 1,000 series × 11,001 steps = 11 M doubles (88 MB): over the bound.
        const Result<QList<TimeSeries>> read =
            parsePrometheusResponse(matrix(1000, 1, 0), 200, kDay);
        QVERIFY(!read.ok());
        QVERIFY2(read.errorString().contains(QLatin1String("points")),
                 qPrintable(read.errorString()));
        // 20 series over the same day (the benchmark's panel) are fine.
        const Result<QList<TimeSeries>> fine =
            parsePrometheusResponse(matrix(20, 100, 0), 200, kDay);
        QVERIFY2(fine.ok(), qPrintable(fine.errorString()));
        QCOMPARE(fine->size(), 20);
        QCOMPARE(qint64(fine->first().values.size()), kDay.points());
    }
};

QTEST_GUILESS_MAIN(TestPromLimits)
#include "tst_promlimits.moc"
