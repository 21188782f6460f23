// SPDX-License-Identifier: GPL-3.0-or-later
// What a flag's cell says, and which states count as different, in waffle's terms.
#include "flags/flagstate.h"

#include <QTest>

using namespace Opsdeck;

class TestFlagState final : public QObject
{
    Q_OBJECT

private slots:
    void summaryFollowsWaffleEvaluationOrder()
    {
        FlagState f;
        f.name = QStringLiteral("new_timeline");
        f.hasWaffleRules = true;
        QCOMPARE(f.summary(), QStringLiteral("off")); // no rule at all: off for everyone
        QCOMPARE(f.effect(), FlagState::Effect::Off);
        f.percent = 35;
        f.staff = true;
        QCOMPARE(f.summary(), QStringLiteral("35 %, staff"));
        QCOMPARE(f.effect(), FlagState::Effect::Partial);
        f.everyone = false; // everyone wins over every other rule
        QCOMPARE(f.summary(), QStringLiteral("off"));
        QCOMPARE(f.effect(), FlagState::Effect::Off);
        f.everyone = true;
        QCOMPARE(f.effect(), FlagState::Effect::On);
        QVERIFY(f.rules().contains(QLatin1String("everyone: on")));
        f.hasWaffleRules = false; // a plain table or Unleash: no waffle fields in the tooltip
        QCOMPARE(f.rules(), QStringLiteral("on"));
    }

    void switchesAndSamples()
    {
        FlagState s;
        s.kind = FlagState::Kind::Switch;
        s.active = true;
        QCOMPARE(s.summary(), QStringLiteral("on"));
        FlagState sample;
        sample.kind = FlagState::Kind::Sample;
        sample.percent = 100;
        QCOMPARE(sample.effect(), FlagState::Effect::On);
        sample.percent = 10;
        QCOMPARE(sample.summary(), QStringLiteral("10 % of calls"));
    }

    void behaviourIgnoresTimestampsAndNotes()
    {
        FlagState a, b;
        a.name = b.name = QStringLiteral("x");
        a.note = QStringLiteral("why");
        a.modified = QDateTime::currentDateTimeUtc();
        QVERIFY(a.sameBehaviour(b));
        b.userNames = {QStringLiteral("ada"), QStringLiteral("bob")};
        QVERIFY(!a.sameBehaviour(b));
    }

    void tableSpecNamesAreCheckedBeforeTheyReachSql()
    {
        QVERIFY(FlagsSpec::fromWorkspace({{QStringLiteral("backend"), QStringLiteral("table")},
                                          {QStringLiteral("table"), QStringLiteral("app.flags")}}));
        const auto bad = FlagsSpec::fromWorkspace(
            {{QStringLiteral("backend"), QStringLiteral("table")},
             {QStringLiteral("table"), QStringLiteral("flags\"; drop table x; --")}});
        QVERIFY(!bad);
        QVERIFY(bad.errorString().contains(QLatin1String("not a table or column name")));
        QVERIFY(!FlagsSpec::fromWorkspace({{QStringLiteral("backend"), QStringLiteral("redis")}}));
        const PgStatement sql = flagsQuery(
            *FlagsSpec::fromWorkspace({{QStringLiteral("backend"), QStringLiteral("table")},
                                       {QStringLiteral("table"), QStringLiteral("feature_flag")}}));
        QVERIFY(sql.sql.contains(QLatin1String("from \"feature_flag\"")));
    }
};

QTEST_GUILESS_MAIN(TestFlagState)
#include "tst_flagstate.moc"
