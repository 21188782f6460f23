// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAction>
#include <QList>
#include <QSettings>
#include <QWidget>

#include <type_traits>

namespace Opsdeck {

class EnvironmentContext;
class MessageBanner;

/**
 * What the main window hosts (Tiled's Editor interface): one environment's view of one concern.
 * The window knows nothing about a pane beyond this: it installs paneActions() in its Pane menu
 * and toolbar, calls refresh() for F5, and waits for hasLoaded() before a screenshot.
 *
 * Every pane has one state and one banner (KeePassXC's MessageWidget): Loading until the first
 * answer, then Ready, Empty (nothing to show, the banner says how to get something) or Error
 * (the banner says what failed). Panes call setState(); they never build banners of their own.
 */
class Pane : public QWidget
{
    Q_OBJECT

public:
    enum class State { Loading, Ready, Empty, Error };
    Q_ENUM(State)

    explicit Pane(EnvironmentContext &context, QWidget *parent = nullptr);

    /** Stable id used on the command line (--pane) and in settings: "overview", "dbhealth", ... */
    virtual QString paneId() const = 0;
    virtual QString title() const = 0;
    /** The pane's own actions; the window puts them in its Pane menu. */
    QList<QAction *> paneActions() const { return m_paneActions; }
    /** Reads everything again (F5). Answers arrive later; the pane stays responsive. */
    virtual void refresh() = 0;
    /** Files with edits not saved yet ("config/staging.env"), so closing can ask first. */
    virtual QStringList unsavedChanges() const { return {}; }
    /** Shows one thing the pane was opened for (openPaneRequested's `item`): the database
     * pane takes a statement to plan. Panes without items ignore it. */
    virtual void openItem(const QString &) {}
    virtual void saveState(QSettings &) const {}
    virtual void restoreState(QSettings &) {}

    EnvironmentContext &context() const { return m_context; }
    State state() const { return m_state; }
    /** True once the first answer has arrived (or failed): screenshots wait for this. */
    bool hasLoaded() const { return m_state != State::Loading; }
    /** Loaded and nothing the person asked for still on its way (screenshots wait for it). */
    virtual bool isSettled() const { return hasLoaded(); }
    /** The pane's one banner: placed by the pane at the top of its layout. */
    MessageBanner *banner() const { return m_banner; }

signals:
    void loaded();
    void stateChanged(Opsdeck::Pane::State state);
    void statusMessage(const QString &message);
    /** unsavedChanges() may have changed: the window's title and sidebar mark it with `*`. */
    void unsavedChangesChanged();
    /** The user asked for another pane of the same environment (a status line's button). */
    void openPaneRequested(const QString &paneId, const QString &item = QString());

protected:
    /**
     * Error and Empty show `message` in the banner (plain text: it may come from a server);
     * Ready hides a banner that showed an Error or Empty message. The first state after
     * Loading emits loaded().
     */
    void setState(State state, const QString &message = {});
    /** What paneActions() lists, in the Pane menu's order. */
    void setPaneActions(const QList<QAction *> &actions) { m_paneActions = actions; }
    /** A new action of this pane calling `slot`. Its shortcut works while the focus is in this
     * pane, so two panes' Ctrl+D never collide. */
    template<typename Slot>
    QAction *addShortcutAction(const QString &text, const QKeySequence &shortcut, Slot slot)
    {
        QAction *action = addShortcutAction(text, shortcut);
        if constexpr (std::is_member_function_pointer_v<Slot>) // a slot of the derived pane
            connect(action, &QAction::triggered,
                    static_cast<typename MemberOwner<Slot>::Type *>(this), slot);
        else
            connect(action, &QAction::triggered, this, slot);
        return action;
    }
    QAction *addShortcutAction(const QString &text, const QKeySequence &shortcut);

private:
    template<typename>
    struct MemberOwner;
    template<typename Class, typename... Arguments>
    struct MemberOwner<void (Class::*)(Arguments...)>
    {
        using Type = Class;
    };

    EnvironmentContext &m_context;
    MessageBanner *m_banner;
    State m_state = State::Loading;
    QList<QAction *> m_paneActions;
    bool m_bannerShowsState = false;
};

} // namespace Opsdeck
