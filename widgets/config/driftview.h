// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/futures.h"
#include "config/configreading.h"
#include "workspace/workspace.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QListWidget;
class QSortFilterProxyModel;
class QTableView;

namespace Opsdeck {

class ConfigDriftModel;
class SshPool;

/**
 * Drift between environments, key by key: pick the environments, read their .env files (local or
 * over SFTP) and optionally their sops files' key names, and see what is missing where, what
 * differs (masked values compared, not shown) and what is equal. A value can be copied to
 * another environment in one confirmed, audited action.
 */
class DriftView final : public QWidget
{
    Q_OBJECT

public:
    DriftView(const Workspace &workspace, const QString &currentEnvironment, SshPool *pool,
              ActionPipeline *actions, QWidget *parent = nullptr);

    void setEnvironments(const QStringList &environments);
    QStringList checkedEnvironments() const;
    void refresh();
    bool isLoading() const { return m_reading.isInFlight(); }
    /** Writes `key=value` into `target`'s first .env file that sets the key (else its first). */
    void copyValue(const QString &key, const QString &value, const QString &targetEnvironment);

    ConfigDriftModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLabel *summary() const { return m_summary; }
    QCheckBox *onlyDifferences() const { return m_onlyDifferences; }

signals:
    void refreshed();
    void copyFinished(const QString &targetEnvironment, bool written);

private:
    void showDrift();
    void showMenu(const QPoint &position);
    void writeCopy(const QString &key, const QString &value, const EnvironmentConfig::File &file,
                   ActionPipeline::Finish finish);

    Workspace m_workspace;
    QString m_current;
    SshPool *m_pool;
    ActionPipeline *m_actions; // the owning pane's
    QListWidget *m_environmentList;
    QCheckBox *m_includeSecrets;
    QCheckBox *m_onlyDifferences;
    QCheckBox *m_reveal;
    QLabel *m_summary;
    QTableView *m_table;
    ConfigDriftModel *m_model;
    QSortFilterProxyModel *m_filter;
    LatestRequest m_reading{this};
    QList<EnvironmentConfig> m_configs; // the last reading, in the order of the columns
};

} // namespace Opsdeck
