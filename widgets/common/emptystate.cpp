// SPDX-License-Identifier: GPL-3.0-or-later
#include "emptystate.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QEvent>

namespace Opsdeck {

EmptyState::EmptyState(QAbstractItemView *view, std::function<QString()> sentence)
    : QLabel(view->viewport())
    , m_view(view)
    , m_sentence(std::move(sentence))
{
    setObjectName(QStringLiteral("emptyState"));
    setTextFormat(Qt::PlainText); // it may quote a filter or a server's name
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    setAttribute(Qt::WA_TransparentForMouseEvents); // the view's context menu still works
    QPalette quiet = palette();
    quiet.setColor(QPalette::WindowText, quiet.color(QPalette::PlaceholderText));
    setPalette(quiet);
    view->viewport()->installEventFilter(this);
}

EmptyState *EmptyState::attach(QAbstractItemView *view, std::function<QString()> sentence)
{
    auto *state = new EmptyState(view, std::move(sentence));
    QAbstractItemModel *model = view->model();
    connect(model, &QAbstractItemModel::modelReset, state, &EmptyState::update);
    connect(model, &QAbstractItemModel::layoutChanged, state, &EmptyState::update);
    connect(model, &QAbstractItemModel::rowsInserted, state, &EmptyState::update);
    connect(model, &QAbstractItemModel::rowsRemoved, state, &EmptyState::update);
    state->update();
    return state;
}

void EmptyState::update()
{
    const bool empty = m_view->model() && m_view->model()->rowCount() == 0;
    if (empty) {
        setText(m_sentence());
        setGeometry(m_view->viewport()->rect().adjusted(12, 12, -12, -12));
    }
    setVisible(empty && !text().isEmpty());
}

bool EmptyState::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        setGeometry(m_view->viewport()->rect().adjusted(12, 12, -12, -12));
    return QLabel::eventFilter(watched, event);
}

} // namespace Opsdeck
