// SPDX-License-Identifier: GPL-3.0-or-later
#include "secureclipboard.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QMimeData>

namespace Opsdeck {

SecureClipboard *SecureClipboard::instance()
{
    static auto *clipboard = new SecureClipboard; // lives as long as the application
    return clipboard;
}

SecureClipboard::SecureClipboard()
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(30'000);
    connect(&m_timer, &QTimer::timeout, this, &SecureClipboard::clearIfStillOurs);
    connect(qApp, &QCoreApplication::aboutToQuit, this, &SecureClipboard::clearIfStillOurs);
}

void SecureClipboard::copy(const QString &secret)
{
    auto *mime = new QMimeData;
    mime->setText(secret);
    // KDE Klipper and other managers skip entries with this hint (KeePassXC sets it too).
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), "secret");
    QGuiApplication::clipboard()->setMimeData(mime, QClipboard::Clipboard);
    m_copied = secret;
    m_timer.start();
}

void SecureClipboard::clearIfStillOurs()
{
    m_timer.stop();
    if (m_copied.isEmpty())
        return;
    QClipboard *clipboard = QGuiApplication::clipboard();
    if (clipboard->text(QClipboard::Clipboard) == m_copied)
        clipboard->clear(QClipboard::Clipboard);
    m_copied.fill(QLatin1Char('\0'));
    m_copied.clear();
    emit cleared();
}

} // namespace Opsdeck
