// SPDX-License-Identifier: GPL-3.0-or-later
#include "databasepane.h"

#include "common/dialogconfirmer.h"
#include "common/messagebanner.h"
#include "datagridview.h"
#include "dbexplorer/schemacatalog.h"
#include "objectdetailsview.h"
#include "pg/pgconnection.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"
#include "schemabrowser.h"
#include "sqlconsoleview.h"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace Opsdeck {

DatabasePane::DatabasePane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
    , m_browser(new SchemaBrowser(this))
    , m_tabs(new QTabWidget(this))
    , m_details(new ObjectDetailsView(this))
    , m_grid(new DataGridView(context.monitoringSession(), this))
    , m_ddl(new QPlainTextEdit(this))
    , m_console(new SqlConsoleView(context, m_actions, this))
{
    setObjectName(QStringLiteral("databasePane"));
    m_ddl->setReadOnly(true);
    m_ddl->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *ddlPage = new QWidget(this);
    auto *copyDdl = new QPushButton(QStringLiteral("Copy DDL"), ddlPage);
    auto *ddlLayout = new QVBoxLayout(ddlPage);
    ddlLayout->setContentsMargins(0, 0, 0, 0);
    ddlLayout->addWidget(m_ddl, 1);
    ddlLayout->addWidget(copyDdl, 0, Qt::AlignLeft);
    m_tabs->addTab(m_details, QStringLiteral("Structure"));
    m_tabs->addTab(m_grid, QStringLiteral("Data"));
    m_tabs->addTab(ddlPage, QStringLiteral("DDL"));
    m_tabs->addTab(m_console, QStringLiteral("SQL"));
    m_details->showMessage(QStringLiteral("Select a table, view or function in the tree."));

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_browser);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({460, 900});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(banner());
    layout->addWidget(split, 1);

    connect(m_browser, &SchemaBrowser::objectSelected, this, &DatabasePane::showObject);
    connect(m_details, &ObjectDetailsView::openObject, this,
            [this](qint64 oid) { m_browser->select(oid, CatalogKind::Table); });
    connect(copyDdl, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_ddl->toPlainText()); });
    connect(m_grid, &DataGridView::exportRequested, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, QStringLiteral("Export rows to CSV"),
            m_grid->query().table + QStringLiteral(".csv"), QStringLiteral("CSV (*.csv)"));
        if (!path.isEmpty())
            m_grid->exportCsv(path);
    });
    connect(m_grid, &DataGridView::exportFinished, this,
            [this](const QString &message) { emit statusMessage(message); });
    refresh();
}

DatabasePane::~DatabasePane()
{
    delete m_console; // before m_actions: an open write transaction reports through it
}

void DatabasePane::refresh()
{
    DatabaseSession *session = context().monitoringSession();
    if (!session) {
        setState(
            State::Empty,
            QStringLiteral("%1 has no database: block in the workspace.").arg(context().name()));
        return;
    }
    session->whenReady(this, [this](PgConnection *pg, const QString &error) {
        if (!pg) {
            setState(State::Error, QStringLiteral("Could not connect: ") + error);
            return;
        }
        m_catalogRequest.start(
            loadSchemaCatalog(*pg), [this](const Result<SchemaCatalog> &catalog) {
                if (!catalog) {
                    setState(State::Error, QStringLiteral("Could not read the catalogue: ") +
                                               catalog.errorString());
                    return;
                }
                const qint64 shownOid = m_shown.object.oid;
                const CatalogKind shownKind = m_shown.object.kind;
                m_browser->setCatalog(*catalog);
                QStringList names;
                for (const CatalogObject &o : catalog->objects) {
                    names << o.name;
                    if (o.schema != QLatin1String("public"))
                        names << o.qualifiedName();
                }
                m_console->setCompletions(names);
                if (shownOid)
                    m_browser->select(shownOid, shownKind);
                if (!m_pendingTable.isEmpty())
                    showPendingTable();
                if (catalog->objects.isEmpty())
                    setState(State::Empty,
                             QStringLiteral("Database %1 has no tables, views or functions yet.")
                                 .arg(catalog->database));
                else
                    setState(State::Ready);
            });
    });
}

void DatabasePane::openItem(const QString &item)
{
    if (item.startsWith(QLatin1String("table:"))) {
        m_pendingTable = item.mid(6);
        m_tabs->setCurrentWidget(m_grid);
        if (!m_browser->catalog().objects.isEmpty())
            showPendingTable();
        return;
    }
    m_tabs->setCurrentWidget(m_console);
    m_console->planStatement(item);
}

void DatabasePane::showPendingTable()
{
    const CatalogObject *object = m_browser->catalog().find(m_pendingTable);
    if (!object)
        emit statusMessage(QStringLiteral("No table named %1 in %2.")
                               .arg(m_pendingTable, m_browser->catalog().database));
    m_pendingTable.clear();
    if (object)
        m_browser->select(object->oid, object->kind);
}

bool DatabasePane::isSettled() const
{
    return hasLoaded() && m_pendingTable.isEmpty() && !m_detailsRequest.isInFlight() &&
           !m_grid->isLoading() && !m_console->isBusy();
}

QString DatabasePane::historyKey() const
{
    // Per workspace and environment: production's statements never show up in staging's list.
    return QStringLiteral("database/history/") +
           QString::fromLatin1(QUrl::toPercentEncoding(context().workspace().name)) +
           QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(context().name()));
}

void DatabasePane::saveState(QSettings &settings) const
{
    settings.setValue(historyKey(), m_console->historyToKeep());
}

void DatabasePane::restoreState(QSettings &settings)
{
    if (m_console->history().isEmpty())
        m_console->setHistory(settings.value(historyKey()).toStringList());
}

void DatabasePane::showObject(const CatalogObject &object)
{
    DatabaseSession *session = context().monitoringSession();
    PgConnection *pg = session ? session->connection() : nullptr;
    if (!pg)
        return;
    m_detailsRequest.start(
        loadObjectDetails(*pg, object), [this, object](const Result<ObjectDetails> &d) {
            if (!d) {
                m_details->showMessage(d.errorString());
                return;
            }
            m_shown = *d;
            m_details->showDetails(*d);
            m_ddl->setPlainText(d->ddl());
            if (object.hasRows())
                m_grid->showObject(*d);
            else
                m_grid->clear(
                    QStringLiteral("A %1 has no rows to show.").arg(catalogKindName(object.kind)));
            // Column names of the object shown join the console's completions.
            QStringList names;
            for (const ColumnInfo &c : d->columns)
                names << c.name;
            if (!names.isEmpty()) {
                for (const CatalogObject &o : m_browser->catalog().objects)
                    names << o.name;
                m_console->setCompletions(names);
            }
            emit objectShown();
        });
}

} // namespace Opsdeck
