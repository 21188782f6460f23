// SPDX-License-Identifier: GPL-3.0-or-later
#include "hoststatusmodel.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class TestHostStatusModel final : public QObject
{
    Q_OBJECT

private slots:
    void refreshUpdatesRowsInPlace()
    {
        QTemporaryDir dir;
        // web1 is up (through the bastion); "dead" refuses connections.
        const QString path = TestServices::writeWorkspace(
            dir.path(), {QStringLiteral("web1"), QStringLiteral("dead")},
            QStringLiteral("  dead: { address: 127.0.0.1, port: 1 }\n"));
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.diagnostics.value(0).toString()));
        FixedPrompter prompter(HostKeyDecision::Reject);
        SshPool pool(*loaded.workspace, &prompter);
        EnvironmentContexts contexts(*loaded.workspace, &pool);
        EnvironmentProbe probe(*contexts.context(QStringLiteral("staging")));

        HostStatusModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setProbe(&probe);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, HostStatusModel::Name).data().toString(), QStringLiteral("web1"));
        QCOMPARE(model.index(0, HostStatusModel::Via).data().toString(), QStringLiteral("bastion"));
        QCOMPARE(model.index(1, HostStatusModel::Via).data().toString(), QStringLiteral("direct"));

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy finished(&probe, &EnvironmentProbe::refreshFinished);
        for (int round = 0; round < 2; ++round) {
            probe.refresh();
            QVERIFY(finished.wait(20000));
        }
        QCOMPARE(resets.size(), 0); // refreshes never reset: selection and scroll survive
        QVERIFY(changes.size() >= 4);
        QCOMPARE(model.rowCount(), 2);

        // Reachable and measured: Good, or Warning when this machine itself is busy (the test
        // host's real load average is what is measured; healthRules() covers the thresholds).
        const auto health = Health(
            model.index(0, HostStatusModel::Status).data(HostStatusModel::HealthRole).toInt());
        QVERIFY(health == Health::Good || health == Health::Warning);
        QCOMPARE(model.index(0, HostStatusModel::Status).data().toString(), healthText(health));
        QVERIFY(model.index(0, HostStatusModel::HostKey)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("SHA256:")));
        QVERIFY(model.index(0, HostStatusModel::Load).data().toString().contains(QLatin1Char('.')));
        QVERIFY(model.index(0, HostStatusModel::Disk).data().toString().contains(QLatin1Char('%')));
        QVERIFY(!model.index(0, HostStatusModel::Status).data(Qt::DecorationRole).isNull());

        QCOMPARE(model.index(1, HostStatusModel::Status).data(HostStatusModel::HealthRole).toInt(),
                 int(Health::Critical));
        QVERIFY2(model.index(1, HostStatusModel::Details)
                     .data()
                     .toString()
                     .contains(QStringLiteral("cannot connect")),
                 qPrintable(model.index(1, HostStatusModel::Details).data().toString()));
        QVERIFY(model.index(1, HostStatusModel::Load).data().toString().isEmpty());

        // The database row of the same probe: reached through the bastion's tunnel.
        QCOMPARE(probe.database().state, DatabaseStatus::State::Up);
        QVERIFY(probe.database().version.startsWith(QStringLiteral("1")));
        QVERIFY(probe.database().maxConnections >= 100);
        QVERIFY(probe.database().connections >= 1);
    }

    void healthRules()
    {
        HostStatus h;
        h.state = HostStatus::State::Up;
        QCOMPARE(HostStatusModel::healthOf(h), Health::Warning); // up, but nothing readable
        h.metrics = HostMetrics{};
        h.metrics->cpus = 2;
        h.metrics->diskSizeKb = 100;
        h.metrics->diskUsedKb = 50;
        QCOMPARE(HostStatusModel::healthOf(h), Health::Good);
        h.metrics->diskUsedKb = 95;
        QCOMPARE(HostStatusModel::healthOf(h), Health::Warning);
        h.metrics->diskUsedKb = 10;
        h.metrics->load5 = 4.5;
        QCOMPARE(HostStatusModel::healthOf(h), Health::Warning);
        h.state = HostStatus::State::Down;
        QCOMPARE(HostStatusModel::healthOf(h), Health::Critical);
    }
};

QTEST_MAIN(TestHostStatusModel)
#include "tst_hoststatusmodel.moc"
