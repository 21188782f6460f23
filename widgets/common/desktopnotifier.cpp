// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktopnotifier.h"

#include <QApplication>
#include <QStringList>
#include <QSystemTrayIcon>

namespace Opsdeck {

namespace {

QStringList &shown()
{
    static QStringList messages;
    return messages;
}

} // namespace

void notifyDesktop(QWidget *window, const QString &message, bool ok)
{
    shown() << message;
    if (window)
        QApplication::alert(window);
    if (!QSystemTrayIcon::isSystemTrayAvailable() || !QSystemTrayIcon::supportsMessages())
        return;
    static QSystemTrayIcon *tray = [] {
        auto *icon = new QSystemTrayIcon(QApplication::windowIcon(), qApp);
        icon->setToolTip(QStringLiteral("Opsdeck"));
        return icon;
    }();
    tray->show();
    tray->showMessage(QStringLiteral("Opsdeck"), message,
                      ok ? QSystemTrayIcon::Information : QSystemTrayIcon::Critical, 10000);
}

QStringList desktopNotificationsShown()
{
    return shown();
}

} // namespace Opsdeck
