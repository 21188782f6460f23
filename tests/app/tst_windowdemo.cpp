// SPDX-License-Identifier: GPL-3.0-or-later
// The real MainWindow on the demo world: every pane of both environments open at once, as a
// user who clicks through the sidebar leaves them.
#include "common/dangerconfirmdialog.h"
#include "common/futures.h"
#include "common/pane.h"
#include "database/databasepane.h"
#include "database/sqlconsoleview.h"
#include "database/sqleditor.h"
#include "dbhealth/checkspanel.h"
#include "dbhealth/dbhealthpane.h"
#include "deploy/deploydialog.h"
#include "deploy/deploypane.h"
#include "deploy/deploystatuspanel.h"
#include "elision.h"
#include "futurewait.h"
#include "logs/logspane.h"
#include "mainwindow.h"
#include "overview/overviewpane.h"
#include "overview/statusboard.h"
#include "pg/pgconnection.h"
#include "runtime/environmentcontext.h"
#include "runtime/environmentprobe.h"
#include "secrets/secretspane.h"
#include "secretsmodel.h"
#include "stallmeter.h"
#include "testservices.h"

#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace Opsdeck;

namespace {

const QStringList kPanes{QStringLiteral("overview"), QStringLiteral("dbhealth"),
                         QStringLiteral("database"), QStringLiteral("deploy"),
                         QStringLiteral("secrets"),  QStringLiteral("flags"),
                         QStringLiteral("metrics"),  QStringLiteral("config"),
                         QStringLiteral("logs"),     QStringLiteral("alerts")};

QString demoConninfo(const QString &database)
{
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres")
        .arg(TestServices::load(QStringLiteral("demo")).value(QStringLiteral("PGPORT")), database);
}

/** "database application_name" → how many backends Opsdeck holds there. */
QHash<QString, int> opsdeckBackends(PgConnection &admin)
{
    const Result<PgResultSet> rows = wait(admin.query(QStringLiteral(
        "select datname, application_name, count(*) from pg_stat_activity "
        "where application_name like 'opsdeck%' and pid <> pg_backend_pid() group by 1, 2")));
    QHash<QString, int> counts;
    if (!rows)
        return {{QStringLiteral("error: ") + rows.errorString(), 1}};
    for (int r = 0; r < rows->rowCount(); ++r)
        counts.insert(rows->value(r, QStringLiteral("datname")).toString() + QLatin1Char(' ') +
                          rows->value(r, QStringLiteral("application_name")).toString(),
                      rows->value(r, QStringLiteral("count")).toInt());
    return counts;
}

/** With OPSDECK_SCREENSHOT_DIR set, keeps a picture of `widget` for the docs. */
void screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(100); // pending layout requests, as before a user looks
    widget->grab().save(dir + QLatin1Char('/') + name);
}

QString describe(const QHash<QString, int> &counts)
{
    QStringList lines;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        lines << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    lines.sort();
    return lines.join(QStringLiteral("; "));
}

} // namespace

class TestWindowDemo final : public QObject
{
    Q_OBJECT

    std::unique_ptr<MainWindow> m_window;

    bool openAndWait(const QString &environment, const QString &pane)
    {
        if (!m_window->selectPane(environment, pane))
            return false;
        Pane *current = m_window->currentPane();
        return current && current->paneId() == pane &&
               StallMeter::spinUntil([current] { return current->hasLoaded(); }, 60000);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        const QString workspace =
            TestServices::load(QStringLiteral("demo")).value(QStringLiteral("WORKSPACE"));
        QVERIFY2(!workspace.isEmpty(), "the demo fixture did not run");
        // The demo's age identity, as scripts/demo sets it: the secrets pane can decrypt.
        qputenv("SOPS_AGE_KEY_FILE",
                (QFileInfo(workspace).absolutePath() + QStringLiteral("/age/keys.txt")).toUtf8());
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1280, 800);
        m_window->show();
        m_window->openWorkspace(workspace);
        QVERIFY(m_window->currentPane());
    }

    void everyPaneOfAnEnvironmentSharesItsDatabaseSessions()
    {
        PgSessionSettings counter;
        counter.applicationName = QStringLiteral("backend-counter");
        PgConnection admin(demoConninfo(QStringLiteral("postgres")), counter);
        QVERIFY(wait(admin.open()).ok());
        for (const QString &environment : {QStringLiteral("staging"), QStringLiteral("production")})
            for (const QString &pane : kPanes)
                QVERIFY2(openAndWait(environment, pane),
                         qPrintable(environment + QLatin1Char('/') + pane));

        // Fourteen panes open: one monitoring session per environment (checks, activity, SQL
        // panels, the overview and rollback's migrations all read through it) and one action
        // session where something writes (the flags of both environments). Before, each pane
        // opened its own: up to five per database.
        const QHash<QString, int> counts = opsdeckBackends(admin);
        const QString seen = describe(counts);
        QCOMPARE(counts.value(QStringLiteral("minitwit_staging opsdeck")), 1);
        QCOMPARE(counts.value(QStringLiteral("minitwit_prod opsdeck")), 1);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(seen));
        QVERIFY2(counts.size() <= 4, qPrintable(seen));

        // One audit connection in the process, whichever panes write or read the log.
        int auditConnections = 0;
        for (const QString &name : QSqlDatabase::connectionNames())
            auditConnections += name.startsWith(QLatin1String("opsdeck-audit-"));
        QVERIFY(auditConnections <= 1);
    }

    void overviewIsTheStatusPage()
    {
        QVERIFY(openAndWait(QStringLiteral("production"), QStringLiteral("overview")));
        auto *overview = qobject_cast<OverviewPane *>(m_window->currentPane());
        QVERIFY(overview);
        StatusBoard *board = overview->statusBoard();
        // The demo's production: v1 deployed by hand on both hosts (ref from the hosts' history,
        // not the release directory's name), a migration blocked behind an idle transaction.
        QVERIFY2(StallMeter::spinUntil(
                     [board] {
                         return board->summaryText(QStringLiteral("deploy"))
                                    .contains(QStringLiteral("v1 on web1 and web2")) &&
                                board->summaryText(QStringLiteral("database"))
                                    .contains(QStringLiteral("critical check"));
                     },
                     // The blocked queries turn critical 30 s after the demo starts and the
                     // page reads checks once a minute: a demo started just before this test
                     // needs both.
                     100000),
                 qPrintable(board->summaryText(QStringLiteral("deploy")) + QStringLiteral(" | ") +
                            board->summaryText(QStringLiteral("database"))));
        QVERIFY(!board->summaryText(QStringLiteral("deploy")).contains(QStringLiteral("T100000Z")));
        QVERIFY2(board->detailsText(QStringLiteral("database"))
                     .contains(QStringLiteral("critical: Blocked queries")),
                 qPrintable(board->detailsText(QStringLiteral("database"))));
        QVERIFY2(StallMeter::spinUntil(
                     [board] {
                         return board->summaryText(QStringLiteral("drift"))
                                    .startsWith(QStringLiteral("vs staging: config")) &&
                                board->summaryText(QStringLiteral("drift"))
                                    .contains(QStringLiteral(", migrations same"));
                     },
                     60000),
                 qPrintable(board->summaryText(QStringLiteral("drift"))));
        QVERIFY2(board->summaryText(QStringLiteral("activity"))
                     .contains(QStringLiteral("demo deployed v1")),
                 qPrintable(board->summaryText(QStringLiteral("activity"))));

        // Each line leads to the pane behind it, in the same environment.
        QPushButton *toHealth = nullptr;
        for (QPushButton *button : board->findChildren<QPushButton *>())
            if (button->text().startsWith(QStringLiteral("Database health")))
                toHealth = button;
        QVERIFY(toHealth);
        toHealth->click();
        QCOMPARE(m_window->currentPane()->paneId(), QStringLiteral("dbhealth"));
        QCOMPARE(m_window->currentPane()->context().name(), QStringLiteral("production"));
    }

    void aStatementsPlanOpensInTheDatabasePane()
    {
        // The slow-query check's link and Activity's "Visual plan" lead to the console of the
        // same environment's Database pane, the statement planned there.
        QVERIFY(openAndWait(QStringLiteral("production"), QStringLiteral("dbhealth")));
        auto *health = qobject_cast<DbHealthPane *>(m_window->currentPane());
        QVERIFY(health);
        const QString statement = QStringLiteral("select * from twit_message where author_id = 1");
        emit health->checks()->planRequested(statement);
        QCOMPARE(m_window->currentPane()->paneId(), QStringLiteral("database"));
        QCOMPARE(m_window->currentPane()->context().name(), QStringLiteral("production"));
        auto *database = qobject_cast<DatabasePane *>(m_window->currentPane());
        QVERIFY(database);
        QCOMPARE(database->tabs()->currentWidget(), database->console());
        QCOMPARE(database->console()->editor()->toPlainText(), statement);
        QVERIFY2(StallMeter::spinUntil(
                     [database] {
                         return database->console()->status()->text().startsWith(
                             QLatin1String("Plan of"));
                     },
                     30000),
                 qPrintable(database->console()->status()->text()));
    }

    void noTextIsCutBesideEmptySpace()
    {
        // The default size a fresh settings file gives on a 1600×1000 screen.
        const QSize size = MainWindow::defaultSize(QSize(1600, 1000));
        QVERIFY(size.width() >= 1200 && size.height() >= 750);
        m_window->resize(size);
        QStringList problems;
        QMap<int, QStringList> rowHeights; // height → where
        for (const QString &environment : {QStringLiteral("staging"), QStringLiteral("production")})
            for (const QString &pane : kPanes) {
                QVERIFY2(openAndWait(environment, pane),
                         qPrintable(environment + QLatin1Char('/') + pane));
                Pane *current = m_window->currentPane();
                if (auto *secrets = qobject_cast<SecretsPane *>(current)) {
                    secrets->openFile(current->context().environment().secrets.value(0));
                    QVERIFY2(StallMeter::spinUntil(
                                 [secrets] { return secrets->model()->rowCount() > 0; }, 20000),
                             "the secrets file did not open");
                }
                // Every tab, as a user clicking through them sees it.
                QList<QTabWidget *> tabWidgets = current->findChildren<QTabWidget *>();
                if (tabWidgets.isEmpty())
                    tabWidgets << nullptr;
                for (QTabWidget *tabs : std::as_const(tabWidgets))
                    for (int tab = 0; tab < (tabs ? tabs->count() : 1); ++tab) {
                        if (tabs)
                            tabs->setCurrentIndex(tab);
                        QTest::qWait(tabs ? 1000 : 300); // rows of the first answer laid out
                        const QString where =
                            environment + QLatin1Char('/') + pane +
                            (tabs ? QLatin1Char('/') + tabs->tabText(tab) : QString());
                        for (const QString &p : columnsCutBesideSpareWidth(current))
                            problems << where + QStringLiteral(": ") + p;
                        for (const QString &word : wordsBrokenAcrossLines(current))
                            problems
                                << where + QStringLiteral(": \"%1\" broken mid-word").arg(word);
                        const QMap<int, QStringList> heights = rowHeightsUnder(current);
                        for (auto it = heights.begin(); it != heights.end(); ++it)
                            for (const QString &view : it.value())
                                rowHeights[it.key()] << where + QLatin1Char('/') + view;
                    }
            }
        // One row height in every table and tree of every pane.
        if (rowHeights.size() > 1)
            for (auto it = rowHeights.begin(); it != rowHeights.end(); ++it)
                problems << QStringLiteral("rows %1 px high: %2")
                                .arg(it.key())
                                .arg(it.value().join(QStringLiteral(", ")));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void deployDialogSummarisesWhatADeployBrings()
    {
        QVERIFY(openAndWait(QStringLiteral("production"), QStringLiteral("deploy")));
        auto *pane = qobject_cast<DeployPane *>(m_window->currentPane());
        QVERIFY(pane);
        QVERIFY(StallMeter::spinUntil([pane] { return !pane->currentRelease().isEmpty(); }, 30000));
        DeployDialog *dialog = pane->openDeployDialog();
        QSignalSpy refs(dialog, &DeployDialog::refsLoaded);
        QVERIFY(refs.wait(30000));

        // Nothing chosen for the user, Enter does not deploy, what runs now is marked, and tags
        // come newest version first.
        QCOMPARE(dialog->refBox()->currentIndex(), -1);
        QVERIFY(dialog->ref().isEmpty());
        QVERIFY(!dialog->deployButton()->isDefault());
        QVERIFY(!dialog->deployButton()->isEnabled());
        QStringList tags;
        for (int i = 0; i < dialog->refBox()->count(); ++i) {
            const QString text = dialog->refBox()->itemText(i);
            if (text.contains(QStringLiteral("(tag,")))
                tags << text.section(QStringLiteral("  ("), 0, 0);
            QCOMPARE(text.contains(QStringLiteral("deployed now")),
                     text.startsWith(QStringLiteral("v1  (")));
        }
        QCOMPARE(tags,
                 QStringList({QStringLiteral("v4-unhealthy"), QStringLiteral("v3-broken-migration"),
                              QStringLiteral("v2"), QStringLiteral("v1")}));

        // v1 → v2 on the real repository and database: one commit, the likes migration that
        // minitwit_prod has not applied.
        dialog->setRef(QStringLiteral("v2"));
        QSignalSpy summarised(dialog, &DeployDialog::summaryShown);
        dialog->showPlan();
        QVERIFY(summarised.wait(60000));
        const QString summary = dialog->summaryText();
        QVERIFY2(summary.startsWith(QStringLiteral(
                     "v1 → v2: 1 commit, 1 migration (twit.0002_message_likes); web1 then web2; "
                     "health check runs bin/healthcheck")),
                 qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("Add likes to messages")), qPrintable(summary));
        QVERIFY(!dialog->planView()->isVisible()); // the scripts fold under "Show commands"
        QVERIFY(dialog->planView()->toPlainText().contains(QStringLiteral("manage.py migrate")));
        screenshot(dialog, QStringLiteral("deploy-dialog.png"));

        // The confirmation shows the same summary under "What will change" (declined here).
        DangerConfirmDialog::setNextAnswer(false);
        auto reset = qScopeGuard([] { DangerConfirmDialog::setNextAnswer(std::nullopt); });
        const int asked = DangerConfirmDialog::questionsAsked();
        dialog->deployButton()->click();
        QCOMPARE(DangerConfirmDialog::questionsAsked(), asked + 1);
        QVERIFY2(DangerConfirmDialog::lastQuestion().changes.contains(
                     QStringLiteral("twit.0002_message_likes")),
                 qPrintable(DangerConfirmDialog::lastQuestion().changes));
        QVERIFY(DangerConfirmDialog::lastQuestion().isProtected);
    }

    void unsavedEditsAreMarkedWithAStar()
    {
        QVERIFY(openAndWait(QStringLiteral("production"), QStringLiteral("secrets")));
        auto *secrets = qobject_cast<SecretsPane *>(m_window->currentPane());
        QVERIFY(secrets);
        secrets->openFile(secrets->context().environment().secrets.value(0));
        QVERIFY(
            StallMeter::spinUntil([secrets] { return secrets->model()->rowCount() > 0; }, 20000));
        QVERIFY(!m_window->isWindowModified());
        QVERIFY(m_window->windowTitle().contains(QStringLiteral("[*]")));
        // An edit, not saved: the one marker, in the title and beside the pane in the sidebar.
        QVERIFY(secrets->model()->setData(
            secrets->model()->indexOfPath(QStringLiteral("sentry_dsn"), SecretsModel::ValueColumn),
            QStringLiteral("https://edited@sentry")));
        QVERIFY(m_window->isWindowModified());
        auto *sidebar = m_window->findChild<QTreeView *>(QStringLiteral("sidebar"));
        QVERIFY(sidebar);
        QStringList marked;
        const QAbstractItemModel *model = sidebar->model();
        for (int env = 0; env < model->rowCount(); ++env)
            for (int pane = 0; pane < model->rowCount(model->index(env, 0)); ++pane) {
                const QString text = model->index(pane, 0, model->index(env, 0)).data().toString();
                if (text.endsWith(QStringLiteral(" *")))
                    marked << model->index(env, 0).data().toString() + QLatin1Char('/') + text;
            }
        QCOMPARE(marked.size(), 1);
        QVERIFY2(marked.first().endsWith(QStringLiteral("/Secrets *")), qPrintable(marked.first()));
        QVERIFY(marked.first().startsWith(QStringLiteral("production")));
        secrets->reload(); // the edit dropped: no marker left
        QVERIFY(!m_window->isWindowModified());
        QVERIFY(
            StallMeter::spinUntil([secrets] { return secrets->model()->rowCount() > 0; }, 20000));
    }

    // A deploy in the history opens the Logs pane on the five minutes either side of it.
    void aDeployInTheHistoryOpensItsLogs()
    {
        QVERIFY(openAndWait(QStringLiteral("production"), QStringLiteral("deploy")));
        auto *history = m_window->currentPane()->findChild<DeployStatusPanel *>()->historyTable();
        QVERIFY(
            StallMeter::spinUntil([history] { return history->topLevelItemCount() > 0; }, 30000));
        QTreeWidgetItem *deploy = history->topLevelItem(0);
        const QDateTime at = deploy->data(0, Qt::UserRole).toDateTime();
        QVERIFY(at.isValid());
        emit history->itemDoubleClicked(deploy, 0);
        auto *logs = qobject_cast<LogsPane *>(m_window->currentPane());
        QVERIFY(logs);
        QCOMPARE(logs->context().name(), QStringLiteral("production"));
        QCOMPARE(logs->query().sinceMs, at.toMSecsSinceEpoch() - 5 * 60'000);
        QCOMPARE(logs->query().untilMs, at.toMSecsSinceEpoch() + 5 * 60'000);
    }

    void keyboardGoesToPanesAndEnvironments()
    {
        QVERIFY(openAndWait(QStringLiteral("staging"), QStringLiteral("overview")));
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(m_window->currentPane()->paneId(), QStringLiteral("dbhealth"));
        QTest::keyClick(m_window.get(), Qt::Key_8, Qt::ControlModifier);
        QCOMPARE(m_window->currentPane()->paneId(), QStringLiteral("config"));
        QTest::keyClick(m_window.get(), Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(m_window->currentPane()->paneId(), QStringLiteral("config"));
        QCOMPARE(m_window->currentPane()->context().name(), QStringLiteral("production"));
        QTest::keyClick(m_window.get(), Qt::Key_PageUp, Qt::ControlModifier);
        QCOMPARE(m_window->currentPane()->context().name(), QStringLiteral("staging"));

        // The Pane menu carries the current pane's own actions, titled after it.
        QMenu *paneMenu = nullptr;
        for (QAction *a : m_window->menuBar()->actions())
            if (a->menu() && a->text() == QStringLiteral("Config"))
                paneMenu = a->menu();
        QVERIFY(paneMenu);
        QVERIFY(!paneMenu->actions().isEmpty());
    }

    void f5RefreshesTheCurrentPane()
    {
        QVERIFY(openAndWait(QStringLiteral("staging"), QStringLiteral("overview")));
        auto *overview = qobject_cast<OverviewPane *>(m_window->currentPane());
        QVERIFY(overview);
        // Let the first round finish, then F5 must start another one.
        QVERIFY(StallMeter::spinUntil([&] { return !overview->probe()->isRefreshing(); }, 30000));
        QSignalSpy finished(overview->probe(), &EnvironmentProbe::refreshFinished);
        QTest::keyClick(m_window.get(), Qt::Key_F5);
        QVERIFY(overview->probe()->isRefreshing()); // started by the key, not by a timer later
        QVERIFY(finished.wait(30000));
    }

    void cleanupTestCase() { m_window.reset(); }
};

QTEST_MAIN(TestWindowDemo)
#include "tst_windowdemo.moc"
