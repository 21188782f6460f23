// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/pane.h"
#include "workspace/workspace.h"

class QLabel;
class QTableView;
class QTimer;

namespace Opsdeck {

class DatabaseCard;
class EnvironmentProbe;
class EnvironmentPulse;
class HostStatusModel;
class SshPool;
class StatusBoard;

/**
 * The environment's status page: one line per concern (hosts, database checks, what is deployed
 * and the lock, drift against the other environments, recent activity) with a button to the pane
 * behind it, then every host's SSH status, verified key, uptime, load and disk, and the
 * database's basics. Refreshes on a timer while visible; every probe is asynchronous, so the
 * page paints at once and fills in, and a dead host shows its error while the rest keep updating.
 */
class OverviewPane final : public Pane
{
    Q_OBJECT

public:
    explicit OverviewPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~OverviewPane() override;

    QString paneId() const override { return QStringLiteral("overview"); }
    QString title() const override { return QStringLiteral("Overview"); }
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    void refresh() override;
    EnvironmentProbe *probe() const { return m_probe; }
    EnvironmentPulse *pulse() const { return m_pulse; }
    StatusBoard *statusBoard() const { return m_board; }
    QTableView *hostTable() const { return m_hostTable; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void updateSummary();
    void updateBoard();
    void poll();
    QWidget *makeHeader(const EnvironmentSpec &environment);

    EnvironmentProbe *m_probe;
    EnvironmentPulse *m_pulse;
    StatusBoard *m_board;
    HostStatusModel *m_model;
    QTableView *m_hostTable;
    DatabaseCard *m_databaseCard;
    QLabel *m_summary;
    QTimer *m_timer;
};

} // namespace Opsdeck
