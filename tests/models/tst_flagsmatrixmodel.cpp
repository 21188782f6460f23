// SPDX-License-Identifier: GPL-3.0-or-later
// The flag × environment matrix: rows from every environment, differences (including a flag
// missing in one environment), removal candidates by age and state, an environment that could
// not be read, and the filters.
#include "flagsmatrixmodel.h"

#include <QFont>
#include <QTest>

using namespace Opsdeck;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC);

FlagState flag(const QString &name, std::optional<bool> everyone, int daysAgo = 1)
{
    FlagState f;
    f.name = name;
    f.everyone = everyone;
    f.hasWaffleRules = true;
    f.modified = kNow.addDays(-daysAgo);
    return f;
}

} // namespace

class TestFlagsMatrixModel final : public QObject
{
    Q_OBJECT

    FlagsMatrixModel m_model;

    bool role(const QString &key, int role) const
    {
        return m_model.index(m_model.rowOf(key), 0).data(role).toBool();
    }

private slots:
    void init()
    {
        m_model.setNow(kNow);
        m_model.setEnvironments({QStringLiteral("staging"), QStringLiteral("production")});
        FlagState partial = flag(QStringLiteral("staff_only"), std::nullopt, 90);
        partial.staff = true;
        FlagState sw;
        sw.kind = FlagState::Kind::Switch;
        sw.name = QStringLiteral("old_on");
        sw.active = true;
        sw.modified = kNow.addDays(-45);
        m_model.setFlags(
            QStringLiteral("staging"),
            {flag(QStringLiteral("old_on"), true, 40), flag(QStringLiteral("old_off"), false, 31),
             flag(QStringLiteral("young"), true, 29), flag(QStringLiteral("differs"), true, 100),
             flag(QStringLiteral("only_staging"), false, 100), partial, sw});
        m_model.setFlags(QStringLiteral("production"),
                         {flag(QStringLiteral("old_on"), true, 60),
                          flag(QStringLiteral("old_off"), false, 35),
                          flag(QStringLiteral("young"), true, 100),
                          flag(QStringLiteral("differs"), false, 100), partial, sw});
    }

    void rowsAndCells()
    {
        QCOMPARE(m_model.rowCount(), 7);
        QCOMPARE(m_model.columnCount(), 4); // name, two environments, last change
        // A switch sorts beside the flag of the same name, after it.
        QCOMPARE(m_model.keyAt(m_model.rowOf(QStringLiteral("flag:old_on")) + 1),
                 QStringLiteral("switch:old_on"));
        const int row = m_model.rowOf(QStringLiteral("flag:only_staging"));
        QCOMPARE(m_model.index(row, 1).data().toString(), QStringLiteral("off"));
        QCOMPARE(m_model.index(row, 2).data().toString(), QStringLiteral("—"));
        QCOMPARE(m_model.index(m_model.rowOf(QStringLiteral("switch:old_on")), 0).data().toString(),
                 QStringLiteral("old_on (switch)"));
        QVERIFY(m_model.index(m_model.rowOf(QStringLiteral("flag:staff_only")), 1)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("staff: yes")));
    }

    void thePanesEnvironmentColumnIsMarked()
    {
        m_model.setHomeEnvironment(QStringLiteral("production"));
        const int production = m_model.columnOf(QStringLiteral("production"));
        const int staging = m_model.columnOf(QStringLiteral("staging"));
        QVERIFY(m_model.headerData(production, Qt::Horizontal, Qt::FontRole).value<QFont>().bold());
        QVERIFY(!m_model.headerData(staging, Qt::Horizontal, Qt::FontRole).value<QFont>().bold());
        QVERIFY(m_model.headerData(production, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .startsWith(QStringLiteral("This pane's environment")));
        // Cells of the home column are tinted, unless the row's own "differs" colour wins.
        const int same = m_model.rowOf(QStringLiteral("flag:old_on"));
        QVERIFY(m_model.index(same, production).data(Qt::BackgroundRole).isValid());
        QVERIFY(!m_model.index(same, staging).data(Qt::BackgroundRole).isValid());
        const int differs = m_model.rowOf(QStringLiteral("flag:differs"));
        QCOMPARE(m_model.index(differs, production).data(Qt::BackgroundRole),
                 m_model.index(differs, staging).data(Qt::BackgroundRole));
        m_model.setHomeEnvironment({});
    }

    void lastChangeIsMeasuredAgainstTheClock()
    {
        // Changed 48 minutes before "now" read "just now" (everything under an hour did).
        FlagState recent = flag(QStringLiteral("recent"), true);
        recent.modified = kNow.addSecs(-48 * 60);
        m_model.setFlags(QStringLiteral("staging"), {recent});
        const int row = m_model.rowOf(QStringLiteral("flag:recent"));
        QVERIFY(row >= 0);
        QCOMPARE(m_model.index(row, m_model.columnCount() - 1).data().toString(),
                 QStringLiteral("48 minutes ago"));
    }

    void differences()
    {
        QVERIFY(role(QStringLiteral("flag:differs"), FlagsMatrixModel::DiffersRole));
        QVERIFY(role(QStringLiteral("flag:only_staging"), FlagsMatrixModel::DiffersRole));
        QVERIFY(!role(QStringLiteral("flag:old_on"), FlagsMatrixModel::DiffersRole));
        QVERIFY(!role(QStringLiteral("flag:young"), FlagsMatrixModel::DiffersRole)); // dates aside
    }

    void removalCandidates()
    {
        QVERIFY(role(QStringLiteral("flag:old_on"), FlagsMatrixModel::StaleRole));
        QVERIFY(role(QStringLiteral("flag:old_off"), FlagsMatrixModel::StaleRole));
        QVERIFY(role(QStringLiteral("switch:old_on"), FlagsMatrixModel::StaleRole));
        // The most recent change counts: 29 days ago in staging.
        QVERIFY(!role(QStringLiteral("flag:young"), FlagsMatrixModel::StaleRole));
        QVERIFY(!role(QStringLiteral("flag:differs"), FlagsMatrixModel::StaleRole));
        QVERIFY(!role(QStringLiteral("flag:only_staging"), FlagsMatrixModel::StaleRole));
        QVERIFY(!role(QStringLiteral("flag:staff_only"), FlagsMatrixModel::StaleRole)); // rules
        const int row = m_model.rowOf(QStringLiteral("flag:old_on"));
        QCOMPARE(m_model.index(row, 3).data().toString(), QStringLiteral("40 days ago · stale"));
    }

    void anEnvironmentThatCannotBeRead()
    {
        m_model.setError(QStringLiteral("production"), QStringLiteral("connection refused"));
        const int row = m_model.rowOf(QStringLiteral("flag:differs"));
        QCOMPARE(m_model.index(row, 2).data().toString(), QStringLiteral("?"));
        QCOMPARE(m_model.index(row, 2).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("connection refused"));
        QVERIFY(m_model.headerData(2, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("connection refused")));
        // Only what was read is compared: no difference claimed against an unknown.
        QVERIFY(!role(QStringLiteral("flag:differs"), FlagsMatrixModel::DiffersRole));
    }

    void filters()
    {
        FlagsFilterModel filter;
        filter.setSourceModel(&m_model);
        filter.setText(QStringLiteral("OLD"));
        QCOMPARE(filter.rowCount(), 3);
        filter.setText(QString());
        filter.setDifferencesOnly(true);
        QCOMPARE(filter.rowCount(), 2);
        filter.setDifferencesOnly(false);
        filter.setStaleOnly(true);
        QCOMPARE(filter.rowCount(), 3);
    }
};

QTEST_MAIN(TestFlagsMatrixModel)
#include "tst_flagsmatrixmodel.moc"
