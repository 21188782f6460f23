// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "configeditor.h"

class QAction;
class QListWidget;
class QTableView;

namespace Opsdeck {

class DotenvModel;

/**
 * A .env file as a table (key, value, comment) over DotenvModel, with its lint findings below:
 * click a finding to go to its key. Values of secret-looking keys are masked until revealed.
 */
class DotenvEditor final : public ConfigEditor
{
    Q_OBJECT

public:
    explicit DotenvEditor(QWidget *parent = nullptr);

    QByteArray content() const override;
    void setContent(const QByteArray &bytes) override;
    bool isModified() const override;
    QString changeSummary() const override;

    DotenvModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QListWidget *findings() const { return m_findings; }
    QAction *revealAction() const { return m_reveal; }
    /** Sets a key as the user would (the table's own editing goes the same way). */
    Status setValue(const QString &key, const QString &value);

private:
    void addKey();
    void removeSelectedKey();
    void refreshFindings();
    void selectKey(const QString &key);
    void tellRefused(const QString &title, const QString &message);

    DotenvModel *m_model;
    QTableView *m_table;
    QListWidget *m_findings;
    QAction *m_reveal;
};

} // namespace Opsdeck
