// SPDX-License-Identifier: GPL-3.0-or-later
// The Deployments pane of the demo's swarm environment, on a real dockerd: the services as
// Docker lists them, and a task killed by hand appearing without anyone pressing Refresh.
#include "common/messagebanner.h"
#include "containers/containerspane.h"
#include "docker/dockerengine.h"
#include "runtime/sshpool.h"
#include "ssh/hostkey.h"
#include "testpane.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>
#include <QThread>

using namespace Opsdeck;

class TestContainersPane final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_swarm;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;

    static QString docker(const QStringList &args) { return TestServices::docker(args); }

    /** Every task row's texts, joined by " | ". */
    static QStringList taskRows(const QStandardItemModel *model)
    {
        QStringList rows;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QStandardItem *service = model->item(r);
            for (int t = 0; t < service->rowCount(); ++t) {
                QStringList cells;
                for (int c = 0; c < service->columnCount(); ++c)
                    cells << (service->child(t, c) ? service->child(t, c)->text() : QString());
                rows << cells.join(QStringLiteral(" | "));
            }
        }
        return rows;
    }

private slots:
    void initTestCase()
    {
        m_swarm = TestServices::load(QStringLiteral("swarm"));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_swarm.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
    }

    void theDeploymentsOfASwarmEnvironmentAreItsServices()
    {
        TestPane<ContainersPane> pane(*m_workspace, QStringLiteral("swarm"), m_pool.get());
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        QCOMPARE(pane->state(), Pane::State::Ready);
        const QStandardItemModel *model = pane->model();
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->item(0, 0)->text(), QStringLiteral("minitwit_web"));
        QCOMPARE(model->item(0, 1)->text(),
                 docker({QStringLiteral("service"), QStringLiteral("inspect"),
                         QStringLiteral("--format"),
                         QStringLiteral("{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
                         QStringLiteral("minitwit_web")})
                     .section(QLatin1Char('@'), 0, 0));
        QTRY_COMPARE_WITH_TIMEOUT(model->item(0, 3)->text(), QStringLiteral("2/2"), 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(pane->isFollowingEvents(), 30'000);

        // Killed by hand: the pane hears it from Docker and shows the failed task.
        QSignalSpy reads(pane.get(), &ContainersPane::statusRead);
        const QString victim = TestServices::killOneTaskOf(QStringLiteral("minitwit_web"));
        QVERIFY(!victim.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            taskRows(model).filter(QStringLiteral("task: non-zero exit (137)")).size() >= 1,
            30'000);
        QVERIFY(!reads.isEmpty()); // read again because of the events: nothing called refresh()
        // The failed task's row names its slot and says failed; the service says so too.
        const QString failed =
            taskRows(model).filter(QStringLiteral("task: non-zero exit (137)")).first();
        QVERIFY2(failed.startsWith(QLatin1String("minitwit_web.")) &&
                     failed.contains(QStringLiteral("| failed ")),
                 qPrintable(failed));
        QVERIFY(model->item(0, 5)->text().contains(QStringLiteral("failed in the last hour")));
        // The UI thread only ever waited on its event loop: the engine's answers came to it.
        QCOMPARE(pane->context().docker()->thread(), QThread::currentThread());
        QTRY_COMPARE_WITH_TIMEOUT(model->item(0, 3)->text(), QStringLiteral("2/2"), 60'000);
    }

    void aWrongEngineSaysWhy()
    {
        Workspace broken = *m_workspace;
        for (EnvironmentSpec &e : broken.environments)
            if (e.containers)
                e.containers->dockerSocket = QStringLiteral("/nonexistent/docker.sock");
        TestPane<ContainersPane> pane(broken, QStringLiteral("swarm"), m_pool.get());
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->hasLoaded(), 30'000);
        QCOMPARE(pane->state(), Pane::State::Error);
        QVERIFY2(pane->banner()->text().contains(QStringLiteral("/nonexistent/docker.sock")),
                 qPrintable(pane->banner()->text()));
    }
};

QTEST_MAIN(TestContainersPane)
#include "tst_containerspane.moc"
