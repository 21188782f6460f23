// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"
#include "workspace/diagnostic.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QMainWindow>
#include <QTimer>

#include <memory>

class QLabel;
class QStackedWidget;
class QStandardItemModel;
class QTreeView;

namespace Opsdeck {

class AlertsWatcher;
class DiagnosticsView;
class JobsDock;
class Pane;
class WorkspaceContext;

/**
 * The thin host (docs/ARCHITECTURE.md, "Layers"): a sidebar of environments × panes, a stack of
 * panes, the Jobs dock, a status bar and the menus. Panes are created on first selection and own
 * everything they show.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void openWorkspace(const QString &path);
    /** Shows a pane; false if the environment or pane does not exist. */
    bool selectPane(const QString &environment, const QString &paneId);
    Pane *currentPane() const;
    QString workspacePath() const { return m_path; }
    bool workspaceHasErrors() const { return !m_context && !m_path.isEmpty(); }
    /**
     * The first size on a screen with `available` room: 1280×800, or 80 % of the screen when that
     * is larger, never more than the screen (remembered after that).
     */
    static QSize defaultSize(const QSize &available);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void buildMenus();
    /** Refresh (F5), Ctrl+1…7 for the panes, Ctrl+PgUp/PgDn for the environments. */
    void buildViewMenu();
    /** Puts the current pane's own actions in the Pane menu (titled after the pane). */
    void showPaneActions(Pane *pane);
    QString currentEnvironment() const;
    void stepEnvironment(int step);
    void reload();
    void load();
    /** True when there is nothing unsaved, or the user agreed to drop it. */
    bool mayDropUnsavedEdits(const QString &why);
    void closeWorkspace();
    void showDiagnostics(const Diagnostics &diagnostics);
    void populateSidebar();
    void onSidebarSelection();
    /** Marks panes with unsaved edits in the sidebar and the window title (`*`). */
    void markUnsaved();
    /** The environment's firing alerts on its sidebar row and its Alerts row (a coloured dot,
     * the count, the summary as tooltip). */
    void showAlertsBadge(const QString &environment, int firing, AlertSeverity worst,
                         const QString &summary);
    void chooseWorkspace();
    void rememberRecent(const QString &path);
    void rebuildRecentMenu();
    /** The page shown while no workspace is open, made the first time it is needed. */
    void showWelcome();

    QString m_path;
    std::unique_ptr<WorkspaceContext> m_context;
    std::unique_ptr<AlertsWatcher> m_alertsWatcher; // borrows m_context's clients
    QHash<QString, Pane *> m_panes;                 // "env/paneId"
    QTreeView *m_sidebar;
    QStandardItemModel *m_sidebarModel;
    QStackedWidget *m_stack;
    QWidget *m_welcome = nullptr;
    DiagnosticsView *m_diagnostics;
    JobsDock *m_jobsDock = nullptr;
    QLabel *m_workspaceLabel;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_paneMenu = nullptr;
    QAction *m_refreshAction = nullptr;
    QList<QAction *> m_goActions;
    QFileSystemWatcher m_watcher;
    QTimer m_reloadTimer;
};

} // namespace Opsdeck
