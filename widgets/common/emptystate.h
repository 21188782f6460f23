// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLabel>

#include <functional>

class QAbstractItemView;

namespace Opsdeck {

/**
 * The sentence a view shows instead of a blank grid when it has no rows: "No flag matches
 * “beta”", "Nothing is running in minitwit_prod". Sits over the view's viewport and follows its
 * model (resets, inserts, removals, filter changes); `sentence` is asked each time, so it can
 * name the filter or say what is still loading.
 */
class EmptyState final : public QLabel
{
    Q_OBJECT

public:
    static EmptyState *attach(QAbstractItemView *view, std::function<QString()> sentence);

    /** Shows or hides itself for the view's current row count. */
    void update();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    EmptyState(QAbstractItemView *view, std::function<QString()> sentence);

    QAbstractItemView *m_view;
    std::function<QString()> m_sentence;
};

} // namespace Opsdeck
