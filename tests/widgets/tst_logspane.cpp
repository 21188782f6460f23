// SPDX-License-Identifier: GPL-3.0-or-later
// The Logs pane on the demo world: production's hosts merged in one table, the search as you
// type (done in the pool), following that stops when you scroll up, and export.
#include "activitymodel.h"
#include "dbhealth/activitypanel.h"
#include "dbhealth/dbhealthpane.h"
#include "logs/logcollector.h"
#include "logs/logspane.h"
#include "logs/logspill.h"
#include "logs/logview.h"
#include "logtablemodel.h"
#include "runtime/sshpool.h"
#include "testpane.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Opsdeck;

class TestLogsPane final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    QNetworkAccessManager m_http;

    void request(const QString &portVariable, const QString &path)
    {
        QNetworkReply *reply = m_http.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_demo.value(portVariable), path))));
        QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000));
        reply->deleteLater();
    }

    static void screenshot(QWidget *widget, const QString &name)
    {
        const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QTest::qWait(100);
        QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name));
    }

    static int rowsMatching(const LogTableModel *model, const QString &text,
                            QSet<QString> *hosts = nullptr)
    {
        int n = 0;
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->entryAt(row).message.contains(text)) {
                ++n;
                if (hosts)
                    hosts->insert(model->entryAt(row).host);
            }
        return n;
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
    }

    void theHostsMergedFollowedAndSearched()
    {
        TestPane<LogsPane> pane(*m_workspace, QStringLiteral("production"), m_pool.get());
        pane->resize(1400, 800);
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->isSettled(), 60000);
        QCOMPARE(pane->state(), Pane::State::Ready);
        LogTableModel *model = pane->model();
        QVERIFY(model->rowCount() > 0);
        // Merged by time, every host and source there.
        QSet<QString> hosts, sources;
        for (int row = 0; row < model->rowCount(); ++row) {
            hosts << model->entryAt(row).host;
            sources << model->entryAt(row).source;
            if (row > 0)
                QVERIFY(model->entryAt(row - 1).timeMs <= model->entryAt(row).timeMs);
        }
        // The web hosts, and the database server's log on the bastion.
        QCOMPARE(hosts, (QSet<QString>{QStringLiteral("web1"), QStringLiteral("web2"),
                                       QStringLiteral("bastion")}));
        QVERIFY2(sources.contains(QStringLiteral("access.log")) &&
                     sources.contains(QStringLiteral("minitwit-worker")) &&
                     sources.contains(QStringLiteral("postgresql")),
                 qPrintable(QStringList(sources.values()).join(QLatin1Char(','))));

        // A new request on each web host arrives on its own, with its host.
        const QString probe = QUuid::createUuid().toString(QUuid::WithoutBraces);
        request(QStringLiteral("APP_PORT_PRODUCTION_WEB1"), QStringLiteral("/?pane=") + probe);
        request(QStringLiteral("APP_PORT_PRODUCTION_WEB2"), QStringLiteral("/?pane=") + probe);
        QSet<QString> seenOn;
        QTRY_VERIFY_WITH_TIMEOUT((seenOn.clear(), rowsMatching(model, probe, &seenOn) == 2), 15000);
        QCOMPARE(seenOn, (QSet<QString>{QStringLiteral("web1"), QStringLiteral("web2")}));
        // Following: the newest line is in sight.
        QTableView *table = pane->view()->table();
        QVERIFY(pane->view()->isFollowing());
        QTRY_COMPARE(table->verticalScrollBar()->value(), table->verticalScrollBar()->maximum());

        // Search as you type: field=value and words, done in the pool.
        pane->searchField()->setText(QStringLiteral("status=200 ") + probe);
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 2 && !model->isSearching(), 10000);
        pane->searchField()->setText(QStringLiteral("level=error"));
        QTRY_VERIFY_WITH_TIMEOUT(
            !model->isSearching() && model->filter().minLevel() == LogLevel::Error, 10000);
        // The worker's first error comes within seconds of the world's start; new lines are
        // tested as they arrive.
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0, 30000);
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->entryAt(row).level >= LogLevel::Error || model->entryAt(row).isGap);
        // The selected line's fields, below the table.
        for (int row = model->rowCount() - 1; row >= 0; --row)
            if (model->entryAt(row).source == QLatin1String("access.log")) {
                pane->view()->setFollowing(false); // as a click on a line does
                table->setCurrentIndex(model->index(row, 0));
                table->scrollTo(model->index(row, 0));
                QVERIFY(pane->view()->details()->toPlainText().contains(QLatin1String("status=")));
                break;
            }
        screenshot(pane.get(), QStringLiteral("logs.png"));
        pane->view()->setFollowing(true);
        pane->searchField()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(model->filter().isEmpty() && !model->isSearching(), 10000);

        // Scrolling up stops following: new lines no longer move the view.
        QTRY_VERIFY_WITH_TIMEOUT(table->verticalScrollBar()->maximum() > 10, 10000);
        table->verticalScrollBar()->triggerAction(QAbstractSlider::SliderPageStepSub);
        QTRY_VERIFY(!pane->view()->isFollowing());
        const int held = table->verticalScrollBar()->value();
        const int rows = model->rowCount();
        request(QStringLiteral("APP_PORT_PRODUCTION_WEB1"), QStringLiteral("/?after-scroll"));
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > rows, 15000);
        QCOMPARE(table->verticalScrollBar()->value(), held);
        // End picks it up again.
        table->setFocus();
        QTest::keyClick(table, Qt::Key_End);
        QVERIFY(pane->view()->isFollowing());

        // Export writes the shown lines.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("production.txt"));
        QVERIFY(pane->exportTo(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().count('\n') >= model->rowCount() - 5);
    }

    // Memory holds 40 lines here: a request that has left memory is on disk, owner-only, and the
    // search finds it there; the file goes with the window.
    void linesPastMemoryAreOnDiskAndSearched()
    {
        QTemporaryDir cache;
        qputenv("XDG_CACHE_HOME", QFile::encodeName(cache.path()));
        QString spillPath;
        const QString probe = QUuid::createUuid().toString(QUuid::WithoutBraces);
        {
            TestPane<LogsPane> pane(*m_workspace, QStringLiteral("production"), m_pool.get());
            pane->model()->setCapacity(40);
            pane->resize(1200, 700);
            pane->show();
            QTRY_VERIFY_WITH_TIMEOUT(pane->isSettled(), 60000);
            LogTableModel *model = pane->model();
            request(QStringLiteral("APP_PORT_PRODUCTION_WEB1"), QStringLiteral("/?spill=") + probe);
            QTRY_VERIFY_WITH_TIMEOUT(rowsMatching(model, probe) == 1, 15000);
            for (int i = 0; i < 45 && rowsMatching(model, probe) == 1; ++i)
                request(QStringLiteral("APP_PORT_PRODUCTION_WEB2"), QStringLiteral("/?push"));
            QTRY_COMPARE_WITH_TIMEOUT(rowsMatching(model, probe), 0, 15000);
            QCOMPARE(model->heldCount(), 40);
            QVERIFY(pane->linesOnDisk() > 0);
            QCOMPARE(pane->linesLetGo(), qint64(0));
            spillPath = model->spill()->path();
            QVERIFY2(spillPath.startsWith(cache.path()), qPrintable(spillPath));
            QCOMPARE(QFileInfo(spillPath).permissions() & 0x0077, QFile::Permissions());
            QTRY_VERIFY(pane->statusLabel()->text().contains(QLatin1String("on disk")));

            pane->searchField()->setText(probe);
            QTRY_VERIFY_WITH_TIMEOUT(!model->filter().isEmpty() && !model->isSearching(), 10000);
            QCOMPARE(model->rowCount(), 1);
            QCOMPARE(model->olderMatchCount(), 1);
            QVERIFY(model->entryAt(0).message.contains(probe));
            QCOMPARE(model->entryAt(0).host, QStringLiteral("web1"));
            QTRY_VERIFY2(pane->statusLabel()->text().contains(QLatin1String("1 of them from disk")),
                         qPrintable(pane->statusLabel()->text()));
        }
        QTRY_VERIFY2(!QFileInfo::exists(spillPath), "the spill outlived the pane");
        qunsetenv("XDG_CACHE_HOME");
    }

    // Database health → a session → "Its log lines": that backend's lines of the PostgreSQL log
    // (read on the bastion, parsed with log_line_prefix), from when it started — nothing else.
    void aSessionOpensItsLinesInThePostgresLog()
    {
        const QString probe =
            QStringLiteral("nope_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
        QProcess psql;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGAPPNAME"), probe);
        psql.setProcessEnvironment(env);
        psql.start(QStringLiteral("psql"),
                   {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                    m_demo.value(QStringLiteral("PGPORT")), QStringLiteral("-U"),
                    QStringLiteral("postgres"), QStringLiteral("-d"),
                    QStringLiteral("minitwit_prod"), QStringLiteral("-c"),
                    QStringLiteral("select * from ") + probe, QStringLiteral("-c"),
                    QStringLiteral("select pg_sleep(60)")});
        QVERIFY(psql.waitForStarted());
        const auto stopPsql = qScopeGuard([&psql] {
            psql.kill();
            psql.waitForFinished();
        });

        TestPane<DbHealthPane> health(*m_workspace, QStringLiteral("production"), m_pool.get());
        health->resize(1200, 700);
        health->show();
        ActivityPanel *activity = health->activity();
        QPushButton *logButton = activity->findChild<QPushButton *>(QStringLiteral("sessionLog"));
        QVERIFY(logButton);
        QVERIFY(logButton->isVisibleTo(activity));
        int pid = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int i = 0; i < activity->model()->rowCount(); ++i)
                    if (activity->model()->row(i).application == probe)
                        pid = activity->model()->row(i).pid;
                return pid != 0;
            }(),
            30000);
        QVERIFY(activity->selectPid(pid));
        QSignalSpy open(health.get(), &Pane::openPaneRequested);
        logButton->click();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.at(0).at(0).toString(), QStringLiteral("logs"));
        const QString item = open.at(0).at(1).toString();
        QVERIFY2(item.startsWith(QStringLiteral("session=%1@").arg(pid)), qPrintable(item));

        TestPane<LogsPane> logs(*m_workspace, QStringLiteral("production"), m_pool.get());
        logs->openItem(item);
        logs->resize(1200, 700);
        logs->show();
        QTRY_VERIFY_WITH_TIMEOUT(logs->isSettled(), 60000);
        LogTableModel *model = logs->model();
        QTRY_VERIFY_WITH_TIMEOUT(rowsMatching(model, probe) > 0, 15000);
        bool sawError = false;
        for (int row = 0; row < model->rowCount(); ++row) {
            const LogEntry &e = model->entryAt(row);
            QCOMPARE(e.field(QStringLiteral("pid")), QString::number(pid));
            QCOMPARE(e.source, QStringLiteral("postgresql"));
            QCOMPARE(e.host, QStringLiteral("bastion"));
            if (e.level == LogLevel::Error && e.message.contains(probe)) {
                sawError = true;
                QCOMPARE(e.field(QStringLiteral("database")), QStringLiteral("minitwit_prod"));
                QCOMPARE(e.field(QStringLiteral("user")), QStringLiteral("postgres"));
            }
        }
        QVERIFY(sawError);
        QCOMPARE(logs->searchField()->text(), QStringLiteral("pid=%1").arg(pid));
        // The bar says which window is shown, not the usual "Last 15 minutes".
        QVERIFY2(logs->windowField()->currentText().startsWith(QLatin1String("Since ")) &&
                     logs->windowField()->currentText().endsWith(
                         QStringLiteral("(session %1)").arg(pid)),
                 qPrintable(logs->windowField()->currentText()));
        QVERIFY2(logs->statusLabel()->text().contains(QStringLiteral("\\b%1\\b").arg(pid)),
                 qPrintable(logs->statusLabel()->text())); // the hosts grepped for it
        screenshot(logs.get(), QStringLiteral("logs-session.png"));
    }

    // A deploy's or a chart marker's time: five minutes either side (followed until its end,
    // when that is still to come), nothing outside it.
    void aroundATime()
    {
        TestPane<LogsPane> pane(*m_workspace, QStringLiteral("production"), m_pool.get());
        const qint64 at = QDateTime::currentMSecsSinceEpoch() - 60'000;
        pane->openItem(QStringLiteral("around=") +
                       QDateTime::fromMSecsSinceEpoch(at, Qt::UTC).toString(Qt::ISODateWithMs));
        pane->resize(1200, 700);
        pane->show();
        QTRY_VERIFY_WITH_TIMEOUT(pane->isSettled(), 60000);
        QCOMPARE(pane->query().sinceMs, at - 5 * 60'000);
        QCOMPARE(pane->query().untilMs, at + 5 * 60'000);
        QVERIFY(pane->query().follow);
        QComboBox *window = pane->windowField();
        QVERIFY2(window->currentText().startsWith(QLatin1String("Around ")),
                 qPrintable(window->currentText()));
        QVERIFY(pane->model()->rowCount() > 0); // the load generator's requests of the last minute
        for (int row = 0; row < pane->model()->rowCount(); ++row) {
            const LogEntry &e = pane->model()->entryAt(row);
            QVERIFY(e.isGap || (e.timeMs >= at - 5 * 60'000 && e.timeMs <= at + 5 * 60'000));
        }
        // Choosing one of the usual windows leaves the opened one.
        const int hour = window->findText(QStringLiteral("Last hour"));
        window->setCurrentIndex(hour);
        emit window->activated(hour);
        QCOMPARE(window->findText(QStringLiteral("Around "), Qt::MatchStartsWith), -1);
        QVERIFY(!pane->query().untilMs);
        QVERIFY(pane->query().sinceMs <= QDateTime::currentMSecsSinceEpoch() - 59 * 60'000);
    }
};

QTEST_MAIN(TestLogsPane)
#include "tst_logspane.moc"
