// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gridquery.h"
#include "jobs/job.h"

#include <QPointer>

#include <memory>

class QSaveFile;

namespace Opsdeck {

class DatabaseSession;

/**
 * Every row of a data grid's table that passes its filter, in its order, written to a CSV file
 * as a Job (listed in the Jobs view, with Cancel). Pages of kPageRows are read by keyset, as the
 * grid reads them, so no cursor or snapshot is held open between pages and memory holds one page.
 * The file appears only once complete (QSaveFile): a cancelled or failed export leaves nothing,
 * not a file that looks whole. One output line per page ("15,000 rows written"); the result says
 * how many rows went where.
 */
class TableExportJob final : public Job
{
    Q_OBJECT

public:
    static constexpr int kPageRows = 5'000;

    TableExportJob(DatabaseSession *session, const GridQuery &query, const QString &path,
                   QObject *parent = nullptr);
    ~TableExportJob() override;

    qint64 rowsWritten() const { return m_written; }
    QString path() const { return m_path; }

protected:
    void begin() override;
    void abort() override;

private:
    void readPage(const RowPosition &after, bool first);
    void fail(const QString &why);

    QPointer<DatabaseSession> m_session;
    GridQuery m_query;
    QString m_path;
    std::unique_ptr<QSaveFile> m_file;
    qint64 m_written = 0;
};

} // namespace Opsdeck
