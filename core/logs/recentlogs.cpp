// SPDX-License-Identifier: GPL-3.0-or-later
#include "recentlogs.h"

#include "logstream.h"
#include "runtime/sshpool.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>

namespace Opsdeck {

namespace {

/** Owns the streams of one read and ends once, whichever comes first: every stream, or time. */
class RecentLogsRead final : public QObject
{
public:
    RecentLogsRead(int lines, std::function<void(const QList<LogEntry> &)> done, QObject *parent)
        : QObject(parent)
        , m_lines(lines)
        , m_done(std::move(done))
    {}

    void add(LogStream *stream)
    {
        ++m_pending;
        connect(stream, &LogStream::entriesReceived, this,
                [this](const QList<LogEntry> &entries) { m_entries += entries; });
        connect(stream, &LogStream::stateChanged, this, [this, stream] {
            if (stream->isFinished() && --m_pending == 0)
                finish();
        });
    }

    void finish()
    {
        if (m_finished)
            return;
        m_finished = true;
        std::stable_sort(m_entries.begin(), m_entries.end(),
                         [](const LogEntry &a, const LogEntry &b) { return a.timeMs < b.timeMs; });
        if (m_entries.size() > m_lines)
            m_entries.remove(0, m_entries.size() - m_lines);
        m_done(m_entries);
        deleteLater(); // the streams are children: they go too, cancelled
    }

private:
    int m_lines;
    std::function<void(const QList<LogEntry> &)> m_done;
    QList<LogEntry> m_entries;
    int m_pending = 0;
    bool m_finished = false;
};

} // namespace

void readRecentLogs(SshPool *pool, const EnvironmentSpec &environment, const QString &host,
                    int lines, QObject *context, std::function<void(const QList<LogEntry> &)> done,
                    int timeoutMs)
{
    LogQuery query;
    query.lines = lines;
    query.hosts = {host};
    const Result<QList<LogStreamPlan>> plans = planLogStreams(environment, query);
    QList<LogStreamPlan> readable;
    if (plans)
        for (const LogStreamPlan &plan : *plans)
            if (plan.source.kind != LogSourceSpec::Kind::Docker)
                readable << plan;
    if (readable.isEmpty()) {
        QTimer::singleShot(0, context, [done] { done({}); });
        return;
    }
    auto *read = new RecentLogsRead(lines, std::move(done), context);
    for (const LogStreamPlan &plan : std::as_const(readable)) {
        auto *stream = new LogStream(plan, query, pool->client(host), nullptr, read);
        read->add(stream);
        stream->start();
    }
    QTimer::singleShot(timeoutMs, read, [read] { read->finish(); });
}

QByteArray recentLogsText(const QList<LogEntry> &entries)
{
    QByteArray text;
    for (const LogEntry &e : entries)
        text += QStringLiteral("%1 %2  %3\n")
                    .arg(QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC)
                             .toString(QStringLiteral("HH:mm:ss")),
                         e.source, e.message)
                    .toUtf8();
    return text;
}

} // namespace Opsdeck
