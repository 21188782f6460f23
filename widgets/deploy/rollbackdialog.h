// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/futures.h"
#include "deploy/deploystatusquery.h"
#include "deploy/migrations.h"

#include <QDateTime>
#include <QDialog>
#include <QPointer>

class QLabel;
class QListWidget;
class QPushButton;

namespace Opsdeck {

class DatabaseSession;

/** One thing to go back to — a release, an image — and since when the migrations applied after
 * it count (invalid: none to list, it is the newest). */
struct RollbackChoice
{
    QString id; // what the pane rolls back to ("": the platform's own previous, for a swarm)
    QString label;
    QDateTime migrationsSince;
};

/**
 * Rollback…: choose an earlier release (or image). The dialog says plainly that only the code
 * goes back — and, when the environment has a database, lists the Django migrations applied
 * since that release, which stay applied.
 */
class RollbackDialog final : public QDialog
{
    Q_OBJECT

public:
    /** `database` may be nullptr (no database in the workspace). */
    RollbackDialog(const EnvironmentDeployState &state, const QString &currentRelease,
                   DatabaseSession *database, QWidget *parent = nullptr);
    /** Any choices, newest first, under an intro (rich text: the caller escapes). */
    RollbackDialog(const QString &intro, const QList<RollbackChoice> &choices,
                   DatabaseSession *database, QWidget *parent = nullptr);

    /** The chosen choice's id. */
    QString release() const;
    bool hasChoice() const;
    void setRelease(const QString &release);

    QListWidget *releaseList() const { return m_releases; }
    QLabel *migrationsLabel() const { return m_migrations; }

signals:
    void migrationsShown();

private:
    void onSelection();
    void showMigrations(const QString &target, const QDateTime &cutoff);
    /** What stays applied after the rollback (rich text, server strings escaped). */
    static QString migrationsText(const QString &target,
                                  const Result<QList<AppliedMigration>> &migrations);

    QList<RollbackChoice> m_choices;
    QPointer<DatabaseSession> m_database;
    QListWidget *m_releases;
    QLabel *m_migrations;
    QPushButton *m_rollback;
    LatestRequest m_migrationsRead{this}; // the chosen release's migrations; older ones dropped
};

} // namespace Opsdeck
