// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace/workspace.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Opsdeck {

class DeployRunner;
class HostFanOut;
class SshPool;

/**
 * Deploy…: pick a ref (the repo's branches and tags, listed from a host with `git ls-remote`,
 * or any commit id), look at the plan — the exact scripts per phase and host, from a dry run
 * that changes nothing — and go. Confirmation (typed name in protected environments) follows.
 */
class DeployDialog final : public QDialog
{
    Q_OBJECT

public:
    DeployDialog(SshPool *pool, const EnvironmentSpec &environment, QWidget *parent = nullptr);
    ~DeployDialog() override;

    /** The chosen ref: a listed one by its full name (refs/tags/v2), else as typed. */
    QString ref() const;
    void setRef(const QString &ref);
    /**
     * The commit the person was shown for that ref (the plan's, else the list's), which the
     * deploy is pinned to; empty for a typed ref with no plan.
     */
    QString shownRevision() const;
    /** Lists refs from the lock host (asynchronous; refsLoaded follows). */
    void loadRefs();
    /** Dry run for the chosen ref (asynchronous; planShown follows). */
    void showPlan();

    QComboBox *refBox() const { return m_ref; }
    QPlainTextEdit *planView() const { return m_plan; }
    QPushButton *deployButton() const { return m_deploy; }
    QLabel *statusLabel() const { return m_status; }

signals:
    void refsLoaded();
    void planShown(bool ok);

private:
    void updateButtons();

    SshPool *m_pool;
    EnvironmentSpec m_environment;
    QComboBox *m_ref;
    QLabel *m_status;
    QPlainTextEdit *m_plan;
    QPushButton *m_planButton;
    QPushButton *m_deploy;
    QPointer<HostFanOut> m_refQuery;
    QPointer<DeployRunner> m_planner;
    QString m_plannedRevision; // for the ref in the box; cleared when it changes
};

} // namespace Opsdeck
