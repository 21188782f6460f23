// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "common/futures.h"
#include "dbexplorer/sqlconsole.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace Opsdeck {

class DatabaseSession;
class EnvironmentContext;
class PlanView;
class ResultRowsModel;
class SqlEditor;

/**
 * The SQL console: an editor, Run (read-only, on the environment's console session), Explain
 * and Explain analyze (drawn by PlanView), Cancel, result tabs that fetch more rows from the
 * open cursor on request, and a history of this environment's statements.
 *
 * Write mode is per statement and goes through the action pipeline (the statement shown,
 * typed name and comment on protected environments, an audit row first). It runs on a writing
 * session of its own, in a transaction the person commits or rolls back after seeing what it
 * did; undecided after four minutes, it is rolled back.
 */
class SqlConsoleView final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kFetchRows = 1000;
    static constexpr int kMaxResultTabs = 5;

    SqlConsoleView(EnvironmentContext &context, ActionPipeline &actions, QWidget *parent = nullptr);
    ~SqlConsoleView() override;

    SqlEditor *editor() const { return m_editor; }
    void setCompletions(const QStringList &names);
    /** Runs `sql` read-only (or the statement under the cursor when empty). */
    void run(const QString &sql = {});
    void explain(bool analyze, const QString &sql = {});
    /** A statement seen elsewhere (Activity, the slow-query check) into the editor, planned.
     * `pg_stat_statements:QUERYID` is looked up first: the check shows the text cut short. */
    void planStatement(const QString &statementOrQueryId);
    static constexpr QLatin1String kStatementsPrefix{"pg_stat_statements:"};
    void cancel();
    void fetchMore();
    /** Write mode: confirm, audit, BEGIN + the statement; then commit() or rollback(). */
    void runAsWrite(const QString &sql = {});
    void commit() { endWrite(true); }
    void rollback() { endWrite(false); }
    bool isWriteOpen() const { return bool(m_writeFinish); }

    QTabWidget *results() const { return m_results; }
    ResultRowsModel *currentResult() const;
    PlanView *planView() const { return m_plan; }
    QLabel *status() const { return m_status; }
    bool isBusy() const { return m_busy; }
    QStringList history() const { return m_history; }
    /** The history kept on disk: what mayRemember() allows, newest first. */
    QStringList historyToKeep() const;
    void setHistory(const QStringList &statements);

signals:
    void finished(); // a run, fetch, explain or write step answered

private:
    void withConsole(std::function<void(PgConnection *)> act);
    void showAnswer(const QString &sql, const Result<ConsoleAnswer> &answer, qint64 ms);
    void remember(const QString &sql);
    void showHistory();
    void setBusy(bool busy, const QString &what = {});
    void endWrite(bool commit);
    void closeWrite(const ActionResult &result);

    EnvironmentContext &m_context;
    ActionPipeline &m_actions;
    SqlEditor *m_editor;
    QPushButton *m_run;
    QPushButton *m_explain;
    QPushButton *m_analyze;
    QPushButton *m_cancel;
    QPushButton *m_write;
    QPushButton *m_more;
    QComboBox *m_historyBox;
    QTabWidget *m_results;
    PlanView *m_plan;
    QLabel *m_status;
    QWidget *m_writeBar;
    QLabel *m_writeLabel;
    QStringList m_history;
    bool m_busy = false;
    bool m_cursorOpen = false;
    int m_resultNumber = 0;
    QTimer m_cursorIdle; // an open cursor holds a transaction: closed after a minute unused
    // Write mode:
    std::unique_ptr<DatabaseSession> m_writeSession;
    ActionPipeline::Finish m_writeFinish;
    QString m_writeStatus;
    QTimer m_writeDeadline;
};

} // namespace Opsdeck
