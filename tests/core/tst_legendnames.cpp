// SPDX-License-Identifier: GPL-3.0-or-later
// Legend names a person reads: the labels that tell a panel's series apart ("200", "eth0"), a
// legendFormat when the workspace gives one, and never "{}" for a series without labels.
#include "metrics/timeseries.h"

#include <QTest>

using namespace Opsdeck;

namespace {

TimeSeries series(const QMap<QString, QString> &labels)
{
    TimeSeries s;
    s.labels = labels;
    s.name = seriesName(labels);
    return s;
}

QStringList names(const QList<TimeSeries> &all)
{
    QStringList out;
    for (const TimeSeries &s : all)
        out << s.name;
    return out;
}

} // namespace

class TestLegendNames final : public QObject
{
    Q_OBJECT

private slots:
    void theLabelThatDiffersNamesEachSeries()
    {
        QList<TimeSeries> status{series({{u"job"_qs, u"web"_qs},
                                         {u"instance"_qs, u"web1:8000"_qs},
                                         {u"status"_qs, u"200"_qs}}),
                                 series({{u"job"_qs, u"web"_qs},
                                         {u"instance"_qs, u"web1:8000"_qs},
                                         {u"status"_qs, u"404"_qs}})};
        applyLegendNames(status, QString(), u"Responses"_qs);
        QCOMPARE(names(status), (QStringList{u"200"_qs, u"404"_qs}));

        QList<TimeSeries> two{series({{u"device"_qs, u"eth0"_qs}, {u"instance"_qs, u"a:9100"_qs}}),
                              series({{u"device"_qs, u"ifb0"_qs}, {u"instance"_qs, u"b:9100"_qs}})};
        applyLegendNames(two, QString(), u"Network"_qs);
        QCOMPARE(names(two), (QStringList{u"device=eth0, instance=a:9100"_qs,
                                          u"device=ifb0, instance=b:9100"_qs}));
    }

    void aLoneSeriesIsNamedByItsMetricOrItsPanel()
    {
        QList<TimeSeries> bare{series({})}; // sum(rate(...)): no labels at all, was "{}"
        applyLegendNames(bare, QString(), u"Requests"_qs);
        QCOMPARE(bare.first().name, u"Requests"_qs);
        QList<TimeSeries> metric{series({{u"__name__"_qs, u"up"_qs}, {u"job"_qs, u"node"_qs}})};
        applyLegendNames(metric, QString(), u"Up"_qs);
        QCOMPARE(metric.first().name, u"up"_qs);
        QList<TimeSeries> cpu{series({{u"instance"_qs, u"127.0.0.1:43069"_qs}})};
        applyLegendNames(cpu, QString(), u"CPU"_qs);
        QCOMPARE(cpu.first().name, u"127.0.0.1:43069"_qs);
    }

    void aLegendFormatFromTheWorkspaceWins()
    {
        QList<TimeSeries> views{series({{u"view"_qs, u"timeline"_qs}, {u"method"_qs, u"GET"_qs}}),
                                series({{u"view"_qs, u"login"_qs}, {u"method"_qs, u"POST"_qs}})};
        applyLegendNames(views, u"{{method}} {{ view }}"_qs, u"Latency"_qs);
        QCOMPARE(names(views), (QStringList{u"GET timeline"_qs, u"POST login"_qs}));
    }

    void sqlSeriesKeepTheirColumnNames()
    {
        TimeSeries users;
        users.name = u"users"_qs;
        TimeSeries orders;
        orders.name = u"orders"_qs;
        QList<TimeSeries> sql{users, orders};
        applyLegendNames(sql, QString(), u"Business"_qs);
        QCOMPARE(names(sql), (QStringList{u"users"_qs, u"orders"_qs}));
        QList<TimeSeries> one{users};
        applyLegendNames(one, QString(), u"Sign-ups"_qs);
        QCOMPARE(one.first().name, u"users"_qs);
    }
};

QTEST_GUILESS_MAIN(TestLegendNames)
#include "tst_legendnames.moc"
