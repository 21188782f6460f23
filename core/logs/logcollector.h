// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "logstream.h"

#include <QObject>

namespace Opsdeck {

class EnvironmentContext;

/**
 * Every stream one query reads in an environment (each source on each of its hosts), read at
 * once through the environment's SSH sessions and Docker engine; what they send is passed on
 * as it comes. Ordering by time is the reader's business (LogMerger, the view's model).
 */
class LogCollector final : public QObject
{
    Q_OBJECT

public:
    explicit LogCollector(EnvironmentContext &context, QObject *parent = nullptr);
    ~LogCollector() override;

    /** Starts the query's streams (stopping earlier ones); an unknown host or source fails. */
    Status start(const LogQuery &query);
    void stop();

    const LogQuery &query() const { return m_query; }
    const QList<LogStream *> &streams() const { return m_streams; }
    bool isFinished() const;
    bool hasHistoryEnded() const;
    /** What the hosts scanned to answer (file sources), -1 when none said. */
    qint64 scannedBytes() const;
    /** "web2's clock is 3.4 s ahead" for every host more than a second off; empty otherwise. */
    QStringList clockWarnings() const;
    /** "web2 access.log: why" for every stream that failed or found nothing to read. */
    QStringList problems() const;

signals:
    void entriesReceived(const QList<Opsdeck::LogEntry> &entries);
    void streamStateChanged(Opsdeck::LogStream *stream);
    /** Every stream has sent what was before "now" (its window or newest lines). */
    void historyFinished();
    /** Every stream has ended (never, while following). */
    void finished();

private:
    EnvironmentContext &m_context;
    LogQuery m_query;
    QList<LogStream *> m_streams;
};

} // namespace Opsdeck
