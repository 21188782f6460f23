// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>

class QAction;
class QHBoxLayout;
class QLabel;
class QToolButton;

namespace Opsdeck {

/**
 * A one-line (or wrapped) message above a pane's content, coloured by level from the palette
 * (KeePassXC's MessageWidget, after KDE's KMessageWidget): the one way a pane tells the user
 * that something failed, is empty, or needs a look. Hidden until a message is shown; the user
 * can close it.
 */
class MessageBanner final : public QFrame
{
    Q_OBJECT

public:
    enum class Level { Information, Positive, Warning, Error };
    Q_ENUM(Level)

    explicit MessageBanner(QWidget *parent = nullptr);

    /** Plain text unless told otherwise: messages often carry a server's words. */
    void showMessage(Level level, const QString &text, Qt::TextFormat format = Qt::PlainText);
    void dismiss();
    /** A button for `action` beside the text ("Break lock…", "Retry"), before the close button. */
    void addButton(QAction *action);
    /** For a banner that shows a state rather than news (a lock held): it goes when the state does.
     */
    void setClosable(bool closable);
    Level level() const { return m_level; }
    QString text() const;

signals:
    void linkActivated(const QString &link);

private:
    QHBoxLayout *m_layout;
    QLabel *m_text;
    QToolButton *m_close;
    Level m_level = Level::Information;
};

} // namespace Opsdeck
