// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploy/deploystatusquery.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QListWidget;
class QPushButton;

namespace Opsdeck {

class DatabaseSession;

/**
 * Rollback…: choose an earlier release. The dialog says plainly that only the code goes back —
 * and, when the environment has a database, lists the Django migrations applied since that
 * release, which stay applied.
 */
class RollbackDialog final : public QDialog
{
    Q_OBJECT

public:
    /** `database` may be nullptr (no database in the workspace). */
    RollbackDialog(const EnvironmentDeployState &state, const QString &currentRelease,
                   DatabaseSession *database, QWidget *parent = nullptr);

    QString release() const;
    void setRelease(const QString &release);

    QListWidget *releaseList() const { return m_releases; }
    QLabel *migrationsLabel() const { return m_migrations; }

signals:
    void migrationsShown();

private:
    void onSelection();

    QStringList m_allReleases;
    QPointer<DatabaseSession> m_database;
    QListWidget *m_releases;
    QLabel *m_migrations;
    QPushButton *m_rollback;
    int m_queryGeneration = 0;
};

} // namespace Opsdeck
