// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QWidget;

namespace Opsdeck {

/**
 * Tells the user a long job ended while they looked elsewhere: a tray notification where the
 * desktop has a tray, and the window's urgency hint (taskbar flash) always.
 */
void notifyDesktop(QWidget *window, const QString &message, bool ok);

/** For tests: the messages shown so far. */
QStringList desktopNotificationsShown();

} // namespace Opsdeck
