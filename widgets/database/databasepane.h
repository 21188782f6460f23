// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/futures.h"
#include "common/pane.h"
#include "dbexplorer/tabledetails.h"

class QPlainTextEdit;
class QTabWidget;

namespace Opsdeck {

class DataGridView;
class ObjectDetailsView;
class SchemaBrowser;
class SqlConsoleView;

/**
 * The database explorer (pgAdmin's browser and query tool, for the environment's database
 * through its tunnel): the schema tree on the left; an object's structure, its rows, its DDL
 * and the SQL console on the right. The tree, structure and rows read on the monitoring
 * session (read-only); the console has a session of its own; writing goes through the action
 * pipeline only.
 */
class DatabasePane final : public Pane
{
    Q_OBJECT

public:
    explicit DatabasePane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~DatabasePane() override;

    QString paneId() const override { return QStringLiteral("database"); }
    QString title() const override { return QStringLiteral("Database"); }
    void refresh() override;
    /** `table:SCHEMA.NAME` shows that table's rows; anything else is a statement (or
     * pg_stat_statements:QUERYID) whose plan the SQL console draws. */
    void openItem(const QString &item) override;
    bool isSettled() const override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;
    void setAuditLog(std::shared_ptr<AuditLog> log) { m_actions.setAuditLog(std::move(log)); }

    SchemaBrowser *browser() const { return m_browser; }
    ObjectDetailsView *details() const { return m_details; }
    DataGridView *grid() const { return m_grid; }
    SqlConsoleView *console() const { return m_console; }
    QTabWidget *tabs() const { return m_tabs; }
    QPlainTextEdit *ddl() const { return m_ddl; }
    /** The object whose structure is shown (after objectShown). */
    const ObjectDetails &shownObject() const { return m_shown; }

signals:
    void objectShown();

private:
    void showObject(const CatalogObject &object);
    QString historyKey() const;
    void showPendingTable();

    ActionPipeline m_actions;
    LatestRequest m_catalogRequest{this};
    LatestRequest m_detailsRequest{this};
    SchemaBrowser *m_browser;
    QTabWidget *m_tabs;
    ObjectDetailsView *m_details;
    DataGridView *m_grid;
    QPlainTextEdit *m_ddl;
    SqlConsoleView *m_console;
    ObjectDetails m_shown;
    QString m_pendingTable; // "table:NAME" asked for before the catalogue arrived
};

} // namespace Opsdeck
