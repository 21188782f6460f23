// SPDX-License-Identifier: GPL-3.0-or-later
// The Database health pane's Replication tab on the demo world: production's primary and its
// streaming standby side by side (through the bastion tunnel, each over its own session), the
// standby's own checks in the Checks list under its name, a paused replay seen on both, and a
// listed replica that cannot be reached said plainly instead of hanging the pane.
#include "checkresultsmodel.h"
#include "dbhealth/checkspanel.h"
#include "dbhealth/dbhealthpane.h"
#include "dbhealth/overviewslotspanels.h"
#include "runtime/environmentcontext.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"
#include "workspacecontext.h"

#include <QProcess>
#include <QScopeGuard>
#include <QStandardItemModel>
#include <QTcpServer>
#include <QTest>

using namespace Opsdeck;

namespace {

const QString kProduction = QStringLiteral("production");

enum Column { Server, Role, Behind, ReplayLag, NotReplayed, Replay, Sessions, Conflicts, Why };

} // namespace

class TestReplicationPane final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::unique_ptr<WorkspaceContext> m_workspace;
    quint16 m_deadPort = 0;

    bool psqlStandby(const QString &sql)
    {
        QProcess p;
        p.start(m_demo.value(QStringLiteral("OPSDECK_PG_BIN")) + QStringLiteral("/psql"),
                {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                 m_demo.value(QStringLiteral("STANDBY_PORT")), QStringLiteral("-U"),
                 QStringLiteral("postgres"), QStringLiteral("-qAt"), QStringLiteral("-d"),
                 QStringLiteral("postgres"), QStringLiteral("-c"), sql});
        return p.waitForFinished(30000) && p.exitCode() == 0;
    }

    static QString cell(QStandardItemModel *model, const QString &server, Column column)
    {
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->item(row, Server)->text() == server)
                return model->item(row, column)->text();
        return {};
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        // A second replica nobody listens for: a port that was free a moment ago.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        m_deadPort = probe.serverPort();
        probe.close();
        auto found = std::find_if(loaded.workspace->environments.begin(),
                                  loaded.workspace->environments.end(),
                                  [](const EnvironmentSpec &e) { return e.name == kProduction; });
        QVERIFY(found != loaded.workspace->environments.end());
        EnvironmentSpec &production = *found;
        QCOMPARE(production.database->replicas.size(), 1);
        ReplicaSpec gone = production.database->replicas.first();
        gone.name = QStringLiteral("standby9");
        gone.conninfo = QStringLiteral("host=127.0.0.1 port=%1 dbname=minitwit_prod user=postgres")
                            .arg(m_deadPort);
        production.database->replicas << gone;
        m_workspace = std::make_unique<WorkspaceContext>(std::move(*loaded.workspace), nullptr);
    }

    void cleanupTestCase() { psqlStandby(QStringLiteral("select pg_wal_replay_resume()")); }

    void primaryAndStandbySideBySide()
    {
        DbHealthPane pane(*m_workspace->environment(kProduction));
        pane.resize(1200, 700);
        pane.show();
        pane.openItem(QStringLiteral("replication"));
        QStandardItemModel *rows = pane.replicationPanel()->model();
        QVERIFY(pane.replicationPanel()->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(cell(rows, QStringLiteral("standby1"), Role),
                                  QStringLiteral("standby"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(rows, QStringLiteral("primary"), Role),
                                  QStringLiteral("primary"), 30000);
        QCOMPARE(rows->item(0, Server)->text(), QStringLiteral("primary"));
        QCOMPARE(cell(rows, QStringLiteral("standby1"), Replay), QStringLiteral("replaying"));
        QVERIFY(!cell(rows, QStringLiteral("standby1"), Behind).isEmpty());
        QVERIFY(cell(rows, QStringLiteral("standby1"), Sessions).contains(QStringLiteral(" of ")));
        // The primary streams to standby1: matched by name, its lag comes from the primary.
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(rows, QStringLiteral("standby1"), ReplayLag) != QStringLiteral("-"), 30000);
        // The unreachable one: a row that says so, and a critical check, not a frozen pane.
        QTRY_COMPARE_WITH_TIMEOUT(cell(rows, QStringLiteral("standby9"), Role),
                                  QStringLiteral("not connected"), 60000);
        CheckResultsModel *checks = pane.checks()->model();
        QTRY_VERIFY_WITH_TIMEOUT(checks->report().check(QStringLiteral("standby9/reachable")),
                                 60000);
        QCOMPARE(checks->report().check(QStringLiteral("standby9/reachable"))->verdict,
                 Verdict::Critical);
        // standby1's own checks, under its name, next to the primary's.
        QTRY_VERIFY_WITH_TIMEOUT(checks->report().check(QStringLiteral("standby1/standby_replay")),
                                 30000);
        QVERIFY(checks->report().check(QStringLiteral("standby1/long_running")));
        QVERIFY(checks->report().check(QStringLiteral("long_running")));
        QVERIFY(checks->report().check(QStringLiteral("replication_lag")));
        QVERIFY(!checks->report().check(QStringLiteral("standby1/replication_lag")));
        QCOMPARE(checks->report().check(QStringLiteral("standby1/standby_replay"))->verdict,
                 Verdict::Ok);
    }

    void pausedReplayShowsOnTheStandbysRowAndCheck()
    {
        DbHealthPane pane(*m_workspace->environment(kProduction));
        pane.show();
        pane.openItem(QStringLiteral("replication"));
        QStandardItemModel *rows = pane.replicationPanel()->model();
        QTRY_COMPARE_WITH_TIMEOUT(cell(rows, QStringLiteral("standby1"), Replay),
                                  QStringLiteral("replaying"), 30000);
        auto resume =
            qScopeGuard([this] { psqlStandby(QStringLiteral("select pg_wal_replay_resume()")); });
        QVERIFY(psqlStandby(QStringLiteral("select pg_wal_replay_pause()")));
        pane.refresh(); // F5
        QTRY_COMPARE_WITH_TIMEOUT(cell(rows, QStringLiteral("standby1"), Replay),
                                  QStringLiteral("PAUSED"), 30000);
        QVERIFY2(cell(rows, QStringLiteral("standby1"), Why)
                     .contains(QStringLiteral("pg_wal_replay_resume")),
                 qPrintable(cell(rows, QStringLiteral("standby1"), Why)));
        CheckResultsModel *checks = pane.checks()->model();
        QTRY_VERIFY_WITH_TIMEOUT(
            checks->report().check(QStringLiteral("standby1/standby_replay")) &&
                checks->report().check(QStringLiteral("standby1/standby_replay"))->verdict ==
                    Verdict::Warning,
            30000);
        const CheckResult *replay =
            checks->report().check(QStringLiteral("standby1/standby_replay"));
        QVERIFY2(replay->findings.value(0).detail.startsWith(QStringLiteral("paused")),
                 qPrintable(replay->findings.value(0).detail));

        resume.dismiss();
        QVERIFY(psqlStandby(QStringLiteral("select pg_wal_replay_resume()")));
        pane.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(cell(rows, QStringLiteral("standby1"), Replay),
                                  QStringLiteral("replaying"), 30000);
    }
};

QTEST_MAIN(TestReplicationPane)
#include "tst_replicationpane.moc"
