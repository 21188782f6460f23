// SPDX-License-Identifier: GPL-3.0-or-later
#include "tableexport.h"

#include "common/csv.h"
#include "common/futures.h"
#include "pg/pgconnection.h"
#include "runtime/databasesession.h"
#include "schemacatalog.h"

#include <QLocale>
#include <QSaveFile>

namespace Opsdeck {

TableExportJob::TableExportJob(DatabaseSession *session, const GridQuery &query,
                               const QString &path, QObject *parent)
    : Job(QStringLiteral("export %1 to CSV").arg(query.table),
          QStringLiteral("%1.%2 → %3")
              .arg(quoteIdentifier(query.schema), quoteIdentifier(query.table), path),
          parent)
    , m_session(session)
    , m_query(query)
    , m_path(path)
{
    setTimeout(std::chrono::milliseconds(0)); // a big table takes what it takes; Cancel stops it
}

TableExportJob::~TableExportJob() = default; // an unfinished QSaveFile is discarded

void TableExportJob::begin()
{
    m_file = std::make_unique<QSaveFile>(m_path);
    if (!m_file->open(QIODevice::WriteOnly))
        return fail(QStringLiteral("could not write %1: %2").arg(m_path, m_file->errorString()));
    QStringList header;
    for (const QString &column : std::as_const(m_query.columns))
        header << csvField(column);
    m_file->write((header.join(QLatin1Char(',')) + QLatin1Char('\n')).toUtf8());
    readPage({}, true);
}

void TableExportJob::abort()
{
    if (m_file)
        m_file->cancelWriting();
    m_file.reset(); // answers still on their way find no file and stop there
}

void TableExportJob::fail(const QString &why)
{
    abort();
    completeAs(State::Failed, why);
}

void TableExportJob::readPage(const RowPosition &after, bool first)
{
    if (!m_session)
        return fail(QStringLiteral("the database session was closed"));
    const PgStatement statement = pageStatement(
        m_query, first ? PageDirection::First : PageDirection::After, after, kPageRows);
    m_session->whenReady(this, [this, statement](PgConnection *pg, const QString &error) {
        if (!m_file)
            return;
        if (!pg)
            return fail(error);
        onFinished(
            pg->query(statement.sql, statement.params, PgValues::Text), this,
            [this](const Result<PgResultSet> &page) {
                if (!m_file)
                    return; // cancelled
                if (!page)
                    return fail(page.errorString());
                QByteArray chunk;
                const int shown = int(m_query.columns.size());
                for (const QList<QVariant> &row : page->rows) {
                    QStringList fields;
                    for (int c = 0; c < shown; ++c)
                        fields << csvField(row.value(c));
                    chunk += (fields.join(QLatin1Char(',')) + QLatin1Char('\n')).toUtf8();
                }
                m_file->write(chunk);
                m_written += page->rowCount();
                receive(QStringLiteral("%1 rows written\n")
                            .arg(QLocale().toString(m_written))
                            .toUtf8());
                if (page->rowCount() >= kPageRows)
                    return readPage(rowPosition(m_query, page->rows.last()), false);
                if (!m_file->commit())
                    return fail(
                        QStringLiteral("could not save %1: %2").arg(m_path, m_file->errorString()));
                m_file.reset();
                completeAs(State::Succeeded, QStringLiteral("%1 rows written to %2")
                                                 .arg(QLocale().toString(m_written), m_path));
            });
    });
}

} // namespace Opsdeck
