// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QTimer>

namespace Opsdeck {

/**
 * Copies a secret to the clipboard and clears it after a while (30 s by default), unless the
 * user has copied something else since — KeePassXC's Clipboard. The copy is marked for clipboard
 * managers as a password so they do not keep a history of it.
 */
class SecureClipboard final : public QObject
{
    Q_OBJECT

public:
    static SecureClipboard *instance();

    void copy(const QString &secret);
    void setTimeout(int milliseconds) { m_timer.setInterval(milliseconds); }
    int timeout() const { return m_timer.interval(); }
    bool isPending() const { return m_timer.isActive(); }

signals:
    void cleared();

private:
    SecureClipboard();
    void clearIfStillOurs();

    QTimer m_timer;
    QString m_copied;
};

} // namespace Opsdeck
