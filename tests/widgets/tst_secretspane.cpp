// SPDX-License-Identifier: GPL-3.0-or-later
// The Secrets pane offscreen, on files written by the real sops: masked until revealed, an edit
// saved as a sops file with only that value's ciphertext changed, masked again after reload, the
// clipboard cleared, confirmation and audit in a protected environment, a file changed on disk
// never overwritten, and drift between two environments.
#include "audit/auditlog.h"
#include "common/dangerconfirmdialog.h"
#include "common/messagebanner.h"
#include "common/secureclipboard.h"
#include "secrets/comparesecretsdialog.h"
#include "secrets/identities.h"
#include "secrets/secretsmetadatapanel.h"
#include "secrets/secretspane.h"
#include "secretsmodel.h"
#include "testpane.h"

#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "sopsenvelopes.h"
#include <QTreeView>
#include <QTreeWidget>

using namespace Opsdeck;

namespace {

QString fixture(const QString &name)
{
    return qEnvironmentVariable("OPSDECK_TEST_DATA") + QStringLiteral("/fixtures/") + name;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/** Saves and waits for the worker; true when the file was written. */
bool saveAndWait(SecretsPane &pane)
{
    QSignalSpy finished(&pane, &SecretsPane::saveFinished);
    pane.save();
    if (finished.isEmpty() && !finished.wait(20000))
        return false;
    return finished.first().at(1).toBool();
}

QString shown(SecretsPane &pane, const QString &path)
{
    return pane.model()->indexOfPath(path, SecretsModel::ValueColumn).data().toString();
}

} // namespace

class TestSecretsPane final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Workspace m_workspace;
    QString m_staging, m_production;
    std::shared_ptr<AuditLog> m_audit;

    TestPane<SecretsPane> openPane(const QString &environment)
    {
        TestPane<SecretsPane> pane(m_workspace, environment, nullptr);
        pane->setAuditLog(m_audit);
        pane->resize(1280, 640);
        pane->show();
        if (!QTest::qWaitFor([&] { return pane->hasLoaded(); }, 10000))
            return {};
        return pane;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOPS_AGE_KEY_FILE", fixture(QStringLiteral("sops-age-humphd/key.txt")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        m_staging = m_dir.filePath(QStringLiteral("staging.enc.yaml"));
        m_production = m_dir.filePath(QStringLiteral("production.enc.yaml"));
        QVERIFY(QFile::copy(fixture(QStringLiteral("sops-age-humphd/secret.enc.yaml")), m_staging));
        QFile::setPermissions(m_staging, QFile::ReadOwner | QFile::WriteOwner);

        // Production: the same keys but one value changed and one key more.
        const auto keys = Sops::loadIdentities();
        auto doc =
            Sops::SopsDocument::open(readAll(m_staging), Sops::Format::Yaml, keys.identities);
        QVERIFY(doc);
        Sops::SopsDocument prod = std::move(doc).value();
        QVERIFY(Sops::setValue(prod.data(), {QStringLiteral("secret")}, "a production secret"));
        QVERIFY(Sops::setValue(prod.data(), {QStringLiteral("sentry_dsn")}, "https://x@sentry"));
        QFile out(m_production);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(*prod.serialize());
        out.close();

        m_workspace.name = QStringLiteral("test");
        m_workspace.directory = m_dir.path();
        EnvironmentSpec staging, production;
        staging.name = QStringLiteral("staging");
        staging.secrets = {m_staging};
        production.name = QStringLiteral("production");
        production.isProtected = true;
        production.secrets = {m_production};
        m_workspace.environments = {staging, production};
        m_audit = std::make_shared<AuditLog>(m_dir.filePath(QStringLiteral("audit.sqlite")));
    }

    void opensMaskedRevealsEditsSavesAndIsMaskedAfterReload()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QCOMPARE(pane->currentFile(), m_staging);
        QVERIFY2(pane->metadataPanel()->macLabel()->text().contains(QLatin1String("verified")),
                 qPrintable(pane->metadataPanel()->macLabel()->text()));
        QCOMPARE(shown(*pane, QStringLiteral("secret")), SecretsModel::mask());
        QCOMPARE(shown(*pane, QStringLiteral("complex.value")), SecretsModel::mask());
        QVERIFY(pane->metadataPanel()->recipients()->topLevelItemCount() >= 1);

        pane->revealAllAction()->trigger();
        QCOMPARE(shown(*pane, QStringLiteral("secret")), QStringLiteral("this is a secret"));
        if (const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty())
            pane->grab().save(dir + QStringLiteral("/secrets-pane-revealed.png"));
        pane->revealAllAction()->trigger();
        QCOMPARE(shown(*pane, QStringLiteral("secret")), SecretsModel::mask());

        const QModelIndex value =
            pane->model()->indexOfPath(QStringLiteral("secret"), SecretsModel::ValueColumn);
        QVERIFY(pane->model()->setData(value, QStringLiteral("a new secret")));
        QVERIFY(pane->isModified(m_staging));
        const QByteArray before = readAll(m_staging);
        QVERIFY(saveAndWait(*pane));
        QVERIFY(!pane->isModified(m_staging));
        const QByteArray after = readAll(m_staging);
        QCOMPARE((sopsEnvelopes(before) - sopsEnvelopes(after)).size(), 2); // the value and the MAC
        QVERIFY(!after.contains("a new secret"));

        pane.reset();
        auto again = openPane(QStringLiteral("staging"));
        QVERIFY(again);
        QCOMPARE(shown(*again, QStringLiteral("secret")), SecretsModel::mask());
        again->model()->setRevealed(again->model()->indexOfPath(QStringLiteral("secret")), true);
        QCOMPARE(shown(*again, QStringLiteral("secret")), QStringLiteral("a new secret"));
        QCOMPARE(shown(*again, QStringLiteral("string")), SecretsModel::mask());
        QVERIFY(again->metadataPanel()->macLabel()->text().contains(QLatin1String("verified")));
        if (const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty())
            again->grab().save(dir + QStringLiteral("/secrets-pane.png"));
    }

    void revealedValuesAreMaskedAgainOnLeavingAndAfterAMinute()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        pane->show();
        QVERIFY(QTest::qWaitForWindowExposed(pane.get()));
        auto *timer = pane->findChild<QTimer *>(QStringLiteral("remaskTimer"));
        QVERIFY(timer);
        pane->revealAllAction()->trigger();
        QVERIFY(shown(*pane, QStringLiteral("string")) != SecretsModel::mask());
        QVERIFY(timer->isActive());
        QCOMPARE(timer->interval(), 60000);
        // Leaving the pane (another pane, another environment) masks everything.
        pane->hide();
        QCOMPARE(shown(*pane, QStringLiteral("string")), SecretsModel::mask());
        QVERIFY(!pane->revealAllAction()->isChecked());
        // Back, revealed again, and left alone: masked when the minute is up.
        pane->show();
        pane->revealAllAction()->trigger();
        QVERIFY(shown(*pane, QStringLiteral("string")) != SecretsModel::mask());
        timer->start(20); // the minute, shortened
        QTRY_COMPARE(shown(*pane, QStringLiteral("string")), SecretsModel::mask());
        QVERIFY(!pane->revealAllAction()->isChecked());
    }

    void aCopiedValueLeavesTheClipboard()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        SecureClipboard::instance()->setTimeout(300);
        pane->tree()->setCurrentIndex(pane->model()->indexOfPath(QStringLiteral("complex.value")));
        pane->copyCurrentValue();
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("this is a secret"));
        QTRY_COMPARE_WITH_TIMEOUT(QGuiApplication::clipboard()->text(), QString(), 3000);
        // Something else copied meanwhile is left alone.
        pane->copyCurrentValue();
        QGuiApplication::clipboard()->setText(QStringLiteral("mine"));
        QTest::qWait(600);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("mine"));
    }

    void aProtectedSaveAsksAndIsAuditedWithoutValues()
    {
        auto pane = openPane(QStringLiteral("production"));
        QVERIFY(pane);
        const QByteArray original = readAll(m_production);
        QVERIFY(pane->model()->setData(
            pane->model()->indexOfPath(QStringLiteral("sentry_dsn"), SecretsModel::ValueColumn),
            QStringLiteral("https://rotated@sentry")));
        DangerConfirmDialog::setNextAnswer(false);
        pane->save(); // refused in the dialog: nothing is attempted
        QTest::qWait(100);
        QCOMPARE(readAll(m_production), original);
        QVERIFY(pane->isModified(m_production));
        DangerConfirmDialog::setNextAnswer(true);
        QVERIFY(saveAndWait(*pane));
        QVERIFY(readAll(m_production) != original);
        const QList<AuditEntry> entries = m_audit->recent(10, QStringLiteral("production"));
        QVERIFY(!entries.isEmpty());
        QCOMPARE(entries.first().action, QStringLiteral("secrets.save"));
        QCOMPARE(entries.first().after, QStringLiteral("sentry_dsn"));
        QVERIFY(!entries.first().after.contains(QLatin1String("rotated")));
    }

    void anotherEnvironmentsFileIsProtectedAsItsOwn()
    {
        // Staging's pane opening production.enc.yaml (as its "other files" list offers): the
        // save asks for "production" typed, and the audit row says production.
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QSignalSpy opened(pane.get(), &SecretsPane::fileOpened);
        pane->openFile(m_production);
        QVERIFY(opened.wait(10000));
        QCOMPARE(pane->currentFile(), m_production);
        QVERIFY(pane->model()->setData(
            pane->model()->indexOfPath(QStringLiteral("sentry_dsn"), SecretsModel::ValueColumn),
            QStringLiteral("https://from-staging@sentry")));
        const QByteArray original = readAll(m_production);
        DangerConfirmDialog::setNextAnswer(false);
        const int asked = DangerConfirmDialog::questionsAsked();
        pane->save();
        QCOMPARE(DangerConfirmDialog::questionsAsked(), asked + 1);
        QCOMPARE(DangerConfirmDialog::lastQuestion().environment, QStringLiteral("production"));
        QVERIFY(DangerConfirmDialog::lastQuestion().isProtected);
        QCOMPARE(readAll(m_production), original);
        DangerConfirmDialog::setNextAnswer(true);
        QVERIFY(saveAndWait(*pane));
        const QList<AuditEntry> entries = m_audit->recent(1, {});
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().environment, QStringLiteral("production"));
        QVERIFY(entries.first().target.contains(QLatin1String("production.enc.yaml")));
        QCOMPARE(ownerOfFile(m_workspace, m_staging).environment, QStringLiteral("staging"));
        // A file no environment lists is as protected as the workspace's strictest environment,
        // confirmed by its own name; one named after an environment is that environment's.
        QVERIFY(
            ownerOfFile(m_workspace, m_dir.filePath(QStringLiteral("misc.enc.yaml"))).isProtected);
        QCOMPARE(ownerOfFile(m_workspace, m_dir.filePath(QStringLiteral("api.production.enc.env")))
                     .environment,
                 QStringLiteral("production"));
    }

    void aFileChangedOnDiskIsNotOverwritten()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QVERIFY(pane->model()->setData(
            pane->model()->indexOfPath(QStringLiteral("string"), SecretsModel::ValueColumn),
            QStringLiteral("mine")));
        QByteArray theirs = readAll(m_staging);
        theirs.append("# changed by git pull\n");
        QFile file(m_staging);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(theirs);
        file.close();
        QVERIFY(!saveAndWait(*pane));
        QCOMPARE(readAll(m_staging), theirs);
        QVERIFY(pane->banner()->text().contains(QLatin1String("changed on disk")));
        QVERIFY(pane->isModified(m_staging));
    }

    void aNewFileFollowsTheSopsYamlRule()
    {
        QString recipient;
        for (const QByteArray &line :
             readAll(fixture(QStringLiteral("sops-age-humphd/key.txt"))).split('\n'))
            if (line.startsWith("# public key: "))
                recipient = QString::fromLatin1(line.mid(14));
        QVERIFY(recipient.startsWith(QLatin1String("age1")));
        QFile rules(m_dir.filePath(QStringLiteral(".sops.yaml")));
        QVERIFY(rules.open(QIODevice::WriteOnly));
        rules.write("creation_rules:\n  - path_regex: \\.enc\\.env$\n    age: " +
                    recipient.toUtf8() + "\n    encrypted_regex: ^API_\n");
        rules.close();
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        const QString path = m_dir.filePath(QStringLiteral("new.enc.env"));
        pane->createFile(path);
        QCOMPARE(pane->currentFile(), path);
        pane->tree()->setCurrentIndex({});
        pane->addKey(QStringLiteral("API_TOKEN"), "t0ken");
        pane->addKey(QStringLiteral("REGION"), "eu-west-1");
        QVERIFY(saveAndWait(*pane));
        const QByteArray written = readAll(path);
        QVERIFY(written.contains("API_TOKEN=ENC[AES256_GCM,"));
        QVERIFY(written.contains("REGION=eu-west-1\n")); // the rule encrypts API_* only
        QVERIFY(written.contains("sops_encrypted_regex=^API_\n"));
        const auto reopened = openSecretsFile(path);
        QVERIFY2(reopened, qPrintable(reopened.errorString()));
        QVERIFY(reopened->document->macVerified());
        QFile::remove(rules.fileName());
    }

    void otherEnvironmentsFilesAreGroupedAndNamed()
    {
        // .sops.yaml matches every file; production's pane lists its own file first, staging's
        // under "Other environments" with its owner, and a file no environment lists apart.
        QFile rules(m_dir.filePath(QStringLiteral(".sops.yaml")));
        const QByteArray saved = readAll(rules.fileName());
        QVERIFY(rules.open(QIODevice::WriteOnly));
        rules.write("creation_rules:\n  - path_regex: \\.enc\\.(yaml|env)$\n    age: age1x\n");
        rules.close();
        auto restore = qScopeGuard([&] {
            QFile back(rules.fileName());
            if (back.open(QIODevice::WriteOnly))
                back.write(saved);
        });
        auto pane = openPane(QStringLiteral("production"));
        QVERIFY(pane);
        auto *files = pane->findChild<QListWidget *>(QStringLiteral("secretsFiles"));
        QVERIFY(files);
        QStringList texts;
        for (int i = 0; i < files->count(); ++i)
            texts << files->item(i)->text();
        const qsizetype other = texts.indexOf(QStringLiteral("Other environments"));
        QVERIFY2(other > 0, qPrintable(texts.join(QLatin1Char('|'))));
        QCOMPARE(texts.value(1), QStringLiteral("production.enc.yaml"));
        QCOMPARE(texts.value(other + 1), QStringLiteral("staging.enc.yaml  (staging)"));
        QVERIFY(!texts.mid(0, other).contains(QStringLiteral("staging.enc.yaml")));
        // Unsaved changes add the editor's star and keep saying whose file it is.
        QSignalSpy opened(pane.get(), &SecretsPane::fileOpened);
        files->setCurrentRow(int(other + 1));
        QVERIFY(opened.wait(10000));
        QCOMPARE(pane->currentFile(), m_staging);
        pane->addKey(QStringLiteral("NEW_KEY"), "value");
        QVERIFY(!pane->unsavedChanges().isEmpty());
        QCOMPARE(files->item(int(other + 1))->text(),
                 QStringLiteral("staging.enc.yaml  (staging) *"));
    }

    void aPassphraseProtectedKeyIsAskedFor()
    {
        const QByteArray keys = qgetenv("SOPS_AGE_KEY_FILE");
        qputenv("SOPS_AGE_KEY_FILE",
                fixture(QStringLiteral("age-passphrase/keys.txt.age")).toUtf8());
        Workspace workspace = m_workspace;
        workspace.environments[0].secrets = {
            fixture(QStringLiteral("age-passphrase/secret.enc.yaml"))};
        TestPane<SecretsPane> testPane(workspace, workspace.environments[0].name, nullptr);
        SecretsPane &pane = *testPane;
        pane.show();
        QInputDialog *ask = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (ask = pane.findChild<QInputDialog *>()); }, 10000));
        QCOMPARE(ask->textEchoMode(), QLineEdit::Password);
        ask->setTextValue(QStringLiteral("correct horse battery staple"));
        QSignalSpy opened(&pane, &SecretsPane::fileOpened);
        ask->accept();
        QVERIFY(opened.wait(20000));
        pane.model()->setRevealAll(true);
        QCOMPARE(shown(pane, QStringLiteral("db.password")),
                 QStringLiteral("unlocked-with-a-passphrase"));
        qputenv("SOPS_AGE_KEY_FILE", keys);
    }

    void secretsDriftBetweenEnvironmentsStaysMasked()
    {
        CompareSecretsDialog dialog(m_workspace, QStringLiteral("staging"));
        QSignalSpy compared(&dialog, &CompareSecretsDialog::compared);
        QVERIFY(compared.wait(10000));
        QMap<QString, Sops::KeyDifference::Kind> kinds;
        for (const Sops::KeyDifference &d : dialog.differences())
            kinds.insert(d.path, d.kind);
        QCOMPARE(kinds.value(QStringLiteral("sentry_dsn")), Sops::KeyDifference::Kind::OnlyRight);
        QCOMPARE(kinds.value(QStringLiteral("secret")), Sops::KeyDifference::Kind::Differs);
        QCOMPARE(kinds.value(QStringLiteral("complex.value")), Sops::KeyDifference::Kind::Same);
        const auto table = dialog.table();
        QVERIFY(table->topLevelItemCount() >= 2);
        for (int row = 0; row < table->topLevelItemCount(); ++row)
            QVERIFY(!table->topLevelItem(row)->text(2).contains(QLatin1String("production")));
        if (const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            dialog.show();
            dialog.grab().save(dir + QStringLiteral("/secrets-compare.png"));
        }
        dialog.showValues()->setChecked(true);
        const auto found = table->findItems(QStringLiteral("secret"), Qt::MatchExactly, 0);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first()->text(2), QStringLiteral("a production secret"));
    }
};

QTEST_MAIN(TestSecretsPane)
#include "tst_secretspane.moc"
