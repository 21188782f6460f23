// SPDX-License-Identifier: GPL-3.0-or-later
#include "logstream.h"

#include "common/formatting.h"
#include "common/futures.h"
#include "docker/dockerengine.h"
#include "ssh/sshclient.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QtConcurrent>

namespace Opsdeck {

namespace {

constexpr qsizetype kMaxStderrBytes = 4096;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString clockText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

// Lines are parsed in the thread pool, one chunk at a time per stream (the parser carries
// state from line to line): a host sending a million lines costs the UI thread nothing but the
// hand-over of finished batches.
struct LogStream::ParseState
{
    LogLineParser parser;
    LogQuery query;
    QRegularExpression
        dockerFilter; // the engine cannot grep: a container's lines are filtered here
    QString host;
    QString source;
    bool sawTime = false; // a line with its own time has been read
};

struct LogStream::ParsedChunk
{
    QList<LogEntry> beforeMarker;
    bool historyEnded = false;
    QList<LogEntry> afterMarker;
    qint64 lines = 0;
    qint64 lastTimeMs = 0;
};

LogStream::LogStream(LogStreamPlan plan, LogQuery query, SshClient *ssh, DockerEngine *docker,
                     QObject *parent)
    : QObject(parent)
    , m_plan(std::move(plan))
    , m_query(std::move(query))
    , m_ssh(ssh)
    , m_docker(docker)
    , m_parseState(std::make_shared<ParseState>())
{
    m_parseState->parser =
        LogLineParser(m_plan.source.kind == LogSourceSpec::Kind::Journal ? QStringLiteral("journal")
                      : m_plan.source.kind == LogSourceSpec::Kind::Docker ? QStringLiteral("docker")
                                                                          : m_plan.source.format,
                      m_plan.source.prefix);
    m_parseState->query = m_query;
    if (m_plan.source.kind == LogSourceSpec::Kind::Docker && !m_query.grep.isEmpty())
        m_parseState->dockerFilter.setPattern(m_query.grep);
    m_parseState->host = m_plan.host;
    m_parseState->source = m_plan.source.name;
    m_reconnect.setSingleShot(true);
    m_reconnect.setInterval(kReconnectDelayMs);
    connect(&m_reconnect, &QTimer::timeout, this, [this] {
        m_resumed = true;
        start();
    });
}

LogStream::~LogStream()
{
    stop();
}

void LogStream::start()
{
    m_stopped = false;
    m_unparsed.dropPartial();
    m_stderr.clear();
    m_stderrPartial.clear();
    setState(m_lostAtMs ? State::Reconnecting : m_query.follow ? State::Following : State::Reading);
    if (m_plan.source.kind == LogSourceSpec::Kind::Docker)
        startDocker(m_resumed);
    else
        startSsh();
}

void LogStream::stop()
{
    m_stopped = true;
    m_reconnect.stop();
    if (m_exec)
        m_exec->cancel();
    if (m_dockerFollow && m_docker)
        m_docker->stopFollowing(m_dockerFollow);
    m_dockerFollow = 0;
    if (!isFinished())
        setState(State::Done);
}

void LogStream::startSsh()
{
    if (!m_ssh) {
        m_error = tr("no SSH session for %1").arg(m_plan.host);
        setState(State::Failed);
        return;
    }
    const QString command =
        m_resumed ? logCommand(m_plan.source, m_query, m_parseState->parser.lastCursor(), true)
                  : m_plan.command;
    m_exec = m_ssh->exec(command, this);
    m_exec->setCaptureOutput(false);
    connect(m_exec, &SshExec::stdoutReceived, this, &LogStream::receive);
    connect(m_exec, &SshExec::stderrReceived, this, &LogStream::receiveControl);
    SshExec *exec = m_exec;
    connect(m_exec, &SshExec::finished, this, [this, exec](int status) {
        exec->deleteLater();
        // A command that ran and failed (a bad pattern, no journalctl) is not retried; a
        // session that went away is.
        const bool dropped = status < 0;
        QString why = QString::fromUtf8(m_stderr + m_stderrPartial.left(kMaxStderrBytes)).trimmed();
        if (why.isEmpty())
            why = dropped ? exec->errorString() : tr("exit %1").arg(status);
        ended(status == 0, dropped, why);
    });
}

// The engine's logs endpoint has no marker between old and new lines: a followed service is
// read as its history (follow=0), then followed from the last line's time.
void LogStream::startDocker(bool following)
{
    if (!m_docker) {
        m_error = tr("no Docker engine for %1").arg(m_plan.host);
        setState(State::Failed);
        return;
    }
    m_decoder = std::make_unique<DockerLogDecoder>();
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("stdout"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("stderr"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("follow"), following ? QStringLiteral("1") : QStringLiteral("0"));
    const qint64 since = following && m_lastTimeMs ? m_lastTimeMs + 1 : m_query.sinceMs;
    if (since)
        q.addQueryItem(QStringLiteral("since"), QString::number(double(since) / 1000.0, 'f', 3));
    else
        q.addQueryItem(QStringLiteral("tail"),
                       following ? QStringLiteral("0") : QString::number(m_query.lines));
    if (m_query.untilMs && !m_query.follow)
        q.addQueryItem(QStringLiteral("until"),
                       QString::number(double(m_query.untilMs) / 1000.0, 'f', 3));
    m_dockerFollow = m_docker->follow(
        m_plan.dockerPath + QLatin1Char('?') + q.toString(QUrl::FullyEncoded), this,
        [this](const QByteArray &chunk) { receive(m_decoder->feed(chunk)); },
        [this, following](const QString &error) {
            m_dockerFollow = 0;
            if (!following && error.isEmpty() && m_query.follow && !m_stopped) {
                flushPartial();
                endHistory();
                startDocker(true);
                return;
            }
            ended(error.isEmpty(), !error.isEmpty(), error);
        });
}

void LogStream::endHistory()
{
    if (m_historyEnded)
        return;
    m_historyEnded = true;
    emit historyFinished();
}

void LogStream::noteBack()
{
    if (!m_lostAtMs)
        return;
    const LogEntry gap =
        gapEntry(tr("reconnected after %1: lines between %2 and %3 UTC may be missing")
                     .arg(formatDuration((nowMs() - m_lostAtMs) / 1000), clockText(m_lostAtMs),
                          clockText(nowMs())));
    m_lostAtMs = 0;
    setState(State::Following);
    emit entriesReceived({gap});
}

LogStream::ParsedChunk LogStream::parseChunk(ParseState &state, const LineBuffer::Lines &lines,
                                             qint64 received)
{
    ParsedChunk out;
    QList<LogEntry> *batch = &out.beforeMarker;
    const bool filterHere = !state.dockerFilter.pattern().isEmpty();
    const QByteArray &data = lines.bytes;
    qsizetype start = lines.begin;
    for (qsizetype nl = data.indexOf('\n', start); nl >= 0 && nl < lines.end;
         nl = data.indexOf('\n', start)) {
        QByteArray line = data.mid(start, qMin(nl - start, kMaxLineBytes));
        start = nl + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (line == historyEndMarker()) {
            out.historyEnded = true;
            batch = &out.afterMarker;
            continue;
        }
        LogEntry e = state.parser.parse(line, received);
        ++out.lines;
        if (!state.query.wants(e) ||
            (filterHere && !state.dockerFilter.match(e.message).hasMatch()))
            continue;
        e.host = state.host;
        e.source = state.source;
        if (!e.timeGuessed && !state.sawTime) {
            // The first lines had no time (a traceback cut by the window): they belong just
            // before this one, not at the moment they arrived.
            state.sawTime = true;
            for (LogEntry &early : *batch)
                if (early.timeGuessed && !early.isGap)
                    early.timeMs = e.timeMs;
        }
        out.lastTimeMs = qMax(out.lastTimeMs, e.timeMs);
        batch->append(std::move(e));
    }
    return out;
}

void LogStream::receive(const QByteArray &data)
{
    noteBack();
    m_unparsed.add(data);
    parseNext();
}

void LogStream::parseNext()
{
    if (m_parsing)
        return;
    if (m_unparsed.isEmpty()) {
        if (m_pendingEnd)
            std::exchange(m_pendingEnd, {})();
        return;
    }
    LineBuffer::Lines chunk = m_unparsed.take(kMaxChunkBytes);
    m_parsing = true;
    const std::shared_ptr<ParseState> state = m_parseState;
    const qint64 received = nowMs();
    onFinished(QtConcurrent::run([state, chunk = std::move(chunk), received] {
                   return parseChunk(*state, chunk, received);
               }),
               this, [this](const ParsedChunk &parsed) {
                   m_parsing = false;
                   m_lines += parsed.lines;
                   m_lastTimeMs = qMax(m_lastTimeMs, parsed.lastTimeMs);
                   if (!parsed.beforeMarker.isEmpty())
                       emit entriesReceived(parsed.beforeMarker);
                   if (parsed.historyEnded)
                       endHistory();
                   if (!parsed.afterMarker.isEmpty())
                       emit entriesReceived(parsed.afterMarker);
                   parseNext();
               });
}

void LogStream::receiveControl(const QByteArray &data)
{
    // Whole lines only: the channel may cut "opsdeck-clock 1796…" anywhere.
    m_stderrPartial += data;
    const qsizetype end = m_stderrPartial.lastIndexOf('\n');
    if (end < 0) {
        if (m_stderrPartial.size() > kMaxStderrBytes)
            m_stderrPartial.clear();
        return;
    }
    const QByteArray whole = m_stderrPartial.left(end);
    m_stderrPartial.remove(0, end + 1);
    for (const QByteArray &line : whole.split('\n')) {
        if (line.startsWith("opsdeck-clock ")) {
            const qint64 hostMs = line.mid(14).trimmed().toLongLong();
            if (hostMs)
                m_skewMs = hostMs - nowMs();
            noteBack(); // the command runs on the host again
        } else if (line.startsWith("opsdeck-scanned ")) {
            m_scanned = qMax<qint64>(0, m_scanned) + line.mid(16).trimmed().toLongLong();
        } else if (line.startsWith("opsdeck-missing")) {
            m_error = tr("no file matches %1 on %2").arg(m_plan.source.path, m_plan.host);
        } else if (!line.trimmed().isEmpty() && m_stderr.size() < kMaxStderrBytes) {
            m_stderr += line.left(kMaxStderrBytes) + '\n';
        }
    }
}

void LogStream::flushPartial()
{
    m_unparsed.flush();
}

void LogStream::ended(bool clean, bool dropped, const QString &why)
{
    flushPartial();
    // What arrived before the end is parsed and handed on first.
    m_pendingEnd = [this, clean, dropped, why] {
        conclude(clean, dropped, why);
    };
    parseNext();
}

void LogStream::conclude(bool clean, bool dropped, const QString &why)
{
    if (m_stopped)
        return;
    endHistory(); // what was read is all the history there will be
    if (m_query.follow && (dropped || clean)) {
        if (!m_lostAtMs) {
            m_lostAtMs = nowMs();
            emit entriesReceived({gapEntry(tr("lost the stream (%1); reconnecting").arg(why))});
        }
        setState(State::Reconnecting);
        m_reconnect.start();
        return;
    }
    if (!clean)
        m_error = why;
    setState(clean ? State::Done : State::Failed);
}

void LogStream::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

LogEntry LogStream::gapEntry(const QString &message) const
{
    LogEntry e;
    e.isGap = true;
    e.timeMs = nowMs() + m_skewMs;
    e.level = LogLevel::Warning;
    e.host = m_plan.host;
    e.source = m_plan.source.name;
    e.message = message;
    return e;
}

} // namespace Opsdeck
