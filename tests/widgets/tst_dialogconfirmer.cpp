// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI face of the rule table: for every action kind, the dialog is asked exactly when the
// table says so, with the typed name (and a required comment) on protected environments — the
// same levels tst_actionpipeline checks for the command line.
#include "actions/actionpipeline.h"
#include "common/dangerconfirmdialog.h"
#include "common/dialogconfirmer.h"

#include <QApplication>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class TestDialogConfirmer final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void everyKindAsksAsTheTableSays_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("isProtected");
        for (const ActionRule &rule : actionRules()) {
            QTest::newRow(qPrintable(rule.auditName + QStringLiteral(" staging")))
                << int(rule.kind) << false;
            QTest::newRow(qPrintable(rule.auditName + QStringLiteral(" production")))
                << int(rule.kind) << true;
        }
    }

    void everyKindAsksAsTheTableSays()
    {
        QFETCH(int, kind);
        QFETCH(bool, isProtected);
        QWidget parent;
        ActionPipeline pipeline(
            std::make_shared<AuditLog>(m_dir.filePath(QStringLiteral("audit.sqlite"))),
            std::make_shared<DialogConfirmer>(&parent));
        ActionRequest request;
        request.kind = ActionKind(kind);
        request.environment = isProtected ? u"production"_qs : u"staging"_qs;
        request.isProtected = isProtected;
        DangerConfirmDialog::setNextAnswer(true);
        const int asked = DangerConfirmDialog::questionsAsked();
        bool ran = false;
        pipeline.submit(request, [&](const ActionRequest &, ActionPipeline::Finish finish) {
            ran = true;
            finish(QString());
        });
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        QVERIFY(ran);
        const bool shouldAsk = confirmLevelFor(request) != ConfirmLevel::None;
        QCOMPARE(DangerConfirmDialog::questionsAsked() - asked, shouldAsk ? 1 : 0);
        QCOMPARE(shouldAsk, isProtected || ruleFor(request.kind).confirmUnprotected);
        if (shouldAsk) {
            QCOMPARE(DangerConfirmDialog::lastQuestion().isProtected,
                     isProtected || ruleFor(request.kind).typedEverywhere);
            QCOMPARE(DangerConfirmDialog::lastQuestion().environment, request.environment);
        }
    }

    void theProtectedDialogWantsTheNameAndAReason()
    {
        QWidget parent;
        DialogConfirmer confirmer(&parent);
        ActionRequest request;
        request.kind = ActionKind::Deploy;
        request.environment = QStringLiteral("production");
        request.isProtected = true;
        std::optional<std::optional<QString>> answer;
        confirmer.confirm(request, ConfirmLevel::TypedNameAndComment,
                          [&](std::optional<QString> comment) { answer = comment; });
        auto *dialog = parent.findChild<DangerConfirmDialog *>();
        QVERIFY(dialog);
        auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"));
        dialog->findChild<QLineEdit *>(QStringLiteral("typedEnvironment"))
            ->setText(QStringLiteral("production"));
        QVERIFY(!confirm->isEnabled());
        dialog->findChild<QLineEdit *>(QStringLiteral("comment"))->setText(u"release 42"_qs);
        QVERIFY(confirm->isEnabled());
        confirm->click();
        QTRY_VERIFY(answer.has_value());
        QCOMPARE(answer->value_or(QString()), QStringLiteral("release 42"));
    }

    void theKeyboardConfirmsOnlyOnceTheNameIsTyped()
    {
        QWidget parent;
        auto *dialog =
            new DangerConfirmDialog(QStringLiteral("Terminate session"), QStringLiteral("pid 8452"),
                                    QStringLiteral("select * from reports where … for update"),
                                    QStringLiteral("production"), true, &parent);
        dialog->setAttribute(Qt::WA_DeleteOnClose, false);
        QSignalSpy finished(dialog, &QDialog::finished);
        dialog->show();
        QVERIFY(QTest::qWaitForWindowActive(dialog));
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("typedEnvironment"));
        auto *comment = dialog->findChild<QLineEdit *>(QStringLiteral("comment"));
        QCOMPARE(QApplication::focusWidget(), name); // the cursor starts in the name
        // What will change is shown, as plain text the keyboard passes over.
        auto *changes = dialog->findChild<QPlainTextEdit *>(QStringLiteral("whatWillChange"));
        QVERIFY(changes && changes->isVisible());
        QCOMPARE(changes->toPlainText(),
                 QStringLiteral("select * from reports where … for update"));
        // Enter before the name: nothing happens (it used to cancel).
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(finished.count(), 0);
        QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("productio"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(finished.count(), 0);
        QCOMPARE(QApplication::focusWidget(), name);
        QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("n"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return); // on to the reason
        QCOMPARE(finished.count(), 0);
        QCOMPARE(QApplication::focusWidget(), comment);
        QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("runaway report"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(dialog->result(), int(QDialog::Accepted));
        QCOMPARE(dialog->comment(), QStringLiteral("runaway report"));
        // The buttons say what they do.
        QCOMPARE(dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->text(),
                 QStringLiteral("Terminate session"));
        QCOMPARE(dialog->findChild<QPushButton *>(QStringLiteral("keepButton"))->text(),
                 QStringLiteral("Keep it"));
    }

    void anUnprotectedDialogKeepsThingsOnAStrayEnter()
    {
        QWidget parent;
        DangerConfirmDialog dialog(QStringLiteral("Terminate session"), QStringLiteral("pid 1"), {},
                                   QStringLiteral("staging"), false, &parent);
        QVERIFY(!dialog.findChild<QPlainTextEdit *>(QStringLiteral("whatWillChange")));
        QSignalSpy finished(&dialog, &QDialog::finished);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }
};

QTEST_MAIN(TestDialogConfirmer)
#include "tst_dialogconfirmer.moc"
