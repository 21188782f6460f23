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

#include <QFileInfo>
#include <QProcess>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

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
};

QTEST_MAIN(TestBackupsPane)
#include "tst_backupspane.moc"
