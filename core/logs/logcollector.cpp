// SPDX-License-Identifier: GPL-3.0-or-later
#include "logcollector.h"

#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"

#include <QHash>

namespace Opsdeck {

LogCollector::LogCollector(EnvironmentContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{}

LogCollector::~LogCollector()
{
    stop();
}

Status LogCollector::start(const LogQuery &query)
{
    stop();
    Result<QList<LogStreamPlan>> plans = planLogStreams(m_context.environment(), query);
    if (!plans)
        return plans.error();
    m_query = query;
    for (const LogStreamPlan &plan : *plans) {
        const bool docker = plan.source.kind == LogSourceSpec::Kind::Docker;
        auto *stream =
            new LogStream(plan, query, docker ? nullptr : m_context.sshPool()->client(plan.host),
                          docker ? m_context.docker() : nullptr, this);
        connect(stream, &LogStream::entriesReceived, this, &LogCollector::entriesReceived);
        connect(stream, &LogStream::historyFinished, this, [this] {
            if (hasHistoryEnded())
                emit historyFinished();
        });
        connect(stream, &LogStream::stateChanged, this, [this, stream] {
            emit streamStateChanged(stream);
            if (stream->isFinished() && isFinished())
                emit finished();
        });
        m_streams << stream;
    }
    for (LogStream *stream : std::as_const(m_streams))
        stream->start();
    return success();
}

void LogCollector::stop()
{
    const QList<LogStream *> streams = std::exchange(m_streams, {});
    for (LogStream *stream : streams) {
        stream->disconnect(this);
        stream->stop();
        stream->deleteLater();
    }
}

bool LogCollector::isFinished() const
{
    return std::all_of(m_streams.begin(), m_streams.end(),
                       [](const LogStream *s) { return s->isFinished(); });
}

bool LogCollector::hasHistoryEnded() const
{
    return std::all_of(m_streams.begin(), m_streams.end(),
                       [](const LogStream *s) { return s->hasHistoryEnded() || s->isFinished(); });
}

qint64 LogCollector::scannedBytes() const
{
    qint64 total = -1;
    for (const LogStream *s : m_streams)
        if (s->scannedBytes() >= 0)
            total = qMax<qint64>(0, total) + s->scannedBytes();
    return total;
}

QStringList LogCollector::clockWarnings() const
{
    QHash<QString, qint64> skews;
    for (const LogStream *s : m_streams)
        if (s->clockSkewMs() != 0)
            skews.insert(s->plan().host, s->clockSkewMs());
    QStringList warnings;
    for (auto it = skews.begin(); it != skews.end(); ++it)
        if (qAbs(*it) > 1000)
            warnings << tr("%1's clock is %2 s %3")
                            .arg(it.key(), QString::number(qAbs(*it) / 1000.0, 'f', 1),
                                 *it > 0 ? tr("ahead") : tr("behind"));
    warnings.sort();
    return warnings;
}

QStringList LogCollector::problems() const
{
    QStringList problems;
    for (const LogStream *s : m_streams)
        if (!s->errorString().isEmpty())
            problems << QStringLiteral("%1 %2: %3")
                            .arg(s->plan().host, s->plan().source.name, s->errorString());
    return problems;
}

} // namespace Opsdeck
