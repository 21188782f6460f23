// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "alertswatcher.h"
#include "statuscolors.h"

#include "common/appstyle.h"
#include "common/diagnosticsview.h"
#include "common/firstpaint.h"
#include "common/formatting.h"
#include "common/pane.h"
#include "jobs/jobregistry.h"
#include "jobs/jobsdock.h"
#include "panecatalog.h"
#include "workspacecontext.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
constexpr int kEnvironmentRole = Qt::UserRole + 1;
constexpr int kPaneRole = Qt::UserRole + 2;
constexpr int kBaseToolTipRole = Qt::UserRole + 3; // the environment's tooltip without alerts
constexpr int kMaxRecent = 10;
const QString kRecentKey = QStringLiteral("recentWorkspaces");
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_sidebar(new QTreeView(this))
    , m_sidebarModel(new QStandardItemModel(this))
    , m_stack(new QStackedWidget(this))
    , m_diagnostics(new DiagnosticsView(this))
    , m_workspaceLabel(new QLabel(this))
{
    AppStyle::install(); // one row height in every pane, whoever made the window
    setWindowTitle(QStringLiteral("Opsdeck"));
    // The icon is an SVG: reading it loads Qt's SVG icon engine (a plugin and Qt Svg), which
    // the first paint need not wait for.
    afterFirstPaint(this, [this] { setWindowIcon(QIcon(QStringLiteral(":/icons/opsdeck.svg"))); });
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setModel(m_sidebarModel);
    m_sidebar->setHeaderHidden(true);
    m_sidebar->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // One height for every row: expanding the tree then measures one row, not each of them.
    m_sidebar->setUniformRowHeights(true);
    m_sidebar->setMinimumWidth(220); // "production  (protected)" with its alerts dot
    connect(m_sidebar->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::onSidebarSelection);

    m_stack->addWidget(m_diagnostics);
    connect(m_diagnostics, &DiagnosticsView::reloadRequested, this, &MainWindow::reload);
    connect(m_diagnostics, &DiagnosticsView::openRequested, this, &MainWindow::chooseWorkspace);

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(m_sidebar);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 1000});
    setCentralWidget(splitter);

    // Every job any pane starts is listed; a window made while another lists them (tests) shares.
    JobRegistry *jobs = JobRegistry::instance() ? JobRegistry::instance() : new JobRegistry(this);
    m_jobsDock = new JobsDock(jobs, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);
    m_jobsDock->hide();
    statusBar()->addPermanentWidget(m_jobsDock->statusButton());
    statusBar()->addPermanentWidget(m_workspaceLabel);

    // Editors often save by replacing the file; wait for the dust to settle, then reload.
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(300);
    connect(&m_reloadTimer, &QTimer::timeout, this, &MainWindow::reload);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] { m_reloadTimer.start(); });

    buildMenus();
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        // A first start: big enough that tables and the sidebar are not cut (Qt's default of
        // the layout's size hint opened at 677×390), centred on the screen.
        const QRect available = screen()->availableGeometry();
        QRect frame(QPoint(), defaultSize(available.size()));
        frame.moveCenter(available.center());
        setGeometry(frame);
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
}

MainWindow::~MainWindow()
{
    closeWorkspace();
}

void MainWindow::showWelcome()
{
    if (m_welcome) {
        m_stack->setCurrentWidget(m_welcome);
        return;
    }
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("welcome"));
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();
    auto *text = new QLabel(
        QStringLiteral("<h1>Opsdeck</h1><p>Open the <tt>opsdeck.yaml</tt> of your infra repo "
                       "to see its environments.</p>"),
        page);
    text->setAlignment(Qt::AlignCenter);
    layout->addWidget(text);
    auto *open = new QPushButton(QStringLiteral("Open workspace…"), page);
    connect(open, &QPushButton::clicked, this, &MainWindow::chooseWorkspace);
    layout->addWidget(open, 0, Qt::AlignHCenter);
    layout->addStretch();
    m_welcome = page;
    m_stack->addWidget(page);
    m_stack->setCurrentWidget(page);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(QStringLiteral("&Open Workspace…"), QKeySequence::Open, this,
                    &MainWindow::chooseWorkspace);
    m_recentMenu = file->addMenu(QStringLiteral("Open &Recent"));
    file->addAction(QStringLiteral("Re&load Workspace"),
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this, &MainWindow::reload);
    file->addSeparator();
    file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    rebuildRecentMenu();
    buildViewMenu();
    m_paneMenu = menuBar()->addMenu(tr("&Pane"));
    m_paneMenu->setEnabled(false);

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&About Opsdeck"), this, [this] {
        QMessageBox::about(
            this, QStringLiteral("About Opsdeck"),
            QStringLiteral(
                "<b>Opsdeck %1</b><p>One native window for a small team's operations.</p>")
                .arg(QStringLiteral(OPSDECK_VERSION)));
    });
}

void MainWindow::buildViewMenu()
{
    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_refreshAction = view->addAction(tr("&Refresh"), QKeySequence::Refresh, this, [this] {
        if (Pane *pane = currentPane())
            pane->refresh();
    });
    m_refreshAction->setEnabled(false);
    view->addSeparator();
    int number = 1;
    for (const PaneKind &kind : paneCatalog()) {
        QAction *go = view->addAction(
            kind.title, this, [this, id = kind.id] { selectPane(currentEnvironment(), id); });
        if (number <= 10) // Ctrl+1…9, then Ctrl+0 for the tenth, as browsers' tabs
            go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + number++ % 10)));
        m_goActions << go;
    }
    view->addSeparator();
    m_goActions << view->addAction(tr("&Previous Environment"),
                                   QKeySequence(Qt::CTRL | Qt::Key_PageUp), this,
                                   [this] { stepEnvironment(-1); });
    m_goActions << view->addAction(tr("&Next Environment"),
                                   QKeySequence(Qt::CTRL | Qt::Key_PageDown), this,
                                   [this] { stepEnvironment(+1); });
    for (QAction *go : std::as_const(m_goActions))
        go->setEnabled(false);
    view->addSeparator();
    view->addAction(m_jobsDock->toggleViewAction());
}

QString MainWindow::currentEnvironment() const
{
    return m_sidebar->currentIndex().data(kEnvironmentRole).toString();
}

void MainWindow::stepEnvironment(int step)
{
    const QStringList names = m_context ? m_context->workspace().environmentNames() : QStringList();
    const int at = names.indexOf(currentEnvironment());
    if (names.isEmpty() || at < 0)
        return;
    const Pane *pane = currentPane();
    const QString next = names.at((at + step + names.size()) % names.size());
    selectPane(next, pane ? pane->paneId() : QStringLiteral("overview"));
}

void MainWindow::showPaneActions(Pane *pane)
{
    m_paneMenu->clear();
    m_paneMenu->setTitle(pane ? pane->title() : tr("&Pane"));
    const QList<QAction *> actions = pane ? pane->paneActions() : QList<QAction *>();
    m_paneMenu->addActions(actions);
    m_paneMenu->setEnabled(!actions.isEmpty());
    m_refreshAction->setEnabled(pane != nullptr);
    for (QAction *go : std::as_const(m_goActions))
        go->setEnabled(m_context != nullptr);
}

void MainWindow::chooseWorkspace()
{
    auto *dialog =
        new QFileDialog(this, QStringLiteral("Open workspace"), QFileInfo(m_path).absolutePath(),
                        QStringLiteral("Opsdeck workspace (opsdeck.yaml *.yaml *.yml)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openWorkspace);
    dialog->open();
}

void MainWindow::openWorkspace(const QString &path)
{
    if (!mayDropUnsavedEdits(tr("Opening another workspace")))
        return;
    if (!m_path.isEmpty())
        m_watcher.removePath(m_path);
    m_path = QFileInfo(path).absoluteFilePath();
    rememberRecent(m_path);
    load();
}

bool MainWindow::mayDropUnsavedEdits(const QString &why)
{
    QStringList unsaved;
    for (auto it = m_panes.cbegin(); it != m_panes.cend(); ++it)
        for (const QString &file : it.value()->unsavedChanges())
            unsaved << QStringLiteral("%1 (%2)").arg(file,
                                                     it.key().section(QLatin1Char('/'), 0, 0));
    if (unsaved.isEmpty())
        return true;
    return QMessageBox::question(this, tr("Unsaved edits"),
                                 tr("%1 drops your unsaved edits of:\n\n%2\n\nDrop them?")
                                     .arg(why, unsaved.join(QLatin1Char('\n'))),
                                 QMessageBox::Discard | QMessageBox::Cancel,
                                 QMessageBox::Cancel) == QMessageBox::Discard;
}

void MainWindow::reload()
{
    if (m_path.isEmpty())
        return;
    if (!mayDropUnsavedEdits(tr("Reloading the workspace"))) {
        statusBar()->showMessage(tr(
            "The workspace was not reloaded: save or drop your edits, then reload (Ctrl+Shift+R)"));
        return;
    }
    load();
}

void MainWindow::load()
{
    QString environment, pane;
    if (Pane *current = currentPane()) {
        const QModelIndex index = m_sidebar->currentIndex();
        environment = index.data(kEnvironmentRole).toString();
        pane = current->paneId();
    }
    closeWorkspace();
    if (!m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path); // re-arm: a replaced file drops off the watch list
    WorkspaceLoadResult result = WorkspaceLoader::loadFile(m_path);
    m_workspaceLabel->setText(m_path);
    if (!result.ok()) {
        showDiagnostics(result.diagnostics);
        return;
    }
    m_context = std::make_unique<WorkspaceContext>(std::move(*result.workspace), this);
    // [*]: Qt shows the one unsaved-changes marker, like every editor, when windowModified.
    setWindowTitle(QStringLiteral("%1[*] — Opsdeck").arg(m_context->workspace().name));
    populateSidebar();
    // After the first paint: watching makes each environment's HTTP clients, and the first of
    // those loads the TLS backend (OpenSSL), which the window need not wait for.
    afterFirstPaint(this, [this, context = m_context.get()] {
        if (m_context.get() != context)
            return; // another workspace was opened meanwhile
        m_alertsWatcher = std::make_unique<AlertsWatcher>(*m_context, this);
        connect(m_alertsWatcher.get(), &AlertsWatcher::badgeChanged, this,
                &MainWindow::showAlertsBadge);
    });
    int warnings = int(result.diagnostics.size());
    if (warnings)
        statusBar()->showMessage(
            QStringLiteral("%1 in %2 — run `opsdeck check` to list them")
                .arg(countOf(warnings, QStringLiteral("warning"), QStringLiteral("warnings")),
                     QFileInfo(m_path).fileName()));
    const QStringList names = m_context->workspace().environmentNames();
    if (!selectPane(environment, pane) &&
        (names.isEmpty() || !selectPane(names.first(), QStringLiteral("overview"))))
        showWelcome();
}

void MainWindow::closeWorkspace()
{
    // Panes first: they hold probes and jobs that reference the context's SSH pool.
    QSettings settings;
    for (Pane *pane : std::as_const(m_panes)) {
        pane->saveState(settings);
        m_stack->removeWidget(pane);
        delete pane;
    }
    m_panes.clear();
    m_sidebarModel->clear();
    m_alertsWatcher.reset();
    m_context.reset();
    showPaneActions(nullptr);
}

void MainWindow::showDiagnostics(const Diagnostics &diagnostics)
{
    setWindowTitle(QStringLiteral("%1 — Opsdeck").arg(QFileInfo(m_path).fileName()));
    m_diagnostics->setDiagnostics(m_path, diagnostics);
    m_stack->setCurrentWidget(m_diagnostics);
}

void MainWindow::populateSidebar()
{
    m_sidebarModel->clear();
    for (const EnvironmentSpec &env : m_context->workspace().environments) {
        auto *envItem = new QStandardItem(env.name);
        if (env.isProtected) {
            envItem->setText(env.name + QStringLiteral("  (protected)"));
            envItem->setForeground(QColor(0xd0, 0x3b, 0x3b));
            envItem->setToolTip(QStringLiteral(
                "Dangerous actions here need the environment's name typed to confirm"));
        }
        envItem->setData(env.name, kEnvironmentRole);
        envItem->setData(envItem->toolTip(), kBaseToolTipRole);
        envItem->setSelectable(false);
        QFont bold = envItem->font();
        bold.setBold(true);
        envItem->setFont(bold);
        for (const PaneKind &kind : paneCatalog()) {
            auto *paneItem = new QStandardItem(kind.title);
            paneItem->setData(env.name, kEnvironmentRole);
            paneItem->setData(kind.id, kPaneRole);
            envItem->appendRow(paneItem);
        }
        m_sidebarModel->appendRow(envItem);
    }
    m_sidebar->expandAll();
}

bool MainWindow::selectPane(const QString &environment, const QString &paneId)
{
    for (int row = 0; row < m_sidebarModel->rowCount(); ++row) {
        QStandardItem *env = m_sidebarModel->item(row);
        if (env->data(kEnvironmentRole).toString() != environment)
            continue;
        for (int child = 0; child < env->rowCount(); ++child) {
            if (env->child(child)->data(kPaneRole).toString() == paneId) {
                m_sidebar->setCurrentIndex(env->child(child)->index());
                return true;
            }
        }
    }
    return false;
}

void MainWindow::onSidebarSelection()
{
    const QModelIndex index = m_sidebar->currentIndex();
    const QString environment = index.data(kEnvironmentRole).toString();
    const QString paneId = index.data(kPaneRole).toString();
    const PaneKind *kind = findPaneKind(paneId);
    EnvironmentContext *context = m_context ? m_context->environment(environment) : nullptr;
    if (!kind || !context)
        return;
    const QString key = environment + QLatin1Char('/') + paneId;
    Pane *pane = m_panes.value(key);
    if (!pane) {
        pane = kind->create(*context, m_stack);
        QSettings settings;
        pane->restoreState(settings);
        connect(pane, &Pane::statusMessage, this,
                [this](const QString &m) { statusBar()->showMessage(m, 5000); });
        connect(pane, &Pane::unsavedChangesChanged, this, &MainWindow::markUnsaved);
        connect(pane, &Pane::openPaneRequested, this,
                [this, environment](const QString &id, const QString &item) {
                    selectPane(environment, id);
                    if (Pane *opened = m_panes.value(environment + QLatin1Char('/') + id);
                        opened && !item.isEmpty())
                        opened->openItem(item);
                });
        m_panes.insert(key, pane);
        m_stack->addWidget(pane);
    }
    m_stack->setCurrentWidget(pane);
    showPaneActions(pane);
}

void MainWindow::markUnsaved()
{
    bool anyUnsaved = false;
    for (int row = 0; row < m_sidebarModel->rowCount(); ++row) {
        QStandardItem *env = m_sidebarModel->item(row);
        for (int child = 0; child < env->rowCount(); ++child) {
            QStandardItem *item = env->child(child);
            const QString paneId = item->data(kPaneRole).toString();
            const Pane *pane =
                m_panes.value(env->data(kEnvironmentRole).toString() + QLatin1Char('/') + paneId);
            const bool unsaved = pane && !pane->unsavedChanges().isEmpty();
            anyUnsaved = anyUnsaved || unsaved;
            if (const PaneKind *kind = findPaneKind(paneId))
                item->setText(unsaved ? kind->title + QStringLiteral(" *") : kind->title);
        }
    }
    setWindowModified(anyUnsaved);
}

void MainWindow::showAlertsBadge(const QString &environment, int firing, AlertSeverity worst,
                                 const QString &summary)
{
    const Health health = firing == 0                        ? Health::Good
                          : worst == AlertSeverity::Critical ? Health::Critical
                                                             : Health::Warning;
    for (int row = 0; row < m_sidebarModel->rowCount(); ++row) {
        QStandardItem *env = m_sidebarModel->item(row);
        if (env->data(kEnvironmentRole).toString() != environment)
            continue;
        // The environment's own dot shows only trouble; its Alerts row always says how it is.
        env->setIcon(firing ? healthIcon(health) : QIcon());
        env->setToolTip(firing ? summary : env->data(kBaseToolTipRole).toString());
        for (int child = 0; child < env->rowCount(); ++child)
            if (QStandardItem *item = env->child(child);
                item->data(kPaneRole).toString() == QLatin1String("alerts")) {
                item->setIcon(healthIcon(health));
                item->setToolTip(summary);
            }
    }
}

Pane *MainWindow::currentPane() const
{
    return qobject_cast<Pane *>(m_stack->currentWidget());
}

void MainWindow::rememberRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(kRecentKey, recent.mid(0, kMaxRecent));
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openWorkspace(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

QSize MainWindow::defaultSize(const QSize &available)
{
    return QSize(std::min(available.width(), std::max(1280, available.width() * 4 / 5)),
                 std::min(available.height(), std::max(800, available.height() * 4 / 5)));
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    // Shown with nothing opened (no workspace given, none tried): the welcome page. A workspace
    // opened before the window is shown never builds it.
    if (!m_context && m_path.isEmpty())
        showWelcome();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!mayDropUnsavedEdits(tr("Closing Opsdeck"))) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto *splitter = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
    closeWorkspace();
    event->accept();
}

} // namespace Opsdeck
