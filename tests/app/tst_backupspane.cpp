// SPDX-License-Identifier: GPL-3.0-or-later
// The Database health pane's Backups tab on the demo world, with the real pg_dump, pg_restore
// and the bastion tunnel: Back up now (audited, not asked), the list and the freshness check
// it feeds, a restore into a new database through the confirmation, and a clone's question,
// which names the environment it replaces even where that one is not protected.
#include "audit/auditlog.h"
#include "checkresultsmodel.h"
#include "common/dangerconfirmdialog.h"
#include "dbhealth/backupspanel.h"
#include "dbhealth/checkspanel.h"
#include "dbhealth/dbhealthpane.h"
#include "runtime/environmentcontext.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"
#include "workspacecontext.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QProgressBar>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Opsdeck;

namespace {
const QString kStaging = QStringLiteral("staging");
const QString kRestored = QStringLiteral("bk_pane_restored");
} // namespace

class TestBackupsPane final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    QTemporaryDir m_home;
    std::unique_ptr<WorkspaceContext> m_workspace;
    std::shared_ptr<AuditLog> m_audit;

    QString psql(const QString &database, const QString &sql)
    {
        QProcess p;
        p.start(m_demo.value(QStringLiteral("OPSDECK_PG_BIN")) + QStringLiteral("/psql"),
                {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                 m_demo.value(QStringLiteral("PGPORT")), QStringLiteral("-U"),
                 QStringLiteral("postgres"), QStringLiteral("-qAt"), QStringLiteral("-d"), database,
                 QStringLiteral("-c"), sql});
        p.waitForFinished(30000);
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }

    std::unique_ptr<DbHealthPane> pane(const QString &environment)
    {
        auto pane = std::make_unique<DbHealthPane>(*m_workspace->environment(environment));
        pane->setAuditLog(m_audit);
        pane->resize(1100, 700);
        pane->show();
        pane->openItem(QStringLiteral("backups"));
        return pane;
    }

    QStringList lastAudit()
    {
        const QList<AuditEntry> rows = m_audit->recent(1);
        if (rows.isEmpty())
            return {};
        const AuditEntry &e = rows.first();
        return {e.environment, e.action, e.outcome};
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        QVERIFY(m_home.isValid());
        // This test's own backups location: the demo's belongs to the CLI test.
        loaded.workspace->backups.directory = m_home.filePath(QStringLiteral("backups"));
        m_workspace = std::make_unique<WorkspaceContext>(std::move(*loaded.workspace), nullptr);
        m_audit = std::make_shared<AuditLog>(m_home.filePath(QStringLiteral("audit.sqlite")));
        psql(QStringLiteral("postgres"),
             QStringLiteral("drop database if exists %1 with (force)").arg(kRestored));
    }

    void cleanupTestCase()
    {
        psql(QStringLiteral("postgres"),
             QStringLiteral("drop database if exists %1 with (force)").arg(kRestored));
    }

    void backUpNowThenFresh()
    {
        std::unique_ptr<DbHealthPane> staging = pane(kStaging);
        BackupsPanel *panel = staging->backupsPanel();
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 0, 5000);
        // Staging has no backup and is not protected: the check is there, skipped.
        CheckResultsModel *checks = staging->checks()->model();
        QTRY_VERIFY_WITH_TIMEOUT(checks->report().check(QStringLiteral("backup_freshness")), 30000);
        QCOMPARE(checks->report().check(QStringLiteral("backup_freshness"))->verdict,
                 Verdict::Skipped);

        const int asked = DangerConfirmDialog::questionsAsked();
        QSignalSpy finished(panel, &BackupsPanel::finished);
        auto *progress = panel->findChild<QProgressBar *>(QStringLiteral("backupProgress"));
        panel->backUpNow();
        // The dump is another process and the panel only hears of it: the UI thread is free.
        QVERIFY(panel->isRunning());
        QVERIFY(progress->isVisible());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(DangerConfirmDialog::questionsAsked(), asked); // a backup is audited, not asked
        QCOMPARE(lastAudit().value(0), kStaging);
        QCOMPARE(lastAudit().value(1), QStringLiteral("db.backup"));
        QVERIFY(lastAudit().value(2).startsWith(QStringLiteral("succeeded: minitwit_staging-")));
        QVERIFY(!progress->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(panel->backups().size(), 1, 5000);
        const BackupManifest backup = panel->backups().first();
        QVERIFY(backup.verified);
        QVERIFY(QFileInfo::exists(backup.dumpPath()));
        QCOMPARE(panel->model()->item(0, 6)->text(), backup.file);
        // The checks are asked again, and now there is a fresh one.
        QTRY_COMPARE_WITH_TIMEOUT(
            checks->report().check(QStringLiteral("backup_freshness"))->verdict, Verdict::Ok,
            30000);
    }

    void restoreIntoANewDatabase()
    {
        std::unique_ptr<DbHealthPane> staging = pane(kStaging);
        BackupsPanel *panel = staging->backupsPanel();
        QTRY_COMPARE_WITH_TIMEOUT(panel->backups().size(), 1, 5000);
        const int asked = DangerConfirmDialog::questionsAsked();
        DangerConfirmDialog::setNextAnswer(true);
        QSignalSpy finished(panel, &BackupsPanel::finished);
        panel->restore(panel->backups().first(), kStaging, kRestored, false);
        QVERIFY(finished.wait(60000));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QCOMPARE(DangerConfirmDialog::questionsAsked(), asked + 1); // a restore is asked
        QCOMPARE(DangerConfirmDialog::lastQuestion().environment, kStaging);
        const QString message = finished.first().at(1).toString();
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("public.auth_user: 300 rows, as in the source")),
                 qPrintable(message));
        QCOMPARE(psql(kRestored, QStringLiteral("select count(*) from auth_user")),
                 QStringLiteral("300"));
        QCOMPARE(lastAudit().value(1), QStringLiteral("db.restore"));
    }

    void cloneAsksForTheTargetsName()
    {
        std::unique_ptr<DbHealthPane> production = pane(QStringLiteral("production"));
        BackupsPanel *panel = production->backupsPanel();
        const int asked = DangerConfirmDialog::questionsAsked();
        DangerConfirmDialog::setNextAnswer(false);
        QSignalSpy finished(panel, &BackupsPanel::finished);
        panel->cloneInto(kStaging);
        QVERIFY(finished.count() > 0 || finished.wait(10000)); // a "no" answers at once
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QCOMPARE(DangerConfirmDialog::questionsAsked(), asked + 1);
        const DangerConfirmDialog::Question q = DangerConfirmDialog::lastQuestion();
        QCOMPARE(q.environment, kStaging); // what is replaced, not the pane's environment
        QVERIFY(q.isProtected);            // the typed name, though staging is not protected
        QVERIFY2(
            q.description.contains(QStringLiteral("Replace staging's database minitwit_staging "
                                                  "with a copy of production's minitwit_prod")),
            qPrintable(q.description));
        QVERIFY2(q.changes.contains(QStringLiteral("scrub it with scrub.sql")),
                 qPrintable(q.changes));
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY(!panel->isRunning());
        QCOMPARE(psql(QStringLiteral("minitwit_staging"),
                      QStringLiteral("select count(*) from auth_user")),
                 QStringLiteral("300"));
    }

    void backupsKeptOnTheBastion()
    {
        // The same workspace with backups.location on the bastion (the real sshd, over SFTP).
        WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        QTemporaryDir there(QStringLiteral("/var/tmp/opsdeck-pane-backups-XXXXXX"));
        QVERIFY(there.isValid());
        loaded.workspace->backups.directory.clear();
        loaded.workspace->backups.host = QStringLiteral("bastion");
        loaded.workspace->backups.hostPath = there.path() + QStringLiteral("/dumps");
        WorkspaceContext remote(std::move(*loaded.workspace), nullptr);
        DbHealthPane staging(*remote.environment(kStaging));
        staging.setAuditLog(m_audit);
        staging.show();
        BackupsPanel *panel = staging.backupsPanel();
        CheckResultsModel *checks = staging.checks()->model();
        // Nothing there yet: read over SFTP, and staging does not expect any.
        QTRY_VERIFY_WITH_TIMEOUT(checks->report().check(QStringLiteral("backup_freshness")), 30000);
        QCOMPARE(checks->report().check(QStringLiteral("backup_freshness"))->verdict,
                 Verdict::Skipped);

        QSignalSpy finished(panel, &BackupsPanel::finished);
        panel->backUpNow();
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(panel->backups().size(), 1, 10000);
        const BackupManifest backup = panel->backups().first();
        QCOMPARE(backup.host, QStringLiteral("bastion"));
        QVERIFY(QFileInfo::exists(backup.dumpPath())); // the bastion is this machine
        QVERIFY2(panel->model()->item(0, 6)->toolTip().startsWith(QStringLiteral("bastion:")),
                 qPrintable(panel->model()->item(0, 6)->toolTip()));
        QTRY_COMPARE_WITH_TIMEOUT(
            checks->report().check(QStringLiteral("backup_freshness"))->verdict, Verdict::Ok,
            30000);

        // Restore… says where the dump comes from and offers every environment's server.
        QTimer::singleShot(300, this, [] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            if (!dialog || dialog->objectName() != QLatin1String("restoreDialog"))
                return;
            if (const QByteArray dir = qgetenv("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty())
                dialog->grab().save(QString::fromUtf8(dir) + QStringLiteral("/restore-dialog.png"));
            dialog->reject();
        });
        QString environments;
        QString from;
        QTimer::singleShot(200, this, [&] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            for (auto *label : dialog->findChildren<QLabel *>())
                if (label->text().startsWith(QStringLiteral("bastion:")))
                    from = label->text();
            if (auto *combo = dialog->findChild<QComboBox *>())
                for (int i = 0; i < combo->count(); ++i)
                    environments += combo->itemText(i) + QLatin1Char(' ');
        });
        panel->restoreSelected(); // modal until the timer above answers
        QVERIFY2(from.startsWith(backup.location()), qPrintable(from));
        QVERIFY2(from.contains(QStringLiteral("SHA-256 checked")), qPrintable(from));
        QCOMPARE(environments, QStringLiteral("staging production "));
        QCOMPARE(panel->isRunning(), false); // cancelled: nothing started

        // Restored from there: fetched, checked, restored, the copy here gone.
        const QString database = QStringLiteral("bk_pane_remote");
        psql(QStringLiteral("postgres"),
             QStringLiteral("drop database if exists %1 with (force)").arg(database));
        auto dropped = qScopeGuard([&] {
            psql(QStringLiteral("postgres"),
                 QStringLiteral("drop database if exists %1 with (force)").arg(database));
        });
        DangerConfirmDialog::setNextAnswer(true);
        finished.clear();
        panel->restore(backup, kStaging, database, false);
        QVERIFY(finished.wait(60000));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(psql(database, QStringLiteral("select count(*) from auth_user")),
                 QStringLiteral("300"));
    }
};

QTEST_MAIN(TestBackupsPane)
#include "tst_backupspane.moc"
