// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/futures.h"
#include "deploy/deploysummary.h"
#include "deploy/gitrefs.h"
#include "workspace/workspace.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace Opsdeck {

class DatabaseSession;
class DeployRunner;
class SshPool;

/**
 * Deploy…: pick a ref (the repo's tags, newest version first, and branches, listed from a host
 * with `git ls-remote`, or any commit id; what runs now is marked and nothing is preselected),
 * read the plan's summary — "v1 → v2: 3 commits, 1 migration (…); web1 then web2; health check
 * …" with the commits (git on the lock host) and the migrations the database has not applied —
 * and, folded under "Show commands", the exact scripts of a dry run that changes nothing. Then
 * go; confirmation (typed name in protected environments) follows.
 */
class DeployDialog final : public QDialog
{
    Q_OBJECT

public:
    /** `database` (the environment's monitoring session, may be null) lists applied migrations. */
    DeployDialog(SshPool *pool, const EnvironmentSpec &environment,
                 DatabaseSession *database = nullptr, QWidget *parent = nullptr);
    ~DeployDialog() override;

    /** The chosen ref: a listed one by its full name (refs/tags/v2), else as typed. */
    QString ref() const;
    void setRef(const QString &ref);
    /** What runs now (the lock host's current release): marked in the list, the summary's "from".
     */
    void setDeployed(const QString &ref, const QString &revision);
    /**
     * The commit the person was shown for that ref (the plan's, else the list's), which the
     * deploy is pinned to; empty for a typed ref with no plan.
     */
    QString shownRevision() const;
    /** Lists refs from the lock host (asynchronous; refsLoaded follows). */
    void loadRefs();
    void showRefs(const Result<GitRefs> &listed);
    /** Dry run for the chosen ref (asynchronous; planShown follows). */
    void showPlan();

    QComboBox *refBox() const { return m_ref; }
    QPlainTextEdit *planView() const { return m_plan; }
    QPushButton *deployButton() const { return m_deploy; }
    QPushButton *planButton() const { return m_planButton; }
    /** The plan in one line, then the commits and pending migrations. */
    QString summaryText() const;
    QToolButton *showCommandsButton() const { return m_showCommands; }
    QLabel *statusLabel() const { return m_status; }

signals:
    void refsLoaded();
    void planShown(bool ok);
    /** The summary is complete (commits and migrations read, or why not said). */
    void summaryShown();

private:
    void updateButtons();
    void readChanges(const QString &toRef, const QString &revision);
    void showSummary(const QString &headline, const QStringList &details);

    SshPool *m_pool;
    EnvironmentSpec m_environment;
    QComboBox *m_ref;
    QLabel *m_status;
    DatabaseSession *m_database;
    QLabel *m_headline;
    QLabel *m_details;
    QToolButton *m_showCommands;
    QPlainTextEdit *m_plan;
    QPushButton *m_planButton;
    QPushButton *m_deploy;
    QPointer<GitRefsJob> m_refsJob; // the newest listing; an older one is cancelled
    QPointer<DeployRunner> m_planner;
    QString m_plannedRevision; // for the ref in the box; cleared when it changes
    QString m_deployedRef, m_deployedRevision;
    LatestRequest m_summary{this}; // what the chosen ref brings; an older ref's answer is dropped
};

} // namespace Opsdeck
