// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/pane.h"
#include "secrets/secretsfiles.h"
#include "workspace/workspace.h"

#include <QHash>

#include <memory>

class QLabel;
class QTimer;
class QTreeView;

namespace Opsdeck {

class SecretsFileListView;
class SecretsMetadataPanel;
class SecretsModel;

/**
 * Secrets: the environment's sops files, decrypted in memory. Values are masked until revealed,
 * copies leave the clipboard after 30 s, saves keep the data key and unchanged ciphertexts (a
 * small git diff) and are written atomically. Files stay open while you switch between them, so
 * unsaved edits are never dropped silently.
 */
class SecretsPane final : public Pane
{
    Q_OBJECT

public:
    explicit SecretsPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~SecretsPane() override;

    QString paneId() const override { return QStringLiteral("secrets"); }
    QString title() const override { return QStringLiteral("Secrets"); }
    void refresh() override { reload(); }

    /** Opens (decrypting in the background) or shows an already open file. */
    void openFile(const QString &path);
    QString currentFile() const { return m_current; }
    bool isModified(const QString &path) const;
    QStringList unsavedChanges() const override;
    /** Saves the current file (asks first in a protected environment). */
    void save();
    /** Reloads the current file from disk, dropping unsaved edits. */
    void reload();
    void addKey(const QString &name, const QByteArray &value);
    void deleteCurrentKey();
    void copyCurrentValue();
    void rotateDataKey();
    void addRecipient(const QString &recipient);
    void removeRecipient(const QString &recipient);
    /** A new file from the matching .sops.yaml creation rule, opened unsaved. */
    void createFile(const QString &path);
    void openCompareDialog();
    /** For keys files encrypted with `age -p` (kept in memory for this pane only). */
    void setPassphrase(const QString &keysFile, const QByteArray &passphrase);

    SecretsModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    SecretsMetadataPanel *metadataPanel() const { return m_metadata; }
    QAction *revealAllAction() const { return m_revealAll; }
    void setAuditLog(std::shared_ptr<AuditLog> log) { m_actions.setAuditLog(std::move(log)); }

signals:
    void fileOpened(const QString &path);
    void fileSaved(const QString &path);
    /** After every save attempt (written or refused). */
    void saveFinished(const QString &path, bool written);

protected:
    /** Leaving the pane masks everything revealed: coming back shows bullets again. */
    void hideEvent(QHideEvent *event) override;

private:
    void maskEverything();
    static QString confirmationName(const FileOwner &owner, const QString &path);
    struct OpenFile
    {
        OpenedSecretsFile file;
        bool modified = false;
    };

    void buildActions();
    void listFiles();
    void showFile(const QString &path);
    void showError(const QString &message);
    void updateActions();
    void markModified();
    /** An action on `path`, owned by the file's environment (not necessarily this pane's). */
    ActionRequest request(ActionKind kind, const QString &path) const;
    void writeCurrent(ActionPipeline::Finish finish);
    void setSaving(bool saving);
    void finishSave(const QString &path, const Result<QByteArray> &written,
                    ActionPipeline::Finish finish);
    Sops::SopsDocument *document() const;

    const Workspace &m_workspace;
    const EnvironmentSpec &m_environment;
    QHash<QString, OpenFile> m_open;
    QHash<QString, QByteArray> m_passphrases; // keys file → passphrase
    void askPassphrase(const QString &keysFile, const QString &reopen);
    QString m_current;
    bool m_saving = false;
    ActionPipeline m_actions;

    SecretsFileListView *m_files;
    QTreeView *m_tree;
    SecretsModel *m_model;
    SecretsMetadataPanel *m_metadata;
    QAction *m_revealAll, *m_revealOne, *m_copy, *m_addKey, *m_delete, *m_save, *m_reload;
    QAction *m_rotate, *m_compare, *m_newFile;
    QTimer *m_remask; // what was revealed is masked again after a minute
};

} // namespace Opsdeck
