// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostkeydialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

HostKeyDialog::HostKeyDialog(const HostKeyInfo &info, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(QStringLiteral("Unknown host key — %1").arg(info.hostName));
    setMinimumWidth(560);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        QStringLiteral("<b>Opsdeck has never connected to %1 (%2) before.</b><br>"
                       "Compare this fingerprint with the one your server shows "
                       "(<tt>ssh-keygen -lf /etc/ssh/ssh_host_%3_key.pub</tt>) before trusting it.")
            .arg(info.hostName.toHtmlEscaped(), info.address.toHtmlEscaped(),
                 info.keyType.section(QLatin1Char('-'), 1, 1)),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *fingerprint =
        new QLabel(QStringLiteral("%1\n%2").arg(info.keyType, info.fingerprint), this);
    fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fingerprint->setObjectName(QStringLiteral("fingerprint"));
    layout->addWidget(fingerprint);
    if (!info.certificateProblem.isEmpty()) {
        // A @cert-authority line covers this host, yet its certificate did not pass: say why,
        // since trusting the plain key by hand is then the unusual choice.
        auto *certificate = new QLabel(
            QStringLiteral("A certificate authority is listed for this host, but the host's "
                           "certificate was not accepted: %1")
                .arg(info.certificateProblem),
            this);
        certificate->setTextFormat(Qt::PlainText); // the reason may quote the server
        certificate->setWordWrap(true);
        certificate->setObjectName(QStringLiteral("certificateProblem"));
        layout->addWidget(certificate);
    }
    auto *where = new QLabel(
        QStringLiteral("“Trust and remember” adds it to %1.").arg(info.knownHostsFile), this);
    where->setWordWrap(true);
    layout->addWidget(where);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *always =
        buttons->addButton(QStringLiteral("Trust and remember"), QDialogButtonBox::AcceptRole);
    QPushButton *once =
        buttons->addButton(QStringLiteral("Trust once"), QDialogButtonBox::AcceptRole);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(buttons);
    // Enter must not trust a key. QDialogButtonBox makes the first accept button the default
    // when it is shown unless the accept buttons opt out.
    always->setAutoDefault(false);
    once->setAutoDefault(false);
    cancel->setDefault(true);
    cancel->setFocus();

    // Exactly one decision, whichever way the dialog closes (Esc and the title bar reject).
    auto decide = [this](HostKeyDecision d) {
        if (m_decided)
            return;
        m_decided = true;
        emit decided(d);
        d == HostKeyDecision::Reject ? reject() : accept();
    };
    connect(always, &QPushButton::clicked, this,
            [decide] { decide(HostKeyDecision::TrustAlways); });
    connect(once, &QPushButton::clicked, this, [decide] { decide(HostKeyDecision::TrustOnce); });
    connect(cancel, &QPushButton::clicked, this, [decide] { decide(HostKeyDecision::Reject); });
    connect(this, &QDialog::rejected, this, [decide] { decide(HostKeyDecision::Reject); });
}

} // namespace Opsdeck
