// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "secrets/secretsdiff.h"
#include "workspace/workspace.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QTreeWidget;

namespace Opsdeck {

/**
 * Drift in secrets: two environments' secrets files side by side, key by key — only in one,
 * different, same. Values stay masked unless "Show values" is ticked.
 */
class CompareSecretsDialog final : public QDialog
{
    Q_OBJECT

public:
    CompareSecretsDialog(const Workspace &workspace, const QString &environment,
                         QWidget *parent = nullptr);

    void compare(const QString &left, const QString &right);
    QTreeWidget *table() const { return m_table; }
    QCheckBox *showValues() const { return m_showValues; }
    const QList<Sops::KeyDifference> &differences() const { return m_differences; }

signals:
    void compared();

private:
    void fill();

    Workspace m_workspace;
    QComboBox *m_left, *m_right;
    QCheckBox *m_showValues, *m_onlyDifferences;
    QLabel *m_summary;
    QTreeWidget *m_table;
    QList<Sops::KeyDifference> m_differences;
    int m_generation = 0;
};

} // namespace Opsdeck
