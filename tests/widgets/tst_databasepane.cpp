// SPDX-License-Identifier: GPL-3.0-or-later
// The Database pane against the demo world's real PostgreSQL, through the environment's SSH
// tunnel: the schema tree and its filter, an object's structure with its foreign keys as links,
// the data grid paging by key (forwards, backwards, last), sorting and filtering on the server,
// NULL shown as NULL, copy formats, a CSV export, the read-only console (fetch more, Cancel,
// a write refused by PostgreSQL), plans drawn from the JSON the server returned (generic plans
// of $1 statements, a pg_stat_statements entry), write mode on protected production (typed
// name and comment, commit and roll back, audited) and the history kept per environment.
// It works in schemas of its own, dropped at the end, so the demo's tables stay as they are.
#include "audit/auditlog.h"
#include "common/dangerconfirmdialog.h"
#include "database/databasepane.h"
#include "database/datagridview.h"
#include "database/objectdetailsview.h"
#include "database/planview.h"
#include "database/schemabrowser.h"
#include "database/sqlconsoleview.h"
#include "database/sqleditor.h"
#include "dbexplorer/explainplan.h"
#include "futurewait.h"
#include "jobs/jobregistry.h"
#include "pg/pgconnection.h"
#include "resultrowsmodel.h"
#include "runtime/sshpool.h"
#include "stallmeter.h"
#include "testpane.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Opsdeck;

class TestDatabasePane final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_demo;
    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    QHash<QString, std::shared_ptr<PgConnection>> m_db; // environment → its database
    QTemporaryDir m_dir;
    std::shared_ptr<AuditLog> m_audit;
    const QString m_schema = QStringLiteral("pane_test_%1").arg(QCoreApplication::applicationPid());

    QString qualified(const char *table) const
    {
        return m_schema + QLatin1Char('.') + QLatin1String(table);
    }

    Result<PgResultSet> sql(const QString &env, const QString &statement,
                            const QVariantList &params = {})
    {
        auto r = wait(m_db.value(env)->query(statement, params, PgValues::Text));
        if (!r)
            qWarning() << statement << r.errorString();
        return r;
    }

    QString scalar(const QString &env, const QString &statement)
    {
        const auto r = sql(env, statement);
        return r ? r->rows.value(0).value(0).toString() : QString();
    }

    TestPane<DatabasePane> openPane(const QString &env)
    {
        TestPane<DatabasePane> pane(*m_workspace, env, m_pool.get());
        pane->setAuditLog(m_audit);
        pane->resize(1280, 800);
        pane->show();
        if (!StallMeter::spinUntil([&pane] { return pane->hasLoaded(); }, 30000))
            return {};
        return pane;
    }

    /** Selects a table of the test's schema and waits for its structure and first page. */
    bool showTable(DatabasePane &pane, const char *table)
    {
        const CatalogObject *object = pane.browser()->catalog().find(qualified(table));
        if (!object)
            return false;
        QSignalSpy shown(&pane, &DatabasePane::objectShown);
        QSignalSpy page(pane.grid(), &DataGridView::pageShown);
        if (!pane.browser()->select(object->oid, object->kind))
            return false;
        return StallMeter::spinUntil([&] { return shown.size() > 0 && page.size() > 0; }, 20000);
    }

    bool waitForPage(DataGridView *grid, const std::function<void()> &action)
    {
        QSignalSpy page(grid, &DataGridView::pageShown);
        action();
        return StallMeter::spinUntil([&] { return page.size() > 0; }, 20000);
    }

    bool waitForConsole(SqlConsoleView *console, const std::function<void()> &action)
    {
        QSignalSpy finished(console, &SqlConsoleView::finished);
        action();
        return StallMeter::spinUntil([&] { return finished.size() > 0; }, 30000);
    }

    static QStringList column(const ResultRowsModel *model, int c)
    {
        QStringList values;
        for (const QList<QVariant> &row : model->rows())
            values << row.value(c).toString();
        return values;
    }

private slots:
    void initTestCase()
    {
        m_demo = TestServices::load(QStringLiteral("demo"));
        const WorkspaceLoadResult loaded =
            WorkspaceLoader::loadFile(m_demo.value(QStringLiteral("WORKSPACE")));
        QVERIFY(loaded.ok());
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
        m_audit = std::make_shared<AuditLog>(m_dir.filePath(QStringLiteral("audit.sqlite")));
        for (const auto &[env, db] : {std::pair{QStringLiteral("staging"), "minitwit_staging"},
                                      std::pair{QStringLiteral("production"), "minitwit_prod"}}) {
            auto pg = std::make_shared<PgConnection>(
                QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres")
                    .arg(m_demo.value(QStringLiteral("PGPORT")), QLatin1String(db)),
                PgSessionSettings::action());
            QVERIFY(wait(pg->open()).ok());
            m_db.insert(env, pg);
        }
        const QString s = m_schema;
        for (const QString &statement :
             {QStringLiteral("create schema %1").arg(s),
              QStringLiteral("create table %1.parent (id int primary key, name text not null)")
                  .arg(s),
              QStringLiteral("create table %1.items (id int primary key, parent_id int "
                             "references %1.parent (id), name text, payload jsonb, note text)")
                  .arg(s),
              QStringLiteral("comment on column %1.items.note is '<b>not bold</b>'").arg(s),
              QStringLiteral("insert into %1.parent select g, 'p' || g from "
                             "generate_series(1, 3) g")
                  .arg(s),
              QStringLiteral("insert into %1.items select g, 1 + g % 3, format('item %s', "
                             "lpad(g::text, 5, '0')), jsonb_build_object('n', g), case when g "
                             "% 10 = 0 then null else 'n' || g end from generate_series(1, 1234) g")
                  .arg(s),
              QStringLiteral("analyze %1.items").arg(s)})
            QVERIFY(sql(QStringLiteral("staging"), statement).ok());
        QVERIFY(sql(QStringLiteral("production"), QStringLiteral("create schema %1").arg(s)).ok());
        QVERIFY(sql(QStringLiteral("production"),
                    QStringLiteral("create table %1.counter (id int primary key, n int not null)")
                        .arg(s))
                    .ok());
        QVERIFY(sql(QStringLiteral("production"),
                    QStringLiteral("insert into %1.counter values (1, 0)").arg(s))
                    .ok());
    }

    void cleanupTestCase()
    {
        DangerConfirmDialog::setNextAnswer(std::nullopt);
        for (const QString &env : m_db.keys())
            (void)sql(env, QStringLiteral("drop schema if exists %1 cascade").arg(m_schema));
    }

    void theTreeHoldsWhatTheCatalogueHolds()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QCOMPARE(pane->state(), Pane::State::Ready);
        const SchemaCatalog &catalog = pane->browser()->catalog();
        QVERIFY(catalog.schemas.contains(m_schema));
        QStringList mine;
        int tables = 0;
        for (const CatalogObject &o : catalog.objects) {
            if (o.schema == m_schema)
                mine << o.name;
            tables += o.kind == CatalogKind::Table;
        }
        std::sort(mine.begin(), mine.end());
        QCOMPARE(mine, (QStringList{QStringLiteral("items"), QStringLiteral("parent")}));
        QCOMPARE(QString::number(tables),
                 scalar(QStringLiteral("staging"),
                        QStringLiteral("select count(*) from information_schema.tables where "
                                       "table_type = 'BASE TABLE' and table_schema not in "
                                       "('pg_catalog', 'information_schema')")));
        const int all = pane->browser()->visibleObjectCount();
        QVERIFY(all >= 2);
        pane->browser()->filter()->setText(QStringLiteral("items"));
        const int matching = pane->browser()->visibleObjectCount();
        QVERIFY2(matching >= 1 && matching < all, qPrintable(QString::number(matching)));
        pane->browser()->filter()->setText(QStringLiteral("no_such_object_anywhere"));
        QCOMPARE(pane->browser()->visibleObjectCount(), 0);
    }

    void theStructureLinksForeignKeysBothWays()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QVERIFY(showTable(*pane, "items"));
        QStringList columns;
        for (const ColumnInfo &c : pane->shownObject().columns)
            columns << c.name;
        QCOMPARE(columns, (QStringList{QStringLiteral("id"), QStringLiteral("parent_id"),
                                       QStringLiteral("name"), QStringLiteral("payload"),
                                       QStringLiteral("note")}));
        const qint64 parentOid = pane->browser()->catalog().find(qualified("parent"))->oid;
        const QString html = pane->details()->html();
        QVERIFY2(html.contains(QStringLiteral("opsdeck-object:%1").arg(parentOid)),
                 qPrintable(html));
        QVERIFY2(html.contains(QLatin1String("&lt;b&gt;not bold&lt;/b&gt;")),
                 "a comment is text, never markup");
        QVERIFY(pane->ddl()->toPlainText().startsWith(
            QStringLiteral("CREATE TABLE \"%1\".\"items\" (").arg(m_schema)));

        // The link opens the referenced table, whose structure lists the incoming key.
        QSignalSpy shown(pane.get(), &DatabasePane::objectShown);
        emit pane->details()->openObject(parentOid);
        QVERIFY(StallMeter::spinUntil([&] { return shown.size() > 0; }, 20000));
        QCOMPARE(pane->shownObject().object.name, QStringLiteral("parent"));
        QVERIFY(pane->details()->html().contains(QStringLiteral("items")));
    }

    void aTableOpensByName()
    {
        // As the window's --item and other panes' links open it: before the tree has arrived.
        TestPane<DatabasePane> pane(*m_workspace, QStringLiteral("staging"), m_pool.get());
        QSignalSpy page(pane->grid(), &DataGridView::pageShown);
        pane->openItem(QStringLiteral("table:") + qualified("parent"));
        QVERIFY(!pane->isSettled());
        QVERIFY(StallMeter::spinUntil([&] { return page.size() > 0 && pane->isSettled(); }, 30000));
        QCOMPARE(pane->tabs()->currentWidget(), pane->grid());
        QCOMPARE(pane->shownObject().object.name, QStringLiteral("parent"));
        QCOMPARE(pane->grid()->model()->rowCount(), 3);
    }

    void theGridPagesByKeyAsPsqlWould()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QVERIFY(showTable(*pane, "items"));
        DataGridView *grid = pane->grid();
        const ResultRowsModel *model = grid->model();
        QCOMPARE(model->rowCount(), DataGridView::kPageSize);
        QCOMPARE(model->rows().first().first().toString(), QStringLiteral("1"));
        QVERIFY2(grid->status()->text().startsWith(QStringLiteral("Rows 1–500 of about 1")),
                 qPrintable(grid->status()->text()));

        QVERIFY(waitForPage(grid, [grid] { grid->nextPage(); }));
        QVERIFY(waitForPage(grid, [grid] { grid->nextPage(); }));
        // The third page is what psql returns for the keys after the second.
        const auto expected =
            sql(QStringLiteral("staging"),
                QStringLiteral("select id, parent_id, name, payload, note from %1 where id > "
                               "1000 order by id limit 500")
                    .arg(qualified("items")));
        QVERIFY(expected.ok());
        QCOMPARE(model->rows(), expected->rows);
        QCOMPARE(model->rowCount(), 234);

        QVERIFY(waitForPage(grid, [grid] { grid->previousPage(); }));
        QCOMPARE(column(model, 0).first(), QStringLiteral("501"));
        QCOMPARE(column(model, 0).last(), QStringLiteral("1000"));
        QVERIFY(waitForPage(grid, [grid] { grid->lastPage(); }));
        QCOMPARE(column(model, 0).first(), QStringLiteral("735"));
        QCOMPARE(column(model, 0).last(), QStringLiteral("1234"));
        QVERIFY(waitForPage(grid, [grid] { grid->previousPage(); }));
        QCOMPARE(column(model, 0).first(), QStringLiteral("235"));
        QCOMPARE(column(model, 0).last(), QStringLiteral("734"));

        // NULL is shown as NULL, not as an empty string.
        QVERIFY(waitForPage(grid, [grid] { grid->firstPage(); }));
        const QModelIndex note = model->index(9, 4); // id 10
        QCOMPARE(note.data().toString(), QStringLiteral("NULL"));
        QVERIFY(note.data(ResultRowsModel::IsNullRole).toBool());
        QVERIFY(!model->index(8, 4).data(ResultRowsModel::IsNullRole).toBool());

        // JSON is indented in the side viewer.
        grid->table()->setCurrentIndex(model->index(0, 3));
        QVERIFY2(grid->valueViewer()->toPlainText().contains(QLatin1String("\n    \"n\": 1\n")),
                 qPrintable(grid->valueViewer()->toPlainText()));

        // Sort and filter run on the server, over every row.
        QVERIFY(waitForPage(grid, [grid] { grid->setSort(QStringLiteral("name"), true); }));
        QCOMPARE(model->index(0, 2).data().toString(), QStringLiteral("item 01234"));
        QVERIFY(waitForPage(grid, [grid] {
            grid->setFilter({QStringLiteral("note"), GridFilter::Op::IsNull, {}});
        }));
        QCOMPARE(model->rowCount(), 123);
        QVERIFY(waitForPage(grid, [grid] {
            grid->setFilter(
                {QStringLiteral("name"), GridFilter::Op::Contains, QStringLiteral("item 0000")});
        }));
        QCOMPARE(column(model, 0).size(), 9);
    }

    void copyFormats()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QVERIFY(showTable(*pane, "items"));
        const ResultRowsModel *model = pane->grid()->model();
        const QModelIndexList cells{model->index(9, 0), model->index(9, 2), model->index(9, 4)};
        QCOMPARE(model->copyText(cells, ResultRowsModel::CopyFormat::Csv),
                 QStringLiteral("10,item 00010,"));
        QCOMPARE(model->copyText(cells, ResultRowsModel::CopyFormat::Insert, QStringLiteral("t")),
                 QStringLiteral("INSERT INTO t (\"id\", \"name\", \"note\") VALUES ('10', "
                                "'item 00010', NULL);"));
        const QJsonArray json =
            QJsonDocument::fromJson(
                model->copyText(cells, ResultRowsModel::CopyFormat::Json).toUtf8())
                .array();
        QCOMPARE(json.size(), 1);
        QVERIFY(json.at(0).toObject().value(QLatin1String("note")).isNull());
        QCOMPARE(json.at(0).toObject().value(QLatin1String("name")).toString(),
                 QStringLiteral("item 00010"));
        // Ctrl+C copies the selection as TSV.
        QTableView *table = pane->grid()->table();
        table->setFocus();
        table->selectionModel()->select(QItemSelection(model->index(0, 0), model->index(1, 2)),
                                        QItemSelectionModel::ClearAndSelect);
        QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(),
                 QStringLiteral("1\t2\titem 00001\n2\t3\titem 00002"));
    }

    void exportStreamsEveryRowToCsv()
    {
        JobRegistry registry; // the export is a Job: listed, with Cancel, in the Jobs view
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        QVERIFY(showTable(*pane, "items"));
        const QString path = m_dir.filePath(QStringLiteral("items.csv"));
        QSignalSpy done(pane->grid(), &DataGridView::exportFinished);
        pane->grid()->exportCsv(path);
        QVERIFY(StallMeter::spinUntil([&] { return done.size() > 0; }, 30000));
        QVERIFY2(done.first().first().toString().startsWith(QLatin1String("Exported 1,234 rows")),
                 qPrintable(done.first().first().toString()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 1236); // header, 1,234 rows, the last newline
        QCOMPARE(lines.at(0), QByteArray("id,parent_id,name,payload,note"));
        QCOMPARE(lines.at(1), QByteArray("1,2,item 00001,\"{\"\"n\"\": 1}\",n1"));
        QCOMPARE(lines.at(10), QByteArray("10,2,item 00010,\"{\"\"n\"\": 10}\","));
        QCOMPARE(registry.count(), 1);
        QCOMPARE(registry.at(0).title, QStringLiteral("export items to CSV"));
        QCOMPARE(registry.at(0).state, Job::State::Succeeded);
        QCOMPARE(registry.at(0).outcome, QStringLiteral("1,234 rows written to ") + path);

        // Stopped before its page came: nothing is written, not even the header.
        const QString stopped = m_dir.filePath(QStringLiteral("stopped.csv"));
        pane->grid()->exportCsv(stopped);
        QPushButton *stop = nullptr;
        for (QPushButton *button : pane->grid()->findChildren<QPushButton *>())
            if (button->text() == QStringLiteral("Stop export"))
                stop = button;
        QVERIFY(stop); // the Export button turned into Stop while the job runs
        stop->click();
        QCOMPARE(done.size(), 2);
        QCOMPARE(done.last().first().toString(),
                 QStringLiteral("Export stopped; nothing was written."));
        QCOMPARE(registry.at(1).state, Job::State::Cancelled);
        QTest::qWait(200); // the page that was on its way finds no file to write to
        QVERIFY(!QFile::exists(stopped));
    }

    void theConsoleReadsOnlyAndFetchesMore()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        SqlConsoleView *console = pane->console();
        QVERIFY(waitForConsole(console, [&] {
            console->run(QStringLiteral("select id from %1 order by id").arg(qualified("items")));
        }));
        QVERIFY(console->currentResult());
        QCOMPARE(console->currentResult()->rowCount(), SqlConsoleView::kFetchRows);
        QVERIFY2(console->status()->text().contains(QLatin1String("more rows on the server")),
                 qPrintable(console->status()->text()));
        QVERIFY(waitForConsole(console, [&] { console->fetchMore(); }));
        QCOMPARE(console->currentResult()->rowCount(), 1234);
        QCOMPARE(column(console->currentResult(), 0).last(), QStringLiteral("1234"));

        const QString update =
            QStringLiteral("update %1 set note = 'console' where id = 1").arg(qualified("items"));
        QVERIFY(waitForConsole(console, [&] { console->run(update); }));
        QVERIFY2(console->status()->text().contains(
                     QLatin1String("cannot execute UPDATE in a read-only transaction")),
                 qPrintable(console->status()->text()));
        QCOMPARE(scalar(QStringLiteral("staging"),
                        QStringLiteral("select note from %1 where id = 1").arg(qualified("items"))),
                 QStringLiteral("n1"));
        QVERIFY(console->history().contains(update));
    }

    void cancelStopsARunningQuery()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        SqlConsoleView *console = pane->console();
        QSignalSpy finished(console, &SqlConsoleView::finished);
        console->run(QStringLiteral("select pg_sleep(30) as opsdeck_pane_sleep"));
        QVERIFY(console->isBusy());
        // Cancel once the server is running it (seen from another session).
        QVERIFY(StallMeter::spinUntil(
            [&] {
                return scalar(QStringLiteral("staging"),
                              QStringLiteral("select count(*) from pg_stat_activity where state = "
                                             "'active' and application_name = 'opsdeck-console' "
                                             "and datname = current_database()")) ==
                       QLatin1String("1");
            },
            20000));
        console->cancel();
        QVERIFY(StallMeter::spinUntil([&] { return finished.size() > 0; }, 10000));
        QVERIFY2(console->status()->text().contains(QLatin1String("due to user request")),
                 qPrintable(console->status()->text()));
        QVERIFY(!console->isBusy());
    }

    void plansAreDrawnFromTheServersJson()
    {
        auto pane = openPane(QStringLiteral("staging"));
        QVERIFY(pane);
        SqlConsoleView *console = pane->console();
        const QString query = QStringLiteral("select p.name, count(*) from %1 i join %2 p on "
                                             "p.id = i.parent_id group by p.name")
                                  .arg(qualified("items"), qualified("parent"));
        QVERIFY(waitForConsole(console, [&] { console->explain(false, query); }));
        const auto json =
            sql(QStringLiteral("staging"), QStringLiteral("explain (format json) ") + query);
        QVERIFY(json.ok());
        const Result<QueryPlanTree> server =
            parseExplainJson(json->rows.value(0).value(0).toString().toUtf8());
        QVERIFY(server.ok());
        QTreeWidget *tree = console->planView()->tree();
        int drawn = 0;
        std::function<void(QTreeWidgetItem *)> count = [&](QTreeWidgetItem *item) {
            drawn += !item->isFirstColumnSpanned(); // a node, not one of its detail lines
            for (int i = 0; i < item->childCount(); ++i)
                count(item->child(i));
        };
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            count(tree->topLevelItem(i));
        QCOMPARE(drawn, server->nodeCount);
        QCOMPARE(console->results()->currentWidget(), console->planView());

        // With ANALYZE the times are the server's; the console stays read-only.
        QVERIFY(waitForConsole(console, [&] { console->explain(true, query); }));
        QVERIFY2(console->planView()->summary()->text().contains(QLatin1String("ms")),
                 qPrintable(console->planView()->summary()->text()));

        // A statement with placeholders (as Activity and pg_stat_statements show them) gets
        // its generic plan; ANALYZE of it is refused in words.
        const QString withPlaceholder =
            QStringLiteral("select * from %1 where id = $1").arg(qualified("items"));
        QVERIFY(waitForConsole(console, [&] { console->explain(false, withPlaceholder); }));
        QVERIFY2(console->status()->text().startsWith(QLatin1String("Plan of")),
                 qPrintable(console->status()->text()));
        QVERIFY(tree->topLevelItem(0)->text(PlanView::NodeColumn).contains(QLatin1String("Index")));
        QVERIFY(waitForConsole(console, [&] { console->explain(true, withPlaceholder); }));
        QVERIFY2(console->status()->text().contains(QLatin1String("placeholders")),
                 qPrintable(console->status()->text()));
    }

    void aSlowStatementOpensWithItsPlan()
    {
        // What the slow-query check links to: pg_stat_statements' entry, read whole (the
        // demo's production has the extension; staging goes without).
        const QString production = QStringLiteral("production");
        QVERIFY(sql(production, QStringLiteral("select count(*) from pg_class where relname <> "
                                               "'opsdeck_pane_probe' and relpages > 0"))
                    .ok());
        const QString queryId =
            scalar(production,
                   QStringLiteral("select queryid from pg_stat_statements where query like "
                                  "'%relname <> $1 and relpages > $2%' and dbid = (select oid "
                                  "from pg_database where datname = current_database()) limit 1"));
        QVERIFY(!queryId.isEmpty());
        auto pane = openPane(production);
        QVERIFY(pane);
        QVERIFY(waitForConsole(pane->console(), [&] {
            pane->openItem(QStringLiteral("pg_stat_statements:") + queryId);
        }));
        QCOMPARE(pane->tabs()->currentWidget(), pane->console());
        QVERIFY2(pane->console()->editor()->toPlainText().contains(QLatin1String("relname <> $1")),
                 qPrintable(pane->console()->editor()->toPlainText()));
        QVERIFY2(pane->console()->status()->text().startsWith(QLatin1String("Plan of")),
                 qPrintable(pane->console()->status()->text()));
    }

    void writeModeOnProductionNeedsTheNameAndAComment()
    {
        auto pane = openPane(QStringLiteral("production"));
        QVERIFY(pane);
        SqlConsoleView *console = pane->console();
        const QString counter =
            QStringLiteral("select n from %1 where id = 1").arg(qualified("counter"));
        const QString update =
            QStringLiteral("update %1 set n = n + 1 where id = 1").arg(qualified("counter"));

        DangerConfirmDialog::setNextAnswer(std::nullopt); // the real dialog
        console->runAsWrite(update);
        auto *dialog = pane->findChild<DangerConfirmDialog *>();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY(DangerConfirmDialog::lastQuestion().isProtected);
        auto *shownStatement = dialog->findChild<QPlainTextEdit *>();
        QVERIFY(shownStatement);
        QCOMPARE(shownStatement->toPlainText(), update); // the statement, before deciding
        auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"));
        auto *typed = dialog->findChild<QLineEdit *>(QStringLiteral("typedEnvironment"));
        auto *comment = dialog->findChild<QLineEdit *>(QStringLiteral("comment"));
        QVERIFY(confirm && typed && comment);
        QVERIFY(!confirm->isEnabled());
        typed->setText(QStringLiteral("production"));
        QVERIFY(!confirm->isEnabled()); // a comment too
        comment->setText(QStringLiteral("pane test write"));
        QVERIFY(confirm->isEnabled());
        QSignalSpy finished(console, &SqlConsoleView::finished);
        confirm->click();
        QVERIFY(StallMeter::spinUntil([&] { return console->isWriteOpen() && !console->isBusy(); },
                                      30000));
        QCOMPARE(scalar(QStringLiteral("production"), counter), QStringLiteral("0")); // not yet
        const AuditEntry started = m_audit->recent(1).value(0);
        QCOMPARE(started.action, QStringLiteral("db.sql_write"));
        QCOMPARE(started.environment, QStringLiteral("production"));
        QCOMPARE(started.target, update);
        QCOMPARE(started.comment, QStringLiteral("pane test write"));

        console->commit();
        QVERIFY(StallMeter::spinUntil([&] { return !console->isWriteOpen() && !console->isBusy(); },
                                      30000));
        QCOMPARE(scalar(QStringLiteral("production"), counter), QStringLiteral("1"));
        QCOMPARE(m_audit->recent(1).value(0).outcome, QStringLiteral("UPDATE 1, COMMIT"));

        // Rolled back: nothing changes, and the audit says so.
        DangerConfirmDialog::setNextAnswer(true);
        console->runAsWrite(update);
        QVERIFY(StallMeter::spinUntil([&] { return console->isWriteOpen() && !console->isBusy(); },
                                      30000));
        console->rollback();
        QVERIFY(StallMeter::spinUntil([&] { return !console->isWriteOpen() && !console->isBusy(); },
                                      30000));
        QCOMPARE(scalar(QStringLiteral("production"), counter), QStringLiteral("1"));
        QCOMPARE(m_audit->recent(1).value(0).outcome, QStringLiteral("UPDATE 1, ROLLBACK"));

        // Declined: nothing runs.
        DangerConfirmDialog::setNextAnswer(false);
        console->runAsWrite(update);
        StallMeter::spinUntil([] { return false; }, 300);
        QVERIFY(!console->isWriteOpen());
        QCOMPARE(scalar(QStringLiteral("production"), counter), QStringLiteral("1"));
        DangerConfirmDialog::setNextAnswer(std::nullopt);
    }

    void historyIsKeptPerEnvironmentWithoutSecrets()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        {
            auto pane = openPane(QStringLiteral("staging"));
            QVERIFY(pane);
            SqlConsoleView *console = pane->console();
            QVERIFY(waitForConsole(console, [&] { console->run(QStringLiteral("select 41")); }));
            QVERIFY(waitForConsole(console, [&] {
                console->run(QStringLiteral("alter role nobody password 'hunter2'"));
            }));
            QCOMPARE(console->history().size(), 2);
            pane->saveState(settings);
        }
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("hunter2"));

        auto staging = openPane(QStringLiteral("staging"));
        QVERIFY(staging);
        staging->restoreState(settings);
        QCOMPARE(staging->console()->history(), QStringList{QStringLiteral("select 41")});
        auto production = openPane(QStringLiteral("production"));
        QVERIFY(production);
        production->restoreState(settings);
        QVERIFY(production->console()->history().isEmpty());
    }
};

QTEST_MAIN(TestDatabasePane)
#include "tst_databasepane.moc"
