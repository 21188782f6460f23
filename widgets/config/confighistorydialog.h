// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config/configstorage.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace Opsdeck {

class ConfigDiffView;

/**
 * The previous versions kept beside a config file (newest first), each diffed against the
 * current file as "what restoring it would change". Restoring is the pane's job (it confirms,
 * saves with the usual backup and audits): the dialog only asks for it.
 */
class ConfigHistoryDialog final : public QDialog
{
    Q_OBJECT

public:
    ConfigHistoryDialog(ConfigFileAccess *access, const QByteArray &current,
                        QWidget *parent = nullptr);

    QListWidget *list() const { return m_list; }
    ConfigDiffView *diffView() const { return m_diff; }
    bool isLoaded() const { return m_loaded; }
    /** The selected backup's content, once read. */
    QByteArray selectedContent() const { return m_selected; }

signals:
    void backupsListed();
    void backupShown();
    void restoreRequested(const QString &backupPath, const QByteArray &content);

private:
    void showBackup(const QString &path);

    ConfigFileAccess *m_access;
    QByteArray m_current;
    QByteArray m_selected;
    QString m_selectedPath;
    QListWidget *m_list;
    ConfigDiffView *m_diff;
    QLabel *m_status;
    QPushButton *m_restore;
    bool m_loaded = false;
};

} // namespace Opsdeck
