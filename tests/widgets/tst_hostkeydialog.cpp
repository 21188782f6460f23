// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/dangerconfirmdialog.h"
#include "common/hostkeydialog.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;

namespace {

HostKeyInfo sampleKey()
{
    HostKeyInfo info;
    info.hostName = QStringLiteral("web1");
    info.address = QStringLiteral("[10.0.0.11]:22");
    info.keyType = QStringLiteral("ssh-ed25519");
    info.fingerprint = QStringLiteral("SHA256:NupM/7TpkCTV7QtVkg48XBoL9D/wyzUtbfFUrkUFVpc");
    info.knownHostsFile = QStringLiteral("/home/ops/.ssh/known_hosts");
    return info;
}

QPushButton *button(HostKeyDialog &dialog, const QString &text)
{
    for (QPushButton *b : dialog.findChildren<QPushButton *>())
        if (b->text().remove(QLatin1Char('&')) == text)
            return b;
    return nullptr;
}

} // namespace

class TestHostKeyDialog final : public QObject
{
    Q_OBJECT

private slots:
    void confirmationsShowServerTextAsPlainText()
    {
        // An application_name or a lock comment is whatever a server (or a colleague) wrote.
        const QString hostile = QStringLiteral("<b>ok</b><img src=\"http://evil/x.png\">");
        DangerConfirmDialog dialog(QStringLiteral("Terminate"), hostile, hostile,
                                   QStringLiteral("prod"), true);
        // The changes box is a plain-text editor: no markup is ever interpreted there either.
        auto *changes = dialog.findChild<QPlainTextEdit *>(QStringLiteral("whatWillChange"));
        QVERIFY(changes);
        QCOMPARE(changes->toPlainText(), hostile);
        bool found = false;
        for (QLabel *label : dialog.findChildren<QLabel *>())
            if (label->text() == hostile) {
                found = true;
                QCOMPARE(label->textFormat(), Qt::PlainText);
            }
        QVERIFY(found);
    }

    void showsTheFingerprintAndDefaultsToNo()
    {
        HostKeyDialog dialog(sampleKey());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *fingerprint = dialog.findChild<QLabel *>(QStringLiteral("fingerprint"));
        QVERIFY(fingerprint->text().contains(sampleKey().fingerprint));
        QVERIFY(button(dialog, QStringLiteral("Cancel"))->isDefault());
        if (const QByteArray dir = qgetenv("OPSDECK_SCREENSHOT_DIR"); !dir.isEmpty())
            dialog.grab().save(QString::fromUtf8(dir) + QStringLiteral("/host-key-dialog.png"));
    }

    void saysWhyAHostCertificateWasNotAccepted()
    {
        HostKeyDialog plain(sampleKey());
        QVERIFY(!plain.findChild<QLabel *>(QStringLiteral("certificateProblem")));
        HostKeyInfo info = sampleKey();
        info.certificateProblem = QStringLiteral("certificate is not valid for the name <b>x</b>");
        HostKeyDialog dialog(info);
        auto *why = dialog.findChild<QLabel *>(QStringLiteral("certificateProblem"));
        QVERIFY(why);
        QVERIFY(why->text().endsWith(info.certificateProblem));
        QCOMPARE(why->textFormat(), Qt::PlainText);
    }

    void decidesExactlyOnce_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<int>("expected");
        QTest::newRow("remember") << QStringLiteral("Trust and remember")
                                  << int(HostKeyDecision::TrustAlways);
        QTest::newRow("once") << QStringLiteral("Trust once") << int(HostKeyDecision::TrustOnce);
        QTest::newRow("cancel") << QStringLiteral("Cancel") << int(HostKeyDecision::Reject);
        QTest::newRow("escape") << QString() << int(HostKeyDecision::Reject);
    }

    void decidesExactlyOnce()
    {
        QFETCH(QString, action);
        QFETCH(int, expected);
        HostKeyDialog dialog(sampleKey());
        QSignalSpy decided(&dialog, &HostKeyDialog::decided);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        if (action.isEmpty())
            QTest::keyClick(&dialog, Qt::Key_Escape);
        else
            button(dialog, action)->click();
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(decided.size(), 1);
        QCOMPARE(decided.first().first().value<HostKeyDecision>(), HostKeyDecision(expected));
    }
};

QTEST_MAIN(TestHostKeyDialog)
#include "tst_hostkeydialog.moc"
