// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDockWidget>

class QToolButton;

namespace Opsdeck {

class JobRegistry;
class JobsView;

/**
 * The Jobs view docked at the bottom of the window (View ▸ Jobs, Ctrl+J), and a status-bar
 * button that says how many jobs are running and opens it. Its contents are made the first time
 * it is shown: most sessions never open it, and the first paint should not pay for it.
 */
class JobsDock final : public QDockWidget
{
    Q_OBJECT

public:
    JobsDock(JobRegistry *registry, QWidget *parent = nullptr);

    /** "2 jobs running" while any is; "Jobs" otherwise, once one has run. */
    QToolButton *statusButton() const { return m_statusButton; }
    /** The view, made if needed. */
    JobsView *view();

private:
    void updateStatusButton(int running);

    JobRegistry *m_registry;
    JobsView *m_view = nullptr;
    QToolButton *m_statusButton;
};

} // namespace Opsdeck
