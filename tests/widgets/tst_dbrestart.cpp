// SPDX-License-Identifier: GPL-3.0-or-later
// The server restarts under an open Database health pane: the pane says so and comes back by
// itself (backoff). Uses a throwaway cluster of its own so no other test sees the restart.
#include "common/messagebanner.h"
#include "dbhealth/dbhealthpane.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Opsdeck;

namespace {

bool runScript(const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QStringLiteral("bash"), args);
    return p.waitForFinished(120000) && p.exitCode() == 0;
}

} // namespace

class TestDbRestart final : public QObject
{
    Q_OBJECT

private slots:
    void paneReconnectsAfterARestart()
    {
        QTemporaryDir dir;
        const QString script = TestServices::dataDir() + QStringLiteral("/services/postgres.sh");
        const QString state = dir.filePath(QStringLiteral("pg"));
        QVERIFY(runScript({script, QStringLiteral("start"), state}));
        auto stop = qScopeGuard([&] { runScript({script, QStringLiteral("stop"), state}); });
        QHash<QString, QString> env;
        QFile envFile(state + QStringLiteral("/env"));
        QVERIFY(envFile.open(QIODevice::ReadOnly));
        for (const QByteArray &line : envFile.readAll().split('\n'))
            if (line.contains('='))
                env.insert(QString::fromUtf8(line.left(line.indexOf('='))),
                           QString::fromUtf8(line.mid(line.indexOf('=') + 1)));

        const QString yaml =
            QStringLiteral(
                "version: 1\nenvironments:\n  solo:\n    database: \"host=127.0.0.1 port=%1 "
                "dbname=opsdeck_test user=postgres connect_timeout=2\"\n")
                .arg(env.value(QStringLiteral("PGPORT")));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadText(yaml.toUtf8(), dir.filePath(QStringLiteral("opsdeck.yaml")));
        QVERIFY(loaded.ok());
        FixedPrompter reject(HostKeyDecision::Reject);
        SshPool pool(*loaded.workspace, &reject);
        EnvironmentContexts contexts(*loaded.workspace, &pool);
        DbHealthPane pane(*contexts.context(QStringLiteral("solo")));
        QSignalSpy loadedSpy(&pane, &Pane::loaded);
        pane.show();
        QVERIFY(loadedSpy.wait(20000));
        auto *status = pane.findChild<QLabel *>(QStringLiteral("dbStatus"));
        QVERIFY(status->text().startsWith(QStringLiteral("Connected")));

        // pg_ctl restart -m fast: every backend is terminated, the server is down for a moment.
        const QString pgCtl =
            env.value(QStringLiteral("OPSDECK_PG_BIN")) + QStringLiteral("/pg_ctl");
        const QString data = env.value(QStringLiteral("OPSDECK_PG_DATA"));
        QStringList command{pgCtl,
                            QStringLiteral("-D"),
                            data + QStringLiteral("/db"),
                            QStringLiteral("-m"),
                            QStringLiteral("fast"),
                            QStringLiteral("-w"),
                            QStringLiteral("-l"),
                            data + QStringLiteral("/server.log"),
                            QStringLiteral("restart")};
        if (::getuid() == 0) // the cluster runs as postgres when the tests run as root
            command = QStringList{QStringLiteral("-u"), QStringLiteral("postgres"),
                                  QStringLiteral("--")} +
                      command;
        QProcess restart;
        restart.start(::getuid() == 0 ? QStringLiteral("runuser") : pgCtl,
                      ::getuid() == 0 ? command : command.mid(1));
        // The pane notices (its next 2 s refresh fails) and says it is retrying...
        QVERIFY(QTest::qWaitFor(
            [&] { return pane.banner()->text().contains(QStringLiteral("retrying")); }, 15000));
        QCOMPARE(pane.state(), Pane::State::Error);
        QVERIFY(status->text().contains(QStringLiteral("Not connected")));
        QVERIFY(QTest::qWaitFor([&] { return restart.state() == QProcess::NotRunning; }, 30000));
        QCOMPARE(restart.exitCode(), 0);
        // ...and is back by itself, with fresh data.
        QVERIFY(QTest::qWaitFor(
            [&] { return status->text().startsWith(QStringLiteral("Connected")); }, 30000));
        QVERIFY(pane.banner()->text().isEmpty()); // the error went with the reconnect
        QCOMPARE(pane.state(), Pane::State::Ready);
    }
};

QTEST_MAIN(TestDbRestart)
#include "tst_dbrestart.moc"
