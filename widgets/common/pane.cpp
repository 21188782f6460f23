// SPDX-License-Identifier: GPL-3.0-or-later
#include "pane.h"

#include "messagebanner.h"

namespace Opsdeck {

Pane::Pane(EnvironmentContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_banner(new MessageBanner(this))
{}

void Pane::setState(State state, const QString &message)
{
    const bool firstAnswer = m_state == State::Loading && state != State::Loading;
    const bool changed = m_state != state;
    m_state = state;
    if (state == State::Error || state == State::Empty) {
        m_banner->showMessage(state == State::Error ? MessageBanner::Level::Error
                                                    : MessageBanner::Level::Information,
                              message);
        m_bannerShowsState = true;
    } else if (m_bannerShowsState) {
        m_banner->dismiss();
        m_bannerShowsState = false;
    }
    if (changed)
        emit stateChanged(state);
    if (firstAnswer)
        emit loaded();
}

QAction *Pane::addShortcutAction(const QString &text, const QKeySequence &shortcut)
{
    auto *action = new QAction(text, this);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    return action;
}

} // namespace Opsdeck
