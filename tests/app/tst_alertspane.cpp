// SPDX-License-Identifier: GPL-3.0-or-later
// The Alerts pane, Overview's alerts line, the sidebar's badge and the desktop notification, on
// the demo world: web2's gunicorn stopped makes InstanceDown fire in Prometheus; a silence made
// in the pane lands in the real Alertmanager through the action pipeline, and is expired there.
#include "alerts/alertsclient.h"
#include "alerts/alertspane.h"
#include "alerts/rulespanel.h"
#include "alerts/silencedialog.h"
#include "alertsmodel.h"
#include "alertswatcher.h"
#include "audit/auditlog.h"
#include "common/dangerconfirmdialog.h"
#include "common/desktopnotifier.h"
#include "demoweb2.h"
#include "futurewait.h"
#include "metrics/chartpanel.h"
#include "metrics/metricspane.h"
#include "metrics/timechartview.h"
#include "overview/overviewpane.h"
#include "overview/statusboard.h"
#include "runtime/environmentcontext.h"
#include "workspace/workspaceloader.h"
#include "workspacecontext.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>

using namespace Opsdeck;

namespace {
const QString kProduction = QStringLiteral("production");
const QString kOurs = QStringLiteral("tst_alertspane:");
} // namespace

class TestAlertsPane final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::unique_ptr<WorkspaceContext> m_workspace;
    std::unique_ptr<AlertsWatcher> m_watcher;
    std::unique_ptr<QSignalSpy> m_badges;
    std::unique_ptr<AlertsPane> m_pane;
    std::unique_ptr<OverviewPane> m_overview;
    QTemporaryDir m_home;
    std::shared_ptr<AuditLog> m_audit;
    QNetworkAccessManager m_http;

    AlertsClient *client() { return m_workspace->environment(kProduction)->alerts(); }

    /** Waits for the next answer of the production client (whoever asked for it). */
    bool freshSnapshot()
    {
        QSignalSpy changed(client(), &AlertsClient::changed);
        client()->update();
        return changed.wait(30000) || changed.count() > 0;
    }

    QJsonObject alertmanagerSilence(const QString &id)
    {
        const QJsonArray all =
            DemoWeb2::alertmanagerGet(m_http, m_demo.value(QStringLiteral("ALERTMANAGER_PORT")),
                                      QStringLiteral("/api/v2/silences"));
        for (const QJsonValue &s : all)
            if (s.toObject().value(QStringLiteral("id")).toString() == id)
                return s.toObject();
        return {};
    }

    QString silenceState(const QString &id)
    {
        return alertmanagerSilence(id)
            .value(QStringLiteral("status"))
            .toObject()
            .value(QStringLiteral("state"))
            .toString();
    }

    /** The pane's row of InstanceDown on web2, invalid until it is there. */
    QModelIndex web2Row() const
    {
        AlertsModel *model = m_pane->model();
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex rule = model->index(r, 0);
            for (int a = 0; a < model->rowCount(rule); ++a) {
                const QModelIndex row = model->index(a, 0, rule);
                const AlertInstance *alert = model->alert(row);
                if (alert->labels.value(QStringLiteral("alertname")) ==
                        QLatin1String("InstanceDown") &&
                    alert->labels.value(QStringLiteral("host")) == QLatin1String("web2"))
                    return row;
            }
        }
        return {};
    }

    void expireOurSilences()
    {
        if (!freshSnapshot() || !client()->latest())
            return;
        for (const Silence &s : client()->latest()->silences) {
            if (s.state == QLatin1String("expired") || !s.comment.startsWith(kOurs))
                continue;
            const QFuture<Status> expired = client()->expireSilence(s.id);
            if (!QTest::qWaitFor([&] { return expired.isFinished(); }, 20000))
                qWarning("silence %s was not expired", qPrintable(s.id));
        }
    }

    SilenceDialog *openSilenceDialog()
    {
        m_pane->silenceAction()->trigger();
        SilenceDialog *dialog = nullptr;
        (void)QTest::qWaitFor(
            [&] {
                for (QWidget *w : QApplication::topLevelWidgets())
                    if (auto *d = qobject_cast<SilenceDialog *>(w); d && d->isVisible())
                        dialog = d;
                return dialog != nullptr;
            },
            5000);
        return dialog;
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        QVERIFY(m_home.isValid());
        m_workspace = std::make_unique<WorkspaceContext>(std::move(*loaded.workspace), nullptr);
        m_audit = std::make_shared<AuditLog>(m_home.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(DemoWeb2::isServing());
        expireOurSilences();
        // The demo's 5xx rule fires now and then; this test is about web2, so the others are
        // silenced (and so make no notification).
        Silence others;
        others.matchers = {*SilenceMatcher::parse(
            QStringLiteral("alertname=~HighErrorRate|DiskSpaceLow|DatabaseConnectionsHigh"))};
        others.startsAtMs = QDateTime::currentMSecsSinceEpoch();
        others.endsAtMs = others.startsAtMs + 30 * 60'000;
        others.createdBy = silenceAuthor();
        others.comment = kOurs + QStringLiteral(" not under test");
        const Result<QString> made = wait(client()->createSilence(others), 20000);
        QVERIFY2(made, qPrintable(made.errorString()));

        // The window's watcher, then the first answer: what fires already is not news.
        m_watcher = std::make_unique<AlertsWatcher>(*m_workspace, nullptr);
        m_badges = std::make_unique<QSignalSpy>(m_watcher.get(), &AlertsWatcher::badgeChanged);
        QVERIFY(freshSnapshot());
        m_pane = std::make_unique<AlertsPane>(*m_workspace->environment(kProduction));
        m_pane->setAuditLog(m_audit);
        m_pane->resize(1100, 700);
        m_pane->show();
        m_overview = std::make_unique<OverviewPane>(*m_workspace->environment(kProduction));
        m_overview->show();
    }

    void cleanupTestCase()
    {
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        expireOurSilences();
        if (!DemoWeb2::isServing())
            DemoWeb2::restart(m_workspace->sshPool(), this);
        m_overview.reset();
        m_pane.reset();
        m_watcher.reset();
        m_workspace.reset();
    }

    void aStoppedHostShowsEverywhere()
    {
        QVERIFY(m_pane->hasLoaded());
        // A test before this one may have stopped web2 too: its alert clears first.
        QTRY_VERIFY_WITH_TIMEOUT(!web2Row().isValid(), 90000);
        const int notificationsBefore = int(desktopNotificationsShown().size());
        QVERIFY(DemoWeb2::stop());

        // The pane polls on its own: for 15 s, a 2 s scrape and evaluation, one 10 s poll.
        QVERIFY2(QTest::qWaitFor([&] { return web2Row().isValid(); }, 90000),
                 "InstanceDown web2 never reached the pane");
        QTRY_VERIFY_WITH_TIMEOUT(m_pane->model()->alert(web2Row())->isFiring(), 60000);
        m_pane->tree()->setCurrentIndex(web2Row());
        const QString details = m_pane->details()->toPlainText();
        QVERIFY2(details.contains(QLatin1String("web2 (production) does not answer")),
                 qPrintable(details));
        QVERIFY(details.contains(QLatin1String("Runbook")));

        // As Alertmanager groups it (the demo routes by alertname and env): InstanceDown's group
        // for production, its receiver, web2 in it.
        QVERIFY(m_pane->groupingBox()->isEnabled());
        m_pane->groupingBox()->setCurrentIndex(1);
        AlertsModel *model = m_pane->model();
        auto web2Group = [model]() -> QModelIndex {
            for (int r = 0; r < model->rowCount(); ++r) {
                const QModelIndex row = model->index(r, 0);
                const AlertGroup *group = model->group(row);
                if (!group || group->labels.value(QStringLiteral("alertname")) !=
                                  QLatin1String("InstanceDown"))
                    continue;
                for (int a = 0; a < model->rowCount(row); ++a)
                    if (model->alert(model->index(a, 0, row))
                            ->labels.value(QStringLiteral("host")) == QLatin1String("web2"))
                        return row;
            }
            return {};
        };
        QTRY_VERIFY_WITH_TIMEOUT(web2Group().isValid(), 40000);
        QCOMPARE(model->group(web2Group())->labels.value(QStringLiteral("env")), kProduction);
        QVERIFY(model->index(web2Group().row(), AlertsModel::Notes)
                    .data()
                    .toString()
                    .startsWith(QLatin1String("receiver ")));
        m_pane->tree()->setCurrentIndex(web2Group());
        QVERIFY(m_pane->details()->toPlainText().contains(QLatin1String("Alertmanager group")));
        if (const QByteArray dir = qgetenv("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty())
            m_pane->grab().save(QString::fromUtf8(dir) + QStringLiteral("/alerts-groups.png"));
        m_pane->groupingBox()->setCurrentIndex(0);
        QVERIFY(web2Row().isValid());

        // Overview's line, from the same client.
        StatusBoard *board = m_overview->findChild<StatusBoard *>();
        QVERIFY(board);
        QTRY_VERIFY_WITH_TIMEOUT(
            board->summaryText(QStringLiteral("alerts")).contains(QLatin1String("(critical)")),
            20000);
        QVERIFY2(board->detailsText(QStringLiteral("alerts"))
                     .contains(QLatin1String("InstanceDown web2")),
                 qPrintable(board->detailsText(QStringLiteral("alerts"))));

        // The sidebar's badge and one desktop notification.
        QTRY_VERIFY_WITH_TIMEOUT(!m_badges->isEmpty() &&
                                     m_badges->last().at(0).toString() == kProduction &&
                                     m_badges->last().at(1).toInt() >= 1,
                                 20000);
        QCOMPARE(m_badges->last().at(2).value<AlertSeverity>(), AlertSeverity::Critical);
        const QStringList shown = desktopNotificationsShown().mid(notificationsBefore);
        QCOMPARE(shown.size(), 1);
        QVERIFY2(shown.first().startsWith(
                     QLatin1String("production: InstanceDown web2 is firing (critical)")),
                 qPrintable(shown.first()));

        // What fired, read back from Prometheus' ALERTS series.
        m_pane->tabs()->setCurrentIndex(2);
        auto web2InHistory = [this] {
            for (int i = 0; i < m_pane->historyList()->topLevelItemCount(); ++i) {
                const QTreeWidgetItem *item = m_pane->historyList()->topLevelItem(i);
                if (item->text(0) == QLatin1String("InstanceDown web2") &&
                    item->text(2) == QLatin1String("still firing"))
                    return true;
            }
            return false;
        };
        for (int attempt = 0; attempt < 12 && !web2InHistory(); ++attempt) {
            QTRY_VERIFY_WITH_TIMEOUT(m_pane->isSettled(), 30000);
            if (!web2InHistory()) {
                QTest::qWait(5000); // the next evaluation writes the next ALERTS sample
                m_pane->refresh();
            }
        }
        if (!web2InHistory())
            for (int i = 0; i < m_pane->historyList()->topLevelItemCount(); ++i) {
                const QTreeWidgetItem *item = m_pane->historyList()->topLevelItem(i);
                qWarning() << item->text(0) << item->text(1) << item->text(2) << item->text(4);
            }
        QVERIFY(web2InHistory());
        m_pane->tabs()->setCurrentIndex(0);
    }

    void theBandIsOnThePanelsOfItsMetrics()
    {
        // InstanceDown reads `up`: its stretch is a band on "Targets up", not on "CPU busy"
        // (until "All alerts" is ticked).
        MetricsPane metrics(*m_workspace->environment(kProduction));
        metrics.resize(1200, 900);
        metrics.show();
        metrics.showDashboard(QStringLiteral("Infrastructure"));
        metrics.setRange(TimeRange::last(900));
        ChartPanel *up = nullptr, *cpu = nullptr;
        for (ChartPanel *panel : metrics.panels()) {
            if (panel->spec().title == QLatin1String("Targets up"))
                up = panel;
            if (panel->spec().title == QLatin1String("CPU busy"))
                cpu = panel;
        }
        QVERIFY(up && cpu);
        QTRY_VERIFY_WITH_TIMEOUT(!up->chartView()->bandExtents().isEmpty(), 30000);
        const auto [left, right] = up->chartView()->bandExtents().last();
        QVERIFY2(right > left, qPrintable(QStringLiteral("%1..%2").arg(left).arg(right)));
        QVERIFY(cpu->chartView()->bandExtents().isEmpty());
        metrics.setAllAlerts(true);
        QTRY_VERIFY_WITH_TIMEOUT(!cpu->chartView()->bandExtents().isEmpty(), 30000);
    }

    void aDeclinedSilenceSilencesNothing()
    {
        m_pane->tree()->setCurrentIndex(web2Row());
        DangerConfirmDialog::setNextAnswer(false);
        SilenceDialog *dialog = openSilenceDialog();
        QVERIFY(dialog);
        dialog->commentEdit()->setText(kOurs + QStringLiteral(" declined"));
        QVERIFY(dialog->silenceButton()->isEnabled());
        dialog->silenceButton()->click();
        QTRY_VERIFY(m_pane->isSettled());
        QVERIFY(m_audit->recent(5, kProduction).isEmpty()); // declined: not even a row
        for (const QJsonValue &s :
             DemoWeb2::alertmanagerGet(m_http, m_demo.value(QStringLiteral("ALERTMANAGER_PORT")),
                                       QStringLiteral("/api/v2/silences")))
            QVERIFY(s.toObject().value(QStringLiteral("comment")).toString() !=
                    kOurs + QStringLiteral(" declined"));
    }

    void aSilenceIsHeldAuditedShownAndExpired()
    {
        m_pane->tree()->setCurrentIndex(web2Row());
        DangerConfirmDialog::setNextAnswer(true);
        SilenceDialog *dialog = openSilenceDialog();
        QVERIFY(dialog);
        // Prefilled from the alert, and it says what it would silence.
        const QString matchers = dialog->matchersEdit()->toPlainText();
        QVERIFY2(matchers.contains(QLatin1String("alertname=\"InstanceDown\"")) &&
                     matchers.contains(QLatin1String("host=\"web2\"")) &&
                     matchers.contains(QLatin1String("env=\"production\"")),
                 qPrintable(matchers));
        QVERIFY2(dialog->previewLabel()->text().contains(QLatin1String("InstanceDown web2")),
                 qPrintable(dialog->previewLabel()->text()));
        QVERIFY(!dialog->silenceButton()->isEnabled()); // no comment yet
        dialog->matchersEdit()->setPlainText(matchers + QStringLiteral("\nnot a matcher"));
        QVERIFY(dialog->previewLabel()->text().contains(QLatin1String("line")));
        dialog->matchersEdit()->setPlainText(matchers);
        dialog->commentEdit()->setText(kOurs + QStringLiteral(" web2 is being rebuilt"));
        if (const QByteArray dir = qgetenv("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty())
            dialog->grab().save(QString::fromUtf8(dir) + QStringLiteral("/silence-dialog.png"));

        QSignalSpy changed(m_pane.get(), &AlertsPane::silenceChanged);
        dialog->silenceButton()->click();
        QVERIFY(changed.wait(30000));
        const QString id = changed.first().first().toString();
        // production is protected: the typed name was asked for.
        QVERIFY(DangerConfirmDialog::lastQuestion().isProtected);
        QCOMPARE(DangerConfirmDialog::lastQuestion().environment, kProduction);

        const QJsonObject held = alertmanagerSilence(id);
        QCOMPARE(held.value(QStringLiteral("comment")).toString(),
                 kOurs + QStringLiteral(" web2 is being rebuilt"));
        QCOMPARE(held.value(QStringLiteral("createdBy")).toString(), silenceAuthor());
        QTRY_VERIFY(
            !m_audit->recent(1, kProduction).isEmpty() &&
            m_audit->recent(1, kProduction).first().outcome.startsWith(QLatin1String("succeeded")));
        const AuditEntry row = m_audit->recent(1, kProduction).first();
        QCOMPARE(row.action, QStringLiteral("alerts.silence"));
        QCOMPARE(row.comment, kOurs + QStringLiteral(" web2 is being rebuilt"));
        QVERIFY2(row.after.contains(id), qPrintable(row.after));

        QTRY_VERIFY_WITH_TIMEOUT(web2Row().isValid() &&
                                     m_pane->model()->alert(web2Row())->silencedBy.contains(id),
                                 30000);
        QVERIFY(m_pane->model()
                    ->index(web2Row().row(), AlertsModel::Notes, web2Row().parent())
                    .data()
                    .toString()
                    .startsWith(QLatin1String("silenced")));

        // Expire it from the Silences tab.
        m_pane->tabs()->setCurrentIndex(1);
        QTreeWidgetItem *ours = nullptr;
        for (int i = 0; i < m_pane->silencesList()->topLevelItemCount(); ++i)
            if (m_pane->silencesList()->topLevelItem(i)->text(5) == id)
                ours = m_pane->silencesList()->topLevelItem(i);
        QVERIFY(ours);
        m_pane->silencesList()->setCurrentItem(ours);
        QVERIFY(m_pane->expireAction()->isEnabled());
        changed.clear();
        m_pane->expireAction()->trigger();
        QVERIFY(changed.wait(30000));
        QCOMPARE(silenceState(id), QStringLiteral("expired"));
        QTRY_COMPARE(m_audit->recent(1, kProduction).first().action,
                     QStringLiteral("alerts.expire_silence"));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
    }

    void theRulesTabComparesTheRepositoryWithTheServer()
    {
        // The demo's rule files are what its Prometheus loaded: the same, and promtool agrees.
        m_pane->openItem(QStringLiteral("rules"));
        RulesPanel *rules = m_pane->rulesPanel();
        QCOMPARE(m_pane->tabs()->currentWidget(), rules);
        QTRY_VERIFY_WITH_TIMEOUT(rules->hasChecked(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(rules->status()->text().contains(
                                     QStringLiteral("the server runs what the repository says")),
                                 30000);
        QStringList sections;
        for (int i = 0; i < rules->tree()->topLevelItemCount(); ++i)
            sections << rules->tree()->topLevelItem(i)->text(0);
        QCOMPARE(sections,
                 QStringList({QStringLiteral("Only in the repository (0)"),
                              QStringLiteral("Only on the server (0)"),
                              QStringLiteral("Different (0)"), QStringLiteral("The same (4)")}));
        QCOMPARE(rules->tree()->topLevelItem(3)->child(0)->text(2).section(QLatin1Char(':'), 0, 0),
                 QStringLiteral("alerts/rules.yml"));

        // A repository ahead of the server: InstanceDown's for: changed, a rule added.
        QTemporaryDir repo;
        QFile demoRules(QFileInfo(m_demo.value(QStringLiteral("WORKSPACE")))
                            .dir()
                            .filePath(QStringLiteral("alerts/rules.yml")));
        QVERIFY(demoRules.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(demoRules.readAll());
        const qsizetype at = text.indexOf(QStringLiteral("for: 15s"));
        QVERIFY(at > 0);
        text.replace(at, 8, QStringLiteral("for: 45s"));
        text += QStringLiteral("      - alert: QueueStuck\n        expr: vector(1)\n");
        QFile changed(repo.filePath(QStringLiteral("rules.yml")));
        QVERIFY(changed.open(QIODevice::WriteOnly));
        changed.write(text.toUtf8());
        changed.close();
        Workspace ahead = m_workspace->workspace();
        ahead.directory = repo.path();
        ahead.alertRuleFiles = {changed.fileName()};
        RulesPanel panel(ahead);
        QSignalSpy compared(&panel, &RulesPanel::compared);
        panel.setServerRules(client()->latest()->rules);
        panel.reload(); // in the thread pool: the answer comes back here
        QVERIFY(compared.wait(30000));
        QVERIFY2(panel.status()->text().contains(QStringLiteral("differ")),
                 qPrintable(panel.status()->text()));
        QTreeWidgetItem *onlyHere = panel.tree()->topLevelItem(0);
        QCOMPARE(onlyHere->text(0), QStringLiteral("Only in the repository (1)"));
        QCOMPARE(onlyHere->child(0)->text(0), QStringLiteral("QueueStuck"));
        QTreeWidgetItem *different = panel.tree()->topLevelItem(2);
        QCOMPARE(different->text(0), QStringLiteral("Different (1)"));
        QCOMPARE(different->child(0)->text(0), QStringLiteral("InstanceDown"));
        QVERIFY2(different->child(0)->text(3).contains(QStringLiteral("45s here")),
                 qPrintable(different->child(0)->text(3)));
        if (const QByteArray dir = qgetenv("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            panel.resize(1000, 420);
            panel.grab().save(QString::fromUtf8(dir) + QStringLiteral("/alerts-rules.png"));
        }
    }
};

QTEST_MAIN(TestAlertsPane)
#include "tst_alertspane.moc"
