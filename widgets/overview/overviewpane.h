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
class HostStatusModel;
class SshPool;

/**
 * Environment overview: every host's SSH status (through its jump host), verified key, uptime,
 * load and disk, and the database's basics. Refreshes on a timer while visible; every probe
 * is asynchronous, so a dead host shows its error while the rest keep updating.
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
    QTableView *hostTable() const { return m_hostTable; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void updateSummary();
    QWidget *makeHeader(const EnvironmentSpec &environment);

    EnvironmentProbe *m_probe;
    HostStatusModel *m_model;
    QTableView *m_hostTable;
    DatabaseCard *m_databaseCard;
    QLabel *m_summary;
    QTimer *m_timer;
};

} // namespace Opsdeck
