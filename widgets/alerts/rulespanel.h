// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/rulefiles.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace Opsdeck {

struct Workspace;

/**
 * Rules as code: the workspace's rule files (read, checked by promtool when installed) beside
 * what the environment's Prometheus runs — only in the repository, only on the server, different
 * (and how), the same. What `opsdeck alert-rules ENV` prints, kept up to date with each refresh.
 */
class RulesPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit RulesPanel(const Workspace &workspace, QWidget *parent = nullptr);

    /** Reads and checks the files again (in the thread pool), then compares. */
    void reload();
    /** The server's rules from the latest refresh; compared again when the files are read. */
    void setServerRules(const QList<AlertRule> &rules);
    bool hasChecked() const { return m_check.has_value(); }
    QTreeWidget *tree() const { return m_tree; }
    QLabel *status() const { return m_status; }

signals:
    /** The comparison was shown (after a reload, or with new server rules). */
    void compared();

private:
    void showComparison();

    QStringList m_patterns;
    QString m_baseDirectory;
    std::optional<RuleFilesCheck> m_check;
    std::optional<QList<AlertRule>> m_server;
    bool m_reading = false;
    QLabel *m_status;
    QTreeWidget *m_tree;
    QPushButton *m_reload;
};

} // namespace Opsdeck
