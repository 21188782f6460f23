// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "secrets/secretsfiles.h"

#include <QListWidget>

namespace Opsdeck {

/**
 * The Secrets pane's file list: the environment's own files first, other environments' files
 * under their own heading with their owner and its protection ("production.enc.yaml
 * (production, protected)"), files only `.sops.yaml` matches last. A file with unsaved changes
 * carries a `*`, like an editor's tab.
 */
class SecretsFileListView final : public QListWidget
{
    Q_OBJECT

public:
    explicit SecretsFileListView(QWidget *parent = nullptr);

    /** Shows `list` for `environment`; returns every file in the order shown. */
    QStringList setFiles(const SecretsFileList &list, const Workspace &workspace,
                         const QString &environment);
    /** A file created in this window, not yet saved. */
    void addNewFile(const QString &path);
    /** Selects `path` without announcing it (the pane already shows it). */
    void setCurrentPath(const QString &path);
    void setModified(const QString &path, bool modified);

signals:
    void fileChosen(const QString &path);

private:
    QListWidgetItem *addFile(const QString &path, const QString &label);
    QListWidgetItem *itemOf(const QString &path) const;
    void addHeading(const QString &text);

    QString m_workspaceDirectory;
};

} // namespace Opsdeck
