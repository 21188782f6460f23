// SPDX-License-Identifier: GPL-3.0-or-later
// The Activity table's selection follows the backend, not the row: after a cancel or terminate
// the next refresh must not leave a different session under the Cancel/Terminate buttons.
#include "dbhealth/activitypanel.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace Opsdeck;

namespace {

ActivityRow backend(int pid, const QString &database, double transactionSeconds)
{
    ActivityRow row;
    row.pid = pid;
    row.backendStartText = QStringLiteral("2026-12-05 06:00:%1+00").arg(pid % 60);
    row.user = QStringLiteral("app");
    row.database = database;
    row.application = QStringLiteral("gunicorn");
    row.state = QStringLiteral("active");
    row.transactionSeconds = transactionSeconds;
    row.querySeconds = transactionSeconds;
    row.backendType = QStringLiteral("client backend");
    row.query = QStringLiteral("select pg_sleep(%1)").arg(pid);
    return row;
}

QList<ActivityRow> threeBackends()
{
    return {backend(5753, QStringLiteral("minitwit_prod"), 30),
            backend(5754, QStringLiteral("minitwit_prod"), 20),
            backend(8596, QStringLiteral("minitwit_staging"), 10)};
}

int selectedPid(const ActivityPanel &panel)
{
    const std::optional<ActivityRow> row = panel.selected();
    return row ? row->pid : 0;
}

} // namespace

class TestActivityPanel final : public QObject
{
    Q_OBJECT

private slots:
    void aTerminatedBackendLeavesNothingSelected()
    {
        ActivityPanel panel;
        panel.setRows(threeBackends());
        QVERIFY(panel.selectPid(5754));
        QList<ActivityRow> after = threeBackends();
        after.removeAt(1); // 5754 terminated: gone on the next refresh
        panel.setRows(after);
        QCOMPARE(selectedPid(panel), 0);
        // The buttons act on the selection: with nothing selected, nothing can be terminated.
        for (QPushButton *button : panel.findChildren<QPushButton *>())
            if (button->text().startsWith(QStringLiteral("Terminate")) ||
                button->text().startsWith(QStringLiteral("Cancel")))
                QVERIFY2(!button->isEnabled(), qPrintable(button->text()));
    }

    void theSelectionFollowsThePidWhenRowsMove()
    {
        ActivityPanel panel;
        panel.setRows(threeBackends());
        QVERIFY(panel.selectPid(8596));
        // Sorted by transaction age: 8596 moves from the bottom to the top.
        QList<ActivityRow> older = threeBackends();
        older[2].transactionSeconds = 500;
        panel.setRows(older);
        QCOMPARE(selectedPid(panel), 8596);
        QCOMPARE(panel.table()->selectionModel()->selectedRows().size(), 1);
    }

    void aReusedPidIsAnotherBackend()
    {
        ActivityPanel panel;
        panel.setRows(threeBackends());
        QVERIFY(panel.selectPid(5753));
        QList<ActivityRow> reused = threeBackends();
        reused[0].backendStartText = QStringLiteral("2026-12-05 07:00:00+00");
        panel.setRows(reused);
        QCOMPARE(selectedPid(panel), 0);
    }

    void typingAFilterNeverSelectsAnotherSession()
    {
        ActivityPanel panel;
        panel.setRows(threeBackends());
        QVERIFY(panel.selectPid(5753));
        // Filtering 5753 out hides it; the row that slides under the cursor is not selected.
        QTest::keyClicks(panel.filter(), QStringLiteral("staging"));
        QCOMPARE(selectedPid(panel), 0);
        // Widening the filter again brings the chosen backend back, still chosen.
        panel.filter()->clear();
        QCOMPARE(selectedPid(panel), 5753);
        // A click on another row is a new choice.
        panel.table()->selectRow(2);
        const int clicked = selectedPid(panel);
        QVERIFY(clicked != 5753 && clicked != 0);
        panel.setRows(threeBackends());
        QCOMPARE(selectedPid(panel), clicked);
    }

    void aFilterMatchingNothingSaysSo()
    {
        ActivityPanel panel;
        panel.resize(900, 400);
        panel.show();
        auto *empty = panel.table()->viewport()->findChild<QLabel *>(QStringLiteral("emptyState"));
        QVERIFY(empty);
        QVERIFY(empty->isVisible()); // no rows yet: it says nothing is running
        QVERIFY(empty->text().startsWith(QStringLiteral("Nothing is running")));
        panel.setRows(threeBackends());
        QVERIFY(!empty->isVisible());
        QTest::keyClicks(panel.filter(), QStringLiteral("zzz"));
        QVERIFY(empty->isVisible());
        QCOMPARE(empty->text(), QStringLiteral("No session matches “zzz”."));
        panel.filter()->clear();
        QVERIFY(!empty->isVisible());
    }
};

QTEST_MAIN(TestActivityPanel)
#include "tst_activitypanel.moc"
