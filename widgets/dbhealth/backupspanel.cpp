// SPDX-License-Identifier: GPL-3.0-or-later
#include "backupspanel.h"

#include "backup/backupactions.h"
#include "backup/backupstore.h"
#include "common/formatting.h"
#include "common/futures.h"
#include "runtime/environmentcontext.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

/** Where to restore a backup: an environment's server, a database name, replace or not. */
class RestoreDialog final : public QDialog
{
public:
    RestoreDialog(const Workspace &workspace, const BackupManifest &backup,
                  const QString &environment, QWidget *parent)
        : QDialog(parent)
        , m_environments(new QComboBox(this))
        , m_database(new QLineEdit(this))
        , m_replace(
              new QCheckBox(tr("Replace it if it exists (the old one is kept, renamed)"), this))
    {
        setObjectName(QStringLiteral("restoreDialog"));
        setWindowTitle(tr("Restore %1").arg(backup.file));
        for (const EnvironmentSpec &e : workspace.environments)
            if (e.database)
                m_environments->addItem(e.name);
        m_environments->setCurrentText(environment);
        m_database->setText(
            QStringLiteral("%1_restored_%2")
                .arg(backup.database.left(40),
                     QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd"))));
        auto *form = new QFormLayout;
        auto *what =
            new QLabel(tr("%1 of %2, taken %3 by %4 (%5)")
                           .arg(backup.database, backup.environment, formatWhen(backup.takenAt),
                                backup.who, formatBytes(backup.sizeBytes)),
                       this);
        what->setTextFormat(Qt::PlainText);
        what->setWordWrap(true);
        form->addRow(tr("Backup"), what);
        auto *from = new QLabel(
            backup.host.isEmpty()
                ? backup.location()
                : tr("%1 (copied here first, its SHA-256 checked)").arg(backup.location()),
            this);
        from->setTextFormat(Qt::PlainText);
        from->setWordWrap(true);
        form->addRow(tr("From"), from);
        form->addRow(tr("On the server of"), m_environments);
        form->addRow(tr("Into database"), m_database);
        form->addRow(QString(), m_replace);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        buttons->button(QDialogButtonBox::Ok)->setText(tr("Restore…"));
        connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        auto *layout = new QVBoxLayout(this);
        layout->addLayout(form);
        layout->addWidget(buttons);
    }
    QString environment() const { return m_environments->currentText(); }
    QString database() const { return m_database->text().trimmed(); }
    bool replace() const { return m_replace->isChecked(); }

private:
    QComboBox *m_environments;
    QLineEdit *m_database;
    QCheckBox *m_replace;
};

} // namespace

BackupsPanel::BackupsPanel(EnvironmentContext &context, ActionPipeline &pipeline, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_pipeline(pipeline)
    , m_store(new BackupStore(context.workspace(), context.sshPool(), this))
    , m_model(new QStandardItemModel(0, 7, this))
    , m_table(new QTableView(this))
    , m_where(new QLabel(this))
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_backUp(new QPushButton(tr("Back up now"), this))
    , m_restore(new QPushButton(tr("Restore…"), this))
    , m_clone(new QToolButton(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    setObjectName(QStringLiteral("backupsPanel"));
    m_model->setHorizontalHeaderLabels({tr("Taken"), tr("Age"), tr("Size"), tr("Verified"),
                                        tr("Who"), tr("Database"), tr("File")});
    m_table->setModel(m_model);
    m_table->setObjectName(QStringLiteral("backupsTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_where->setTextFormat(Qt::PlainText);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setTextFormat(Qt::PlainText); // server and tool messages, never rich text
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("backupStatus"));
    m_progress->setObjectName(QStringLiteral("backupProgress"));
    m_backUp->setObjectName(QStringLiteral("backUpNow"));
    m_restore->setObjectName(QStringLiteral("restoreBackup"));
    m_clone->setText(tr("Clone into"));
    m_clone->setPopupMode(QToolButton::InstantPopup);
    m_clone->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *cloneMenu = new QMenu(m_clone);
    for (const EnvironmentSpec &e : context.workspace().environments) {
        if (e.name == context.name() || !e.database)
            continue;
        cloneMenu->addAction(
            tr("%1 (replaces %2, old kept)").arg(e.name, databaseName(*e.database)), this,
            [this, name = e.name] { cloneInto(name); });
    }
    m_clone->setMenu(cloneMenu);
    m_clone->setEnabled(!cloneMenu->isEmpty());
    auto *openFolder = new QPushButton(tr("Open folder"), this);
    connect(openFolder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_store->localDirectory())); });
    openFolder->setVisible(!m_store->isRemote()); // a host's folder: nothing to open here
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_backUp);
    buttons->addWidget(m_restore);
    buttons->addWidget(m_clone);
    buttons->addWidget(openFolder);
    buttons->addStretch(1);
    buttons->addWidget(m_progress, 2);
    buttons->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_where);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    connect(m_backUp, &QPushButton::clicked, this, &BackupsPanel::backUpNow);
    connect(m_restore, &QPushButton::clicked, this, &BackupsPanel::restoreSelected);
    connect(m_table, &QTableView::doubleClicked, this, &BackupsPanel::restoreSelected);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_cancelRunning)
            m_cancelRunning();
    });
    const BackupsSpec &spec = context.workspace().backups;
    m_where->setText(spec.isConfigured()
                         ? tr("Backups in %1 — checked fresh when newer than %2 h")
                               .arg(m_store->location())
                               .arg(spec.maxAgeHours)
                         : tr("Backups in %1 (no backups: location in the workspace)")
                               .arg(backupsDirectory(context.workspace())));
    setRunning(false);
    if (!context.environment().database) {
        m_backUp->setEnabled(false);
        m_restore->setEnabled(false);
        m_status->setText(tr("%1 has no database in the workspace.").arg(context.name()));
    }
    reload();
}

void BackupsPanel::reload()
{
    onFinished(m_store->list(m_context.name()), this,
               [this](const Result<QList<BackupManifest>> &backups) {
                   if (backups)
                       return showBackups(*backups);
                   if (!m_running)
                       m_status->setText(
                           tr("Cannot read the backups: %1").arg(backups.errorString()));
                   emit backupsUnreadable(m_store->location(), backups.errorString());
               });
}

void BackupsPanel::showBackups(const QList<BackupManifest> &backups)
{
    m_backups = backups;
    m_model->removeRows(0, m_model->rowCount());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const int maxAgeHours = m_context.workspace().backups.maxAgeHours;
    for (const BackupManifest &b : backups) {
        QList<QStandardItem *> row{
            new QStandardItem(formatLocalTime(b.takenAt)),
            new QStandardItem(formatAgo(b.takenAt, now)),
            new QStandardItem(formatBytes(b.sizeBytes)),
            new QStandardItem(b.verified ? tr("yes (%1 entries)").arg(b.tocEntries) : tr("NO")),
            new QStandardItem(b.who),
            new QStandardItem(b.database),
            new QStandardItem(b.file)};
        if (!b.verified)
            row[3]->setForeground(QColor(0xc6, 0x28, 0x28));
        if (b.takenAt.secsTo(now) > qint64(maxAgeHours) * 3600)
            row[1]->setForeground(QColor(0xb2, 0x6a, 0x00));
        row[6]->setToolTip(b.location() + QStringLiteral("\nsha256 ") + b.sha256);
        m_model->appendRow(row);
    }
    m_table->resizeColumnsToContents(); // filled while hidden: sizes come from the rows
    if (!backups.isEmpty())
        m_table->selectRow(0);
    m_restore->setEnabled(!backups.isEmpty() && !m_running && m_context.environment().database);
    emit backupsChanged(backups);
}

std::optional<BackupManifest> BackupsPanel::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || rows.first().row() >= m_backups.size())
        return std::nullopt;
    return m_backups.at(rows.first().row());
}

void BackupsPanel::setRunning(bool running, const QString &text)
{
    m_running = running;
    m_progress->setVisible(running);
    m_cancel->setVisible(running);
    m_backUp->setEnabled(!running && m_context.environment().database);
    m_restore->setEnabled(!running && !m_backups.isEmpty());
    m_clone->setEnabled(!running && m_clone->menu() && !m_clone->menu()->isEmpty());
    if (!text.isEmpty())
        m_status->setText(text);
    if (!running)
        m_cancelRunning = nullptr;
}

void BackupsPanel::showProgress(const BackupProgress &progress)
{
    m_progress->setRange(0, std::max(progress.tablesTotal, 1));
    m_progress->setValue(progress.tablesDone);
    m_status->setText(progress.text());
}

template<typename Operation, typename Value>
void BackupsPanel::run(ActionRequest request, std::function<Operation *()> create,
                       std::function<ActionResult(const Result<Value> &)> report)
{
    if (m_running)
        return;
    m_pipeline.submit(
        request,
        [this, create, report](const ActionRequest &, ActionPipeline::Finish finish) {
            Operation *operation = create();
            setRunning(true, tr("starting…"));
            m_cancelRunning = [operation] {
                operation->cancel();
            };
            connect(operation, &Operation::progressChanged, this, &BackupsPanel::showProgress);
            connect(operation, &Operation::finished, this,
                    [this, operation, finish, report](const Result<Value> &result) {
                        operation->deleteLater();
                        finish(report(result));
                    });
            operation->start();
        },
        [this](const ActionOutcome &outcome) {
            setRunning(false, outcome.message);
            reload();
            emit finished(outcome.ok(), outcome.message);
        });
}

void BackupsPanel::backUpNow()
{
    const EnvironmentSpec &env = m_context.environment();
    if (!env.database)
        return;
    DumpRequest dump{m_context.name(), *env.database, m_context.sshPool()};
    m_store->prepare(dump);
    run<DumpOperation, BackupManifest>(
        backupRequest(m_context.workspace().name, m_context.name(), databaseName(*env.database)),
        [this, dump] { return new DumpOperation(dump, this); }, backupResult);
}

void BackupsPanel::restoreSelected()
{
    const std::optional<BackupManifest> backup = selected();
    if (!backup || m_running)
        return;
    RestoreDialog dialog(m_context.workspace(), *backup, m_context.name(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    restore(*backup, dialog.environment(), dialog.database(), dialog.replace());
}

void BackupsPanel::restore(const BackupManifest &backup, const QString &environment,
                           const QString &database, bool replace)
{
    EnvironmentContext *target = m_context.sibling(environment);
    if (!target || !target->environment().database)
        return;
    RestoreRequest restore;
    restore.environment = environment;
    restore.database = *target->environment().database;
    restore.pool = m_context.sshPool();
    m_store->prepare(restore, backup);
    restore.newDatabase = database;
    restore.replace = replace;
    run<RestoreOperation, RestoreSummary>(
        restoreRequest(m_context.workspace().name, target->environment(), backup.file, database,
                       replace),
        [this, restore] { return new RestoreOperation(restore, this); }, restoreResult);
}

void BackupsPanel::cloneInto(const QString &environment)
{
    EnvironmentContext *target = m_context.sibling(environment);
    const EnvironmentSpec &source = m_context.environment();
    if (!target || !target->environment().database || !source.database)
        return;
    const QString scrub = m_context.workspace().backups.scrub;
    DumpRequest dump{m_context.name(), *source.database, m_context.sshPool()};
    m_store->prepare(dump);
    RestoreRequest restore;
    restore.environment = environment;
    restore.database = *target->environment().database;
    restore.pool = m_context.sshPool();
    restore.newDatabase = databaseName(*target->environment().database);
    restore.replace = true;
    restore.scrubFile = scrub;
    run<CloneOperation, CloneResult>(
        cloneRequest(m_context.workspace().name, m_context.name(), databaseName(*source.database),
                     target->environment(), scrub),
        [this, dump, restore] { return new CloneOperation(dump, restore, this); }, cloneResult);
}

} // namespace Opsdeck
