// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobsdock.h"

#include "common/formatting.h"
#include "jobs/jobregistry.h"
#include "jobsview.h"

#include <QAction>
#include <QToolButton>

namespace Opsdeck {

JobsDock::JobsDock(JobRegistry *registry, QWidget *parent)
    : QDockWidget(tr("Jobs"), parent)
    , m_registry(registry)
    , m_statusButton(new QToolButton(parent))
{
    setObjectName(QStringLiteral("jobsDock")); // its place and visibility are remembered
    setAllowedAreas(Qt::BottomDockWidgetArea | Qt::RightDockWidgetArea);
    toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    toggleViewAction()->setText(tr("&Jobs"));
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            view();
    });

    m_statusButton->setObjectName(QStringLiteral("jobsStatus"));
    m_statusButton->setAutoRaise(true);
    m_statusButton->setToolTip(tr("Commands this window ran, live (Ctrl+J)"));
    m_statusButton->hide(); // until a job runs
    connect(m_statusButton, &QToolButton::clicked, this, [this] {
        show();
        raise();
        view()->selectNewest();
    });
    connect(registry, &JobRegistry::runningCountChanged, this, &JobsDock::updateStatusButton);
}

JobsView *JobsDock::view()
{
    if (!m_view) {
        m_view = new JobsView(m_registry, this);
        setWidget(m_view);
        m_view->selectNewest();
    }
    return m_view;
}

void JobsDock::updateStatusButton(int running)
{
    m_statusButton->setText(running > 0 ? countOf(running, tr("job running"), tr("jobs running"))
                                        : tr("Jobs"));
    m_statusButton->show();
}

} // namespace Opsdeck
