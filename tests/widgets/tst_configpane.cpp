// SPDX-License-Identifier: GPL-3.0-or-later
// The Config pane offscreen, with a remote file on the real sshd (through the bastion): a .env
// edit saved as one changed line with a backup and an audit entry naming the key only; YAML
// that does not parse refused; a remote save with its backup and after-save command; a file
// changed underneath shown as a conflict, not overwritten; a protected environment's typed
// confirmation; history and restore; drift across environments incl. sops keys, and a copy.
#include "audit/auditlog.h"
#include "common/dangerconfirmdialog.h"
#include "common/messagebanner.h"
#include "config/configconflictdialog.h"
#include "config/configdiffview.h"
#include "config/confighistorydialog.h"
#include "config/configpane.h"
#include "config/dotenveditor.h"
#include "config/driftview.h"
#include "config/yamleditor.h"
#include "configdriftmodel.h"
#include "dotenvmodel.h"
#include "runtime/sshpool.h"
#include "stallmeter.h"
#include "testpane.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Opsdeck;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/** Saves and waits; true when the file was written. */
bool saveAndWait(ConfigPane &pane)
{
    QSignalSpy finished(&pane, &ConfigPane::saveFinished);
    pane.save();
    if (finished.isEmpty() && !finished.wait(20000))
        return false;
    return finished.first().at(1).toBool();
}

QString cell(DotenvModel *model, const QString &key, int column = DotenvModel::ValueColumn)
{
    return model->index(model->rowOfKey(key), column).data().toString();
}

const DriftRow *driftRow(ConfigDriftModel *model, const QString &key)
{
    for (const DriftRow &r : model->rows())
        if (r.key == key)
            return &r;
    return nullptr;
}

void screenshot(QWidget &widget, const QString &name)
{
    if (const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty())
        widget.grab().save(dir + QLatin1Char('/') + name);
}

} // namespace

class TestConfigPane final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Workspace m_workspace;
    std::unique_ptr<SshPool> m_pool;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::shared_ptr<AuditLog> m_audit;
    QString m_stagingEnv, m_stagingYaml, m_remote, m_productionEnv;

    TestPane<ConfigPane> openPane(const QString &environment)
    {
        TestPane<ConfigPane> pane(m_workspace, environment, m_pool.get());
        pane->setAuditLog(m_audit);
        pane->resize(1200, 640);
        pane->show();
        if (!StallMeter::spinUntil([&] { return pane->hasLoaded(); }, 15000))
            return {};
        return pane;
    }

    AuditEntry lastAudit() const { return m_audit->recent(1).value(0); }

    /** Opens the staging pane on the remote .env, once its rows are there. */
    DotenvEditor *openRemote(ConfigPane &pane)
    {
        pane.openFile(QStringLiteral("web1:") + m_remote);
        auto *editor =
            qobject_cast<DotenvEditor *>(pane.editor(QStringLiteral("web1:") + m_remote));
        if (!editor ||
            !StallMeter::spinUntil(
                [&] { return editor->model()->rowOfKey(QStringLiteral("WORKERS")) >= 0; }, 15000))
            return nullptr;
        return editor;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QHash<QString, QString> ssh = TestServices::load(QStringLiteral("sshd"));
        QVERIFY2(ssh.contains(QStringLiteral("SSH_PORT_WEB1")), "the sshd fixture did not run");
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("config"))));
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("remote"))));
        m_stagingEnv = m_dir.filePath(QStringLiteral("config/staging.env"));
        m_stagingYaml = m_dir.filePath(QStringLiteral("config/app.staging.yaml"));
        m_remote = m_dir.filePath(QStringLiteral("remote/.env"));
        m_productionEnv = m_dir.filePath(QStringLiteral("config/production.env"));
        QVERIFY(writeAll(m_stagingEnv, "# staging\nexport DEBUG=True\nDB_PASSWORD=one\n"
                                       "TITLE=\"My App\" # shown\n"));
        QVERIFY(writeAll(m_stagingYaml, "app:\n  name: minitwit\n  workers: 2\n"));
        QVERIFY(writeAll(m_remote, "WORKERS=2\nSECRET_KEY=abc\n"));
        QVERIFY(writeAll(m_productionEnv, "DEBUG=False\nDB_PASSWORD=two\nTITLE=\"My App\"\n"
                                          "ONLY_PROD=1\n"));
        QVERIFY(QFile::copy(TestServices::dataDir() +
                                QStringLiteral("/fixtures/sops-age-humphd/secret.enc.env"),
                            m_dir.filePath(QStringLiteral("config/production.enc.env"))));
        const QString yaml =
            QStringLiteral(
                "version: 1\nname: config-test\n"
                "ssh: { user: %1, identity: %2, known_hosts: %3, use_ssh_config: false }\n"
                "hosts:\n"
                "  bastion: { address: 127.0.0.1, port: %4 }\n"
                "  web1: { address: 127.0.0.1, port: %5, jump: bastion }\n"
                "environments:\n"
                "  staging:\n"
                "    hosts: [web1]\n"
                "    config:\n"
                "      - config/staging.env\n"
                "      - config/app.staging.yaml\n"
                "      - { path: \"web1:%6\", after_save: \"echo reloaded with $(wc -l < %6) "
                "lines\" }\n"
                "  production:\n"
                "    protected: true\n"
                "    config: [config/production.env]\n"
                "    secrets: [config/production.enc.env]\n")
                .arg(ssh.value(QStringLiteral("SSH_USER")), ssh.value(QStringLiteral("SSH_KEY")),
                     ssh.value(QStringLiteral("SSH_KNOWN_HOSTS")),
                     ssh.value(QStringLiteral("SSH_PORT_BASTION")),
                     ssh.value(QStringLiteral("SSH_PORT_WEB1")), m_remote);
        QVERIFY(writeAll(m_dir.filePath(QStringLiteral("opsdeck.yaml")), yaml.toUtf8()));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_dir.filePath(QStringLiteral("opsdeck.yaml")));
        QVERIFY2(loaded.ok(), "the test workspace does not load");
        m_workspace = *loaded.workspace;
        m_pool = std::make_unique<SshPool>(m_workspace, &m_reject);
        m_audit = std::make_shared<AuditLog>(m_dir.filePath(QStringLiteral("audit.sqlite")));
    }

    void dotenvEditIsOneLineWithABackupAndAnAuditEntryWithoutTheValue()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QCOMPARE(pane->fileList()->count(), 3);
        QCOMPARE(pane->currentFile(), m_stagingEnv);
        auto *editor = qobject_cast<DotenvEditor *>(pane->editor(m_stagingEnv));
        QVERIFY(editor);
        DotenvModel *model = editor->model();
        QCOMPARE(cell(model, QStringLiteral("TITLE")), QStringLiteral("My App"));
        QCOMPARE(cell(model, QStringLiteral("DB_PASSWORD")), maskedValue());
        QCOMPARE(cell(model, QStringLiteral("TITLE"), DotenvModel::CommentColumn),
                 QStringLiteral("shown"));
        screenshot(*pane, QStringLiteral("config-dotenv.png"));
        editor->revealAction()->trigger();
        QCOMPARE(cell(model, QStringLiteral("DB_PASSWORD")), QStringLiteral("one"));
        editor->revealAction()->trigger();
        // Editing a masked value starts empty; leaving it empty must not wipe the secret.
        const QModelIndex password =
            model->index(model->rowOfKey(QStringLiteral("DB_PASSWORD")), DotenvModel::ValueColumn);
        QCOMPARE(password.data(Qt::EditRole).toString(), QString());
        QVERIFY(!model->setData(password, QString(), Qt::EditRole));
        QVERIFY(!pane->isModified(m_stagingEnv));

        QVERIFY(model->setData(
            model->index(model->rowOfKey(QStringLiteral("TITLE")), DotenvModel::ValueColumn),
            QStringLiteral("New title"), Qt::EditRole));
        QVERIFY(pane->isModified(m_stagingEnv));
        QVERIFY(pane->fileList()->currentItem()->text().endsWith(QStringLiteral("•")));
        QVERIFY(saveAndWait(*pane));
        QCOMPARE(readAll(m_stagingEnv), QByteArray("# staging\nexport DEBUG=True\nDB_PASSWORD=one\n"
                                                   "TITLE=\"New title\" # shown\n"));
        QCOMPARE(readAll(m_stagingEnv + QStringLiteral(".bak")),
                 QByteArray("# staging\nexport DEBUG=True\nDB_PASSWORD=one\n"
                            "TITLE=\"My App\" # shown\n"));
        QVERIFY(!pane->isModified(m_stagingEnv));
        const AuditEntry entry = lastAudit();
        QCOMPARE(entry.action, QStringLiteral("config.save"));
        QCOMPARE(entry.environment, QStringLiteral("staging"));
        QCOMPARE(entry.after, QStringLiteral("keys TITLE"));
        QCOMPARE(entry.outcome, QStringLiteral("succeeded"));
        for (const AuditEntry &e : m_audit->recent(100))
            QVERIFY(!QString(e.before + e.after + e.target).contains(QLatin1String("New title")));
    }

    void yamlThatDoesNotParseIsNotSaved()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        pane->openFile(m_stagingYaml);
        auto *editor = qobject_cast<YamlEditor *>(pane->editor(m_stagingYaml));
        QVERIFY(editor);
        QVERIFY(StallMeter::spinUntil([&] { return editor->outline()->topLevelItemCount() > 0; },
                                      10000));
        QCOMPARE(editor->outline()->topLevelItem(0)->text(0), QStringLiteral("app"));
        editor->text()->setPlainText(QStringLiteral("app:\n  name: [minitwit\n  workers: 2\n"));
        editor->checkNow();
        QVERIFY(!editor->lastCheck().ok());
        QVERIFY2(editor->problemLabel()->text().contains(QLatin1String("line 3")),
                 qPrintable(editor->problemLabel()->text()));
        screenshot(*pane, QStringLiteral("config-yaml-error.png"));
        QVERIFY(!saveAndWait(*pane));
        QVERIFY(pane->banner()->text().contains(QLatin1String("does not parse")));
        QCOMPARE(readAll(m_stagingYaml), QByteArray("app:\n  name: minitwit\n  workers: 2\n"));
        editor->text()->setPlainText(QStringLiteral("app:\n  name: minitwit\n  workers: 4\n"));
        QVERIFY(saveAndWait(*pane));
        QCOMPARE(readAll(m_stagingYaml), QByteArray("app:\n  name: minitwit\n  workers: 4\n"));
        QCOMPARE(lastAudit().after, QStringLiteral("1 line changed")); // not "1 line(s)"
    }

    void remoteSaveKeepsABackupAndRunsTheAfterSaveCommand()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        StallMeter meter;
        meter.start();
        DotenvEditor *editor = openRemote(*pane);
        QVERIFY(editor);
        QCOMPARE(cell(editor->model(), QStringLiteral("SECRET_KEY")), maskedValue());
        QVERIFY(editor->setValue(QStringLiteral("WORKERS"), QStringLiteral("4")));
        DangerConfirmDialog::setNextAnswer(true); // the after-save command is always confirmed
        QSignalSpy ran(pane.get(), &ConfigPane::afterSaveFinished);
        QVERIFY(saveAndWait(*pane));
        QVERIFY(ran.wait(15000));
        meter.stop();
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        qInfo("remote read + save + after-save through the bastion: longest stall %lld ms",
              meter.longestStallMs());
        QCOMPARE(readAll(m_remote), QByteArray("WORKERS=4\nSECRET_KEY=abc\n"));
        const QStringList backups =
            QDir(m_dir.filePath(QStringLiteral("remote")))
                .entryList({QStringLiteral(".env.opsdeck-*.bak")}, QDir::Files | QDir::Hidden);
        QCOMPARE(backups.size(), 1);
        QCOMPARE(readAll(m_dir.filePath(QStringLiteral("remote/")) + backups.first()),
                 QByteArray("WORKERS=2\nSECRET_KEY=abc\n"));
        QVERIFY(ran.first().at(1).toBool());
        QVERIFY2(pane->output()->toPlainText().contains(QLatin1String("reloaded with 2 lines")),
                 qPrintable(pane->output()->toPlainText()));
        QCOMPARE(lastAudit().action, QStringLiteral("config.after_save"));
        screenshot(*pane, QStringLiteral("config-remote.png"));
    }

    void aRemoteFileChangedUnderneathIsAConflictNotAnOverwrite()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        DotenvEditor *editor = openRemote(*pane);
        QVERIFY(editor);
        QVERIFY(writeAll(m_remote, "WORKERS=4\nSECRET_KEY=abc\nADDED_BY_DEPLOY=yes\n"));
        QVERIFY(editor->setValue(QStringLiteral("WORKERS"), QStringLiteral("8")));
        QSignalSpy conflict(pane.get(), &ConfigPane::conflictShown);
        QVERIFY(!saveAndWait(*pane));
        QCOMPARE(conflict.size(), 1);
        QCOMPARE(readAll(m_remote), QByteArray("WORKERS=4\nSECRET_KEY=abc\nADDED_BY_DEPLOY=yes\n"));
        auto *dialog = pane->findChild<ConfigConflictDialog *>();
        QVERIFY(dialog);
        const QString diff = dialog->diffView()->toPlainText();
        QVERIFY2(diff.contains(QLatin1String("- ADDED_BY_DEPLOY=yes")), qPrintable(diff));
        QVERIFY(diff.contains(QLatin1String("+ WORKERS=8")));
        QVERIFY(!diff.contains(QLatin1String("abc"))); // secrets stay masked in the diff
        screenshot(*dialog, QStringLiteral("config-conflict.png"));
        QSignalSpy finished(pane.get(), &ConfigPane::saveFinished);
        dialog->choose(ConfigConflictDialog::Choice::Overwrite);
        QVERIFY(finished.wait(15000));
        QVERIFY(finished.first().at(1).toBool());
        QCOMPARE(readAll(m_remote), QByteArray("WORKERS=8\nSECRET_KEY=abc\n"));
    }

    void historyListsBackupsAndRestoresOne()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        DotenvEditor *editor = openRemote(*pane);
        QVERIFY(editor);
        pane->showHistory();
        auto *history = pane->findChild<ConfigHistoryDialog *>();
        QVERIFY(history);
        QVERIFY(StallMeter::spinUntil([&] { return history->isLoaded(); }, 15000));
        QVERIFY(history->list()->count() >= 2);
        QSignalSpy shown(history, &ConfigHistoryDialog::backupShown);
        history->list()->setCurrentRow(history->list()->count() - 1); // the oldest
        QVERIFY(shown.wait(15000));
        QCOMPARE(history->selectedContent(), QByteArray("WORKERS=2\nSECRET_KEY=abc\n"));
        // Read like `diff -u old new`: the old version's line is "-", today's is "+".
        const QString shownDiff = history->findChild<ConfigDiffView *>()->toPlainText();
        QVERIFY2(shownDiff.contains(QLatin1String("- WORKERS=2")) &&
                     shownDiff.contains(QLatin1String("+ WORKERS=8")),
                 qPrintable(shownDiff));
        DangerConfirmDialog::setNextAnswer(true);
        QSignalSpy finished(pane.get(), &ConfigPane::saveFinished);
        const QList<QPushButton *> buttons = history->findChildren<QPushButton *>();
        for (QPushButton *b : buttons)
            if (b->text().startsWith(QLatin1String("Restore")))
                b->click();
        QVERIFY(finished.wait(15000));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QVERIFY(finished.first().at(1).toBool());
        QCOMPARE(readAll(m_remote), QByteArray("WORKERS=2\nSECRET_KEY=abc\n"));
        // The file's after_save command then runs as an action of its own, audited after.
        const QList<AuditEntry> recent = m_audit->recent(2);
        QVERIFY(std::any_of(recent.cbegin(), recent.cend(), [](const AuditEntry &e) {
            return e.action == QLatin1String("config.restore") &&
                   e.outcome == QLatin1String("succeeded");
        }));
    }

    void aProtectedEnvironmentNeedsItsConfirmation()
    {
        auto pane = openPane(QStringLiteral("production"));
        QVERIFY(pane);
        auto *editor = qobject_cast<DotenvEditor *>(pane->editor(m_productionEnv));
        QVERIFY(editor->setValue(QStringLiteral("DEBUG"), QStringLiteral("True")));
        const int asked = DangerConfirmDialog::questionsAsked();
        DangerConfirmDialog::setNextAnswer(false);
        QVERIFY(!saveAndWait(*pane));
        QCOMPARE(DangerConfirmDialog::questionsAsked(), asked + 1);
        QCOMPARE(readAll(m_productionEnv).left(12), QByteArray("DEBUG=False\n"));
        DangerConfirmDialog::setNextAnswer(true);
        QVERIFY(saveAndWait(*pane));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QCOMPARE(readAll(m_productionEnv).left(11), QByteArray("DEBUG=True\n"));
        QCOMPARE(lastAudit().comment, QStringLiteral("(test)"));
        // Put it back for the drift test.
        QVERIFY(editor->setValue(QStringLiteral("DEBUG"), QStringLiteral("False")));
        DangerConfirmDialog::setNextAnswer(true);
        QVERIFY(saveAndWait(*pane));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
    }

    void driftComparesEnvironmentsAndCopiesAValue()
    {
        // web1's .env disagrees with staging's own local file on DEBUG: a finding of its own.
        QVERIFY(writeAll(m_remote, readAll(m_remote) + "DEBUG=False\n"));
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        DriftView *drift = pane->driftView();
        QSignalSpy refreshed(drift, &DriftView::refreshed);
        pane->tabs()->setCurrentWidget(drift);
        QVERIFY(refreshed.wait(20000));
        ConfigDriftModel *model = drift->model();
        // Under load a first read can end before web1's file is in (the summary says so); the
        // next refresh has it. A missing row is a failure here, never a crash.
        QTRY_VERIFY_WITH_TIMEOUT(driftRow(model, QStringLiteral("DEBUG")) &&
                                     driftRow(model, QStringLiteral("DEBUG"))->state ==
                                         DriftRow::State::Inconsistent,
                                 20000);
        QCOMPARE(model->environments(),
                 QStringList({QStringLiteral("staging"), QStringLiteral("production")}));
        const DriftRow *debug = driftRow(model, QStringLiteral("DEBUG"));
        QVERIFY(debug);
        QCOMPARE(debug->state, DriftRow::State::Inconsistent);
        QCOMPARE(debug->inconsistent, QStringList{QStringLiteral("staging")});
        QCOMPARE(model->rows().first().key, QStringLiteral("DEBUG")); // shown first
        QCOMPARE(drift->table()->model()->index(0, ConfigDriftModel::KeyColumn).data().toString(),
                 QStringLiteral("DEBUG")); // in the table as well
        const QString cell =
            model->index(0, ConfigDriftModel::FirstEnvironmentColumn).data().toString();
        QVERIFY2(cell == QStringLiteral("True (staging.env) \u2260 False (web1:.env)"),
                 qPrintable(cell));
        const DriftRow *password = driftRow(model, QStringLiteral("DB_PASSWORD"));
        QVERIFY(password);
        QCOMPARE(password->state, DriftRow::State::Differs);
        QVERIFY(password->masked);
        QVERIFY(driftRow(model, QStringLiteral("TITLE")));
        QCOMPARE(driftRow(model, QStringLiteral("TITLE"))->state, DriftRow::State::Differs);
        QVERIFY(driftRow(model, QStringLiteral("ONLY_PROD")));
        QCOMPARE(driftRow(model, QStringLiteral("ONLY_PROD"))->state, DriftRow::State::Missing);
        // The remote file's keys count for staging; production's sops keys for production.
        QVERIFY(driftRow(model, QStringLiteral("WORKERS")));
        QCOMPARE(driftRow(model, QStringLiteral("WORKERS"))->state, DriftRow::State::Missing);
        const DriftRow *sopsKey = driftRow(model, QStringLiteral("another_secret"));
        QVERIFY(sopsKey);
        QCOMPARE(sopsKey->state, DriftRow::State::Missing);
        QVERIFY(!sopsKey->cells.at(1)->known);
        // Masked cells never show the value; only differences are listed.
        for (int row = 0; row < drift->table()->model()->rowCount(); ++row)
            for (int column = 0; column < drift->table()->model()->columnCount(); ++column) {
                const QString text = drift->table()->model()->index(row, column).data().toString();
                QVERIFY2(text != QLatin1String("one") && text != QLatin1String("abc"),
                         qPrintable(text));
            }
        QVERIFY(drift->table()->model()->rowCount() < model->rowCount() ||
                model->count(DriftRow::State::Same) == 0);
        screenshot(*pane, QStringLiteral("config-drift.png"));

        QSignalSpy copied(drift, &DriftView::copyFinished);
        DangerConfirmDialog::setNextAnswer(true); // it writes a file you are not looking at
        drift->copyValue(QStringLiteral("ONLY_PROD"), QStringLiteral("1"),
                         QStringLiteral("staging"));
        QVERIFY(copied.wait(15000));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QVERIFY(copied.first().at(1).toBool());
        QVERIFY(readAll(m_stagingEnv).endsWith("ONLY_PROD=1\n"));
        QCOMPARE(lastAudit().action, QStringLiteral("config.copy"));
        QVERIFY(refreshed.wait(20000));
        QVERIFY(driftRow(model, QStringLiteral("ONLY_PROD")));
        QCOMPARE(driftRow(model, QStringLiteral("ONLY_PROD"))->state, DriftRow::State::Same);
    }
};

QTEST_MAIN(TestConfigPane)
#include "tst_configpane.moc"
