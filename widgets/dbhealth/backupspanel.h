// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "backup/backupmanifest.h"
#include "backup/backupprogress.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QStandardItemModel;
class QTableView;
class QToolButton;

namespace Opsdeck {

class BackupStore;
class EnvironmentContext;

/**
 * The Backups tab: the environment's dumps (age, size, verified, who) from the backups
 * location, and the three actions, each through the action pipeline with a progress bar
 * and Cancel: Back up now, Restore… (into a new database of any environment, or replacing
 * one, old kept) and Clone into ENV (this environment's data over another's, scrubbed).
 */
class BackupsPanel final : public QWidget
{
    Q_OBJECT

public:
    BackupsPanel(EnvironmentContext &context, ActionPipeline &pipeline, QWidget *parent = nullptr);

    /** Reads the manifests again (off the UI thread). */
    void reload();
    QList<BackupManifest> backups() const { return m_backups; }
    QStandardItemModel *model() const { return m_model; }
    bool isRunning() const { return !m_cancel.isNull() && m_running; }

    void backUpNow();
    /** Restores the selected backup, asking where (a dialog). */
    void restoreSelected();
    void restore(const BackupManifest &backup, const QString &environment, const QString &database,
                 bool replace);
    void cloneInto(const QString &environment);

signals:
    void finished(bool ok, const QString &message);
    void backupsChanged(const QList<Opsdeck::BackupManifest> &backups);
    /** The location could not be read (a host down, a folder gone). */
    void backupsUnreadable(const QString &location, const QString &error);

private:
    /** Runs an operation through the pipeline: `create` makes it once confirmed (a QObject
     * with progressChanged, finished and cancel()); `report` turns its end into the audit's. */
    template<typename Operation, typename Value>
    void run(ActionRequest request, std::function<Operation *()> create,
             std::function<ActionResult(const Result<Value> &)> report);
    void showProgress(const BackupProgress &progress);
    void setRunning(bool running, const QString &text = {});
    void showBackups(const QList<BackupManifest> &backups);
    std::optional<BackupManifest> selected() const;

    EnvironmentContext &m_context;
    ActionPipeline &m_pipeline;
    BackupStore *m_store;
    QList<BackupManifest> m_backups;
    QStandardItemModel *m_model;
    QTableView *m_table;
    QLabel *m_where;
    QLabel *m_status;
    QProgressBar *m_progress;
    QPushButton *m_backUp;
    QPushButton *m_restore;
    QToolButton *m_clone;
    QPointer<QPushButton> m_cancel;
    std::function<void()> m_cancelRunning;
    bool m_running = false;
};

} // namespace Opsdeck
