// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/pane.h"
#include "config/configstorage.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QPointer>

#include <memory>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;

namespace Opsdeck {

class ConfigEditor;
class DriftView;
class Job;
class SshPool;

/**
 * Config: the environment's config files (`config:`), local or on its hosts over SFTP. .env files
 * open in a table that keeps the file as written, YAML in a checked text editor. Saves are
 * atomic with a backup, refuse to overwrite a file that changed underneath (showing both
 * versions instead), ask for the environment's name where it is protected, are audited by key
 * name, and can run the file's `after_save:` command. A Drift tab compares environments.
 */
class ConfigPane final : public Pane
{
    Q_OBJECT

public:
    explicit ConfigPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~ConfigPane() override;

    QString paneId() const override { return QStringLiteral("config"); }
    QString title() const override { return QStringLiteral("Config"); }
    /** Reads every file again (F5); files with unsaved edits are left alone. */
    void refresh() override;
    QStringList unsavedChanges() const override;

    void openFile(const QString &location);
    QString currentFile() const { return m_current; }
    ConfigEditor *editor(const QString &location) const;
    bool isModified(const QString &location) const;
    /** Saves the current file (checks it, asks where the environment is protected). */
    void save();
    /** Reads the current file again, dropping unsaved edits. */
    void reload();
    void showHistory();
    /** Offers to run the current file's after_save command. */
    void runAfterSave();

    QTabWidget *tabs() const { return m_tabs; }
    QListWidget *fileList() const { return m_fileList; }
    DriftView *driftView() const { return m_drift; }
    QPlainTextEdit *output() const { return m_output; }
    void setAuditLog(std::shared_ptr<AuditLog> log);

signals:
    void fileLoaded(const QString &location);
    /** After every save attempt that reached the file (written, conflict or failure). */
    void saveFinished(const QString &location, bool written);
    void conflictShown(const QString &location);
    void afterSaveFinished(const QString &location, bool succeeded);

private:
    struct OpenConfig
    {
        ConfigFileSpec spec;
        ConfigFileAccess *access = nullptr;
        ConfigEditor *editor = nullptr;
        ConfigSnapshot base;
        bool loaded = false;
    };

    void addFile(const ConfigFileSpec &spec);
    void load(const QString &location);
    void fileRead(const QString &location, const Result<ConfigSnapshot> &read);
    ActionRequest request(ActionKind kind, const QString &location) const;
    /** A save or restore through the action pipeline; `write` starts it once confirmed. */
    void submitWrite(const ActionRequest &request,
                     std::function<void(ActionPipeline::Finish)> write);
    void write(const QString &location, const QByteArray &bytes, const ConfigSnapshot &base,
               const QString &summary, bool allowOwnerChange, ActionPipeline::Finish finish);
    /** A remote file whose owner or group the SSH user cannot keep: asks whether to go on. */
    void askOwnerChange(const QString &location, const QByteArray &bytes, const QString &summary,
                        const QString &why, ActionPipeline::Finish finish);
    void written(const QString &location, const QByteArray &bytes, const QString &summary,
                 const Result<ConfigSaveOutcome> &saved, ActionPipeline::Finish finish);
    void showConflict(const QString &location, const QByteArray &mine, const ConfigSnapshot &theirs,
                      const QString &summary, ActionPipeline::Finish finish);
    void runCommand(const OpenConfig &file, ActionPipeline::Finish finish);
    void showBanner(const QString &html, bool problem = false);
    void updateFileItem(const QString &location);
    void updateActions();
    OpenConfig *currentConfig();

    const Workspace &m_workspace;
    const EnvironmentSpec &m_environment;
    SshPool *m_pool;
    ActionPipeline m_actions;
    QHash<QString, OpenConfig> m_files;
    QString m_current;

    QTabWidget *m_tabs;
    QListWidget *m_fileList;
    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    QPlainTextEdit *m_output;
    DriftView *m_drift;
    QAction *m_saveAction;
    QAction *m_reloadAction;
    QAction *m_historyAction;
    QAction *m_runAction;
    QAction *m_stopAction;
    QPointer<Job> m_afterSave; // the after-save command running, if any
};

} // namespace Opsdeck
