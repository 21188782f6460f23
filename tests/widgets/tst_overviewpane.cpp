// SPDX-License-Identifier: GPL-3.0-or-later
// Offscreen GUI test of the overview against the real sshd and PostgreSQL fixtures.
#include "common/guiprompter.h"
#include "hoststatusmodel.h"
#include "overview/overviewpane.h"
#include "runtime/environmentcontext.h"
#include "runtime/environmentprobe.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

QString cell(QTableView *table, int row, int column)
{
    return table->model()->index(row, column).data().toString();
}

} // namespace

class TestOverviewPane final : public QObject
{
    Q_OBJECT

private slots:
    void showsHostsAndDatabase()
    {
        QTemporaryDir dir;
        const QString path = TestServices::writeWorkspace(
            dir.path(), {QStringLiteral("web1"), QStringLiteral("bastion"), QStringLiteral("dead")},
            QStringLiteral("  dead: { address: 127.0.0.1, port: 1, jump: bastion }\n"));
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(path);
        QVERIFY(loaded.ok());
        FixedPrompter prompter(HostKeyDecision::Reject);
        SshPool pool(*loaded.workspace, &prompter);
        EnvironmentContexts contexts(*loaded.workspace, &pool);
        OverviewPane pane(*contexts.context(QStringLiteral("staging")));
        QSignalSpy loadedSpy(&pane, &Pane::loaded);
        pane.resize(1100, 600);
        pane.show(); // showing starts the first refresh
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QVERIFY(loadedSpy.wait(20000));
        QVERIFY(pane.hasLoaded());

        QTableView *table = pane.hostTable();
        QCOMPARE(table->model()->rowCount(), 3);
        // Reachable: OK, or Warning when this machine itself is busy (load5 over 2 per CPU).
        const QStringList reachable{QStringLiteral("OK"), QStringLiteral("Warning")};
        QVERIFY(reachable.contains(cell(table, 0, HostStatusModel::Status)));
        QVERIFY(reachable.contains(cell(table, 1, HostStatusModel::Status)));
        QCOMPARE(cell(table, 2, HostStatusModel::Status), QStringLiteral("Down"));
        // The dead host is behind a live bastion: the error says where it failed.
        QVERIFY2(cell(table, 2, HostStatusModel::Details).contains(QStringLiteral("via bastion")),
                 qPrintable(cell(table, 2, HostStatusModel::Details)));

        auto *summary = pane.findChild<QLabel *>(QStringLiteral("overviewSummary"));
        QVERIFY(summary);
        QCOMPARE(summary->text(), QStringLiteral("2 of 3 hosts up · 1 unreachable · database up"));
        auto *status = pane.findChild<QLabel *>(QStringLiteral("databaseStatus"));
        QVERIFY(status->text().contains(QStringLiteral("Connected")));
        auto *connections = pane.findChild<QProgressBar *>();
        QVERIFY(connections->maximum() >= 100);
        QVERIFY(connections->value() >= 1);

        // A refresh keeps the user's selection.
        table->selectRow(1);
        QSignalSpy again(pane.probe(), &EnvironmentProbe::refreshFinished);
        pane.refresh();
        QVERIFY(again.wait(20000));
        QCOMPARE(table->selectionModel()->selectedRows().value(0).row(), 1);

        const QImage image = pane.grab().toImage();
        QVERIFY(!image.isNull());
    }

    void unknownHostKeyGoesThroughThePrompter()
    {
        QTemporaryDir dir;
        const QString path =
            TestServices::writeWorkspace(dir.path(), {QStringLiteral("bastion")}, {},
                                         dir.filePath(QStringLiteral("empty_known_hosts")));
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(path);
        QVERIFY(loaded.ok());
        QWidget parent;
        GuiPrompter prompter(&parent);
        QSignalSpy asked(&prompter, &GuiPrompter::hostKeyQuestionShown);
        GuiPrompter::setNextAnswer(HostKeyDecision::Reject);
        SshPool pool(*loaded.workspace, &prompter);
        EnvironmentContexts contexts(*loaded.workspace, &pool);
        OverviewPane pane(*contexts.context(QStringLiteral("staging")));
        QSignalSpy loadedSpy(&pane, &Pane::loaded);
        pane.show();
        QVERIFY(loadedSpy.wait(20000));
        GuiPrompter::setNextAnswer(std::nullopt);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.first().first().toString(), QStringLiteral("bastion"));
        QCOMPARE(cell(pane.hostTable(), 0, HostStatusModel::Status), QStringLiteral("Down"));
        QVERIFY(cell(pane.hostTable(), 0, HostStatusModel::Details)
                    .contains(QStringLiteral("not trusted")));
    }
};

QTEST_MAIN(TestOverviewPane)
#include "tst_overviewpane.moc"
