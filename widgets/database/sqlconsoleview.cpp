// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlconsoleview.h"

#include "dbexplorer/sqlconsole.h"
#include "dbhealth/queryplan.h"
#include "pg/pgconnection.h"
#include "planview.h"
#include "resultrowsmodel.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"
#include "sqleditor.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

constexpr int kCursorIdleMs = 60'000;
constexpr int kWriteDecisionMs = 4 * 60'000; // under the write session's 5 min idle timeout
constexpr int kHistorySize = 50;

QPushButton *button(const QString &text, QWidget *parent, const QString &tip = {})
{
    auto *b = new QPushButton(text, parent);
    b->setToolTip(tip);
    return b;
}

} // namespace

SqlConsoleView::SqlConsoleView(EnvironmentContext &context, ActionPipeline &actions,
                               QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_actions(actions)
    , m_editor(new SqlEditor(this))
    , m_run(button(QStringLiteral("Run"), this, QStringLiteral("Ctrl+Enter: read-only")))
    , m_explain(button(QStringLiteral("Explain"), this, QStringLiteral("The plan, nothing runs")))
    , m_analyze(button(QStringLiteral("Explain analyze"), this,
                       QStringLiteral("Runs the statement (read-only) and times each node")))
    , m_cancel(button(QStringLiteral("Cancel"), this))
    , m_write(
          button(QStringLiteral("Run as write…"), this,
                 QStringLiteral("In a transaction you commit or roll back; confirmed and audited")))
    , m_more(button(QStringLiteral("Fetch %1 more").arg(kFetchRows), this))
    , m_historyBox(new QComboBox(this))
    , m_results(new QTabWidget(this))
    , m_plan(new PlanView(this))
    , m_status(new QLabel(this))
    , m_writeBar(new QWidget(this))
    , m_writeLabel(new QLabel(m_writeBar))
{
    m_historyBox->addItem(QStringLiteral("History"));
    auto *tools = new QHBoxLayout;
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_run, m_explain, m_analyze, m_cancel, m_write})
        tools->addWidget(w);
    tools->addStretch(1);
    tools->addWidget(m_historyBox);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_writeLabel->setTextFormat(Qt::PlainText);
    m_writeLabel->setWordWrap(true);
    auto *commitButton = button(QStringLiteral("Commit"), m_writeBar);
    auto *rollbackButton = button(QStringLiteral("Roll back"), m_writeBar);
    auto *writeLayout = new QHBoxLayout(m_writeBar);
    writeLayout->addWidget(m_writeLabel, 1);
    writeLayout->addWidget(commitButton);
    writeLayout->addWidget(rollbackButton);
    m_writeBar->setStyleSheet(QStringLiteral("background: #fdebc8;"));
    m_writeBar->hide();
    m_results->addTab(m_plan, QStringLiteral("Plan"));
    m_results->setTabsClosable(false);

    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(m_writeBar);
    bottomLayout->addWidget(m_results, 1);
    auto *statusLine = new QHBoxLayout;
    statusLine->addWidget(m_status, 1);
    statusLine->addWidget(m_more);
    bottomLayout->addLayout(statusLine);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_editor);
    split->addWidget(bottom);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(tools);
    layout->addWidget(split, 1);

    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_explain, &QPushButton::clicked, this, [this] { explain(false); });
    connect(m_analyze, &QPushButton::clicked, this, [this] { explain(true); });
    connect(m_cancel, &QPushButton::clicked, this, &SqlConsoleView::cancel);
    connect(m_write, &QPushButton::clicked, this, [this] { runAsWrite(); });
    connect(m_more, &QPushButton::clicked, this, &SqlConsoleView::fetchMore);
    connect(commitButton, &QPushButton::clicked, this, &SqlConsoleView::commit);
    connect(rollbackButton, &QPushButton::clicked, this, &SqlConsoleView::rollback);
    connect(m_historyBox, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            m_editor->setPlainText(m_history.value(index - 1));
        m_historyBox->setCurrentIndex(0);
    });
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, m_editor, nullptr, nullptr, Qt::WidgetShortcut);
        connect(shortcut, &QShortcut::activated, this, [this] { run(); });
    }
    m_cursorIdle.setSingleShot(true);
    m_cursorIdle.setInterval(kCursorIdleMs);
    connect(&m_cursorIdle, &QTimer::timeout, this, [this] {
        if (!m_cursorOpen)
            return;
        if (PgConnection *pg = m_context.consoleSession()->connection())
            SqlConsole::closeCursor(*pg);
        m_cursorOpen = false;
        m_more->setEnabled(false);
        m_status->setText(m_status->text() +
                          QStringLiteral(" The cursor was closed after a minute unused (it holds "
                                         "back vacuum); run the query again for more."));
    });
    m_writeDeadline.setSingleShot(true);
    m_writeDeadline.setInterval(kWriteDecisionMs);
    connect(&m_writeDeadline, &QTimer::timeout, this, [this] { endWrite(false); });
    setBusy(false);
    m_status->setText(QStringLiteral("Read-only: statements run in a transaction that is rolled "
                                     "back, on a session of their own."));
}

SqlConsoleView::~SqlConsoleView()
{
    if (m_writeFinish) // the session closes with us, and the server rolls the transaction back
        closeWrite(ActionResult(Result<QString>::failure(
            QStringLiteral("rolled back: the console was closed before commit"))));
}

void SqlConsoleView::setCompletions(const QStringList &names)
{
    m_editor->setCompletions(names);
}

ResultRowsModel *SqlConsoleView::currentResult() const
{
    auto *view = qobject_cast<QTableView *>(m_results->currentWidget());
    return view ? qobject_cast<ResultRowsModel *>(view->model()) : nullptr;
}

void SqlConsoleView::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    for (QPushButton *b : {m_run, m_explain, m_analyze, m_write})
        b->setEnabled(!busy && !m_writeFinish);
    m_cancel->setEnabled(busy);
    m_more->setEnabled(!busy && m_cursorOpen);
    if (busy)
        m_status->setText(what);
}

void SqlConsoleView::withConsole(std::function<void(PgConnection *)> act)
{
    DatabaseSession *session = m_context.consoleSession();
    if (!session) {
        m_status->setText(QStringLiteral("This environment has no database."));
        return;
    }
    session->whenReady(this, [this, act](PgConnection *pg, const QString &error) {
        if (!pg) {
            setBusy(false);
            m_status->setText(QStringLiteral("Not connected: ") + error);
            emit finished();
            return;
        }
        act(pg);
    });
}

void SqlConsoleView::remember(const QString &sql)
{
    m_history.removeAll(sql);
    m_history.prepend(sql);
    while (m_history.size() > kHistorySize)
        m_history.removeLast();
    showHistory();
}

QStringList SqlConsoleView::historyToKeep() const
{
    QStringList kept;
    for (const QString &sql : m_history)
        if (SqlConsole::mayRemember(sql))
            kept << sql;
    return kept;
}

void SqlConsoleView::setHistory(const QStringList &statements)
{
    m_history = statements.mid(0, kHistorySize);
    showHistory();
}

void SqlConsoleView::showHistory()
{
    m_historyBox->clear();
    m_historyBox->addItem(QStringLiteral("History (%1)").arg(m_history.size()));
    for (const QString &s : m_history)
        m_historyBox->addItem(s.simplified().left(80));
}

void SqlConsoleView::run(const QString &given)
{
    const QString sql = given.isEmpty() ? m_editor->statementToRun() : given;
    if (sql.isEmpty() || m_busy) {
        if (sql.isEmpty())
            m_status->setText(QStringLiteral("Nothing to run: write a statement first."));
        return;
    }
    remember(sql);
    m_cursorIdle.stop();
    m_cursorOpen = false;
    setBusy(true, QStringLiteral("Running… (Cancel stops it on the server)"));
    withConsole([this, sql](PgConnection *pg) {
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        onFinished(SqlConsole::run(*pg, sql, kFetchRows), this,
                   [this, sql, clock](const Result<ConsoleAnswer> &answer) {
                       showAnswer(sql, answer, clock->elapsed());
                   });
    });
}

void SqlConsoleView::showAnswer(const QString &sql, const Result<ConsoleAnswer> &answer, qint64 ms)
{
    if (!answer) {
        setBusy(false);
        m_status->setText(answer.errorString());
        emit finished();
        return;
    }
    auto *view = new QTableView(m_results);
    auto *model = new ResultRowsModel(view);
    model->setResult(answer->rows.columns, answer->rows.rows);
    view->setModel(model);
    view->setWordWrap(false);
    view->setToolTip(sql.left(500));
    view->resizeColumnsToContents();
    for (int c = 0; c < model->columnCount(); ++c)
        view->setColumnWidth(c, std::min(view->columnWidth(c), 360));
    m_results->addTab(view, QStringLiteral("Result %1").arg(++m_resultNumber));
    while (m_results->count() > kMaxResultTabs + 1) { // the Plan tab stays first
        QWidget *oldest = m_results->widget(1);
        m_results->removeTab(1);
        oldest->deleteLater();
    }
    m_results->setCurrentWidget(view);
    m_cursorOpen = answer->more;
    if (m_cursorOpen)
        m_cursorIdle.start();
    setBusy(false);
    const QLocale locale;
    QString text = answer->rows.columns.isEmpty()
                       ? answer->rows.commandStatus
                       : QStringLiteral("%1 rows").arg(locale.toString(answer->rows.rowCount()));
    text += QStringLiteral(" in %1 ms").arg(ms);
    if (m_cursorOpen)
        text += QStringLiteral(" — more rows on the server.");
    m_status->setText(text);
    emit finished();
}

void SqlConsoleView::fetchMore()
{
    ResultRowsModel *model = currentResult();
    if (!m_cursorOpen || m_busy || !model)
        return;
    m_cursorIdle.stop();
    setBusy(true, QStringLiteral("Fetching more rows…"));
    withConsole([this, model](PgConnection *pg) {
        onFinished(SqlConsole::fetchMore(*pg, kFetchRows), model,
                   [this, model](const Result<ConsoleAnswer> &answer) {
                       m_cursorOpen = answer && answer->more;
                       if (answer)
                           model->appendRows(answer->rows.rows);
                       // The console keeps a bounded number of rows; past it, export instead.
                       if (m_cursorOpen && model->rowCount() >= PgResultSet::kMaxRows) {
                           if (PgConnection *open = m_context.consoleSession()->connection())
                               SqlConsole::closeCursor(*open);
                           m_cursorOpen = false;
                       }
                       if (m_cursorOpen)
                           m_cursorIdle.start();
                       setBusy(false);
                       m_status->setText(
                           answer ? QStringLiteral("%1 rows%2")
                                        .arg(QLocale().toString(model->rowCount()))
                                        .arg(m_cursorOpen ? QStringLiteral(" — more on the server.")
                                                          : QString())
                                  : answer.errorString());
                       emit finished();
                   });
    });
}

void SqlConsoleView::cancel()
{
    if (DatabaseSession *session = m_context.consoleSession())
        if (PgConnection *pg = session->connection())
            pg->cancel();
    if (m_writeSession)
        if (PgConnection *pg = m_writeSession->connection())
            pg->cancel();
}

void SqlConsoleView::explain(bool analyze, const QString &given)
{
    const QString sql = given.isEmpty() ? m_editor->statementToRun() : given;
    if (m_busy || sql.isEmpty())
        return;
    if (const QString why = QueryPlan::whyNotExplainable(sql, true); !why.isEmpty()) {
        m_status->setText(QStringLiteral("No plan: ") + why);
        return;
    }
    remember(sql);
    setBusy(true, analyze ? QStringLiteral("Running the statement read-only to time its plan…")
                          : QStringLiteral("Planning…"));
    withConsole([this, sql, analyze](PgConnection *pg) {
        onFinished(SqlConsole::explain(*pg, sql, analyze), this,
                   [this, sql](const Result<QueryPlanTree> &plan) {
                       setBusy(false);
                       if (plan) {
                           m_plan->showPlan(*plan, sql);
                           m_results->setCurrentWidget(m_plan);
                           m_status->setText(
                               QStringLiteral("Plan of %1 nodes.").arg(plan->nodeCount));
                       } else {
                           m_status->setText(plan.errorString());
                       }
                       emit finished();
                   });
    });
}

void SqlConsoleView::planStatement(const QString &item)
{
    if (!item.startsWith(kStatementsPrefix)) {
        m_editor->setPlainText(item);
        explain(false, item);
        return;
    }
    const QString queryId = item.mid(kStatementsPrefix.size());
    m_status->setText(QStringLiteral("Reading statement %1 from pg_stat_statements…").arg(queryId));
    withConsole([this, queryId](PgConnection *pg) {
        onFinished(SqlConsole::statementText(*pg, queryId), this,
                   [this](const Result<QString> &sql) {
                       if (!sql) {
                           m_status->setText(sql.errorString());
                           emit finished();
                           return;
                       }
                       m_editor->setPlainText(*sql);
                       explain(false, *sql);
                   });
    });
}

void SqlConsoleView::runAsWrite(const QString &given)
{
    const QString sql = given.isEmpty() ? m_editor->statementToRun() : given;
    if (sql.isEmpty() || m_busy || m_writeFinish || !m_context.environment().database)
        return;
    ActionRequest request;
    request.kind = ActionKind::SqlWrite;
    request.workspace = m_context.workspace().name;
    request.environment = m_context.name();
    request.isProtected = m_context.environment().isProtected;
    request.target = sql.simplified().left(500);
    request.description =
        QStringLiteral("Run this statement on %1's database? It runs in a "
                       "transaction; you see what it did, then commit or roll back.")
            .arg(m_context.name());
    request.changes = sql;
    QPointer<SqlConsoleView> self(this);
    m_actions.submit(
        request,
        [this, sql](const ActionRequest &, ActionPipeline::Finish finish) {
            m_writeFinish = std::move(finish);
            setBusy(true, QStringLiteral("Running in a transaction…"));
            m_writeSession = m_context.newConsoleWriteSession();
            m_writeSession->whenReady(this, [this, sql](PgConnection *pg, const QString &error) {
                if (!pg) {
                    closeWrite(ActionResult(Result<QString>::failure(error)));
                    return;
                }
                onFinished(SqlConsole::beginWrite(*pg, sql), this,
                           [this, sql](const Result<PgResultSet> &r) {
                               if (!r) {
                                   closeWrite(ActionResult(Result<QString>(r.error())));
                                   return;
                               }
                               m_writeStatus = r->commandStatus;
                               showAnswer(sql, ConsoleAnswer{*r, false}, 0);
                               m_writeLabel->setText(
                                   QStringLiteral("%1 — not committed yet. The transaction on %2 "
                                                  "stays open until you decide (rolled back "
                                                  "after 4 minutes).")
                                       .arg(m_writeStatus, m_context.name()));
                               m_writeBar->show();
                               m_writeDeadline.start();
                               setBusy(false);
                           });
            });
        },
        [self](const ActionOutcome &outcome) {
            if (!self)
                return;
            self->setBusy(false);
            self->m_status->setText(outcome.message);
            emit self->finished();
        });
}

void SqlConsoleView::endWrite(bool commit)
{
    if (!m_writeFinish || !m_writeSession)
        return;
    PgConnection *pg = m_writeSession->connection();
    if (!pg) {
        closeWrite(ActionResult(Result<QString>::failure(
            QStringLiteral("the connection was lost; the server rolled the transaction back"))));
        return;
    }
    m_writeDeadline.stop();
    setBusy(true, commit ? QStringLiteral("Committing…") : QStringLiteral("Rolling back…"));
    onFinished(SqlConsole::endWrite(*pg, commit), this, [this](const Result<QString> &r) {
        closeWrite(r ? ActionResult(QString(m_writeStatus + QStringLiteral(", ") + *r))
                     : ActionResult(Result<QString>(r.error())));
    });
}

void SqlConsoleView::closeWrite(const ActionResult &result)
{
    m_writeDeadline.stop();
    m_writeBar->hide();
    if (m_writeSession) // not from inside its own callback: later
        m_writeSession.release()->deleteLater();
    ActionPipeline::Finish finish = std::move(m_writeFinish);
    m_writeFinish = {};
    setBusy(false);
    if (finish)
        finish(result);
}

} // namespace Opsdeck
