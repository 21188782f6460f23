// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logparse.h"
#include "logquery.h"

#include "linebuffer.h"

#include <QObject>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>

#include <functional>
#include <memory>

namespace Opsdeck {

class DockerEngine;
class DockerLogDecoder;
class SshClient;
class SshExec;

/**
 * One source on one host, read as its plan says: a command over the host's SSH session (or the
 * Docker engine's logs endpoint), its lines parsed and handed on in batches. A followed stream
 * that drops (the host restarted, the network went away) reconnects every few seconds and
 * resumes where it was (the journal's cursor; files' new lines), marking the gap with an entry.
 * Never blocks; lives on the thread that owns it.
 */
class LogStream final : public QObject
{
    Q_OBJECT

public:
    enum class State { Reading, Following, Reconnecting, Done, Failed };
    static constexpr int kReconnectDelayMs = 2000;
    static constexpr qsizetype kMaxChunkBytes = 2 * 1024 * 1024;
    static constexpr qsizetype kMaxLineBytes = 64 * 1024; // longer lines are cut

    LogStream(LogStreamPlan plan, LogQuery query, SshClient *ssh, DockerEngine *docker,
              QObject *parent = nullptr);
    ~LogStream() override;

    const LogStreamPlan &plan() const { return m_plan; }
    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    /** The host's clock minus ours, measured when the command started; 0 until known. */
    qint64 clockSkewMs() const { return m_skewMs; }
    /** Bytes the host scanned to answer (files), -1 when not known. */
    qint64 scannedBytes() const { return m_scanned; }
    qint64 linesRead() const { return m_lines; }
    bool isFinished() const { return m_state == State::Done || m_state == State::Failed; }
    /** Everything before "now" has been read (the query's window or newest lines); what
     * follows is new. True at the end of a stream that does not follow. */
    bool hasHistoryEnded() const { return m_historyEnded; }

    void start();
    void stop();

signals:
    void entriesReceived(const QList<Opsdeck::LogEntry> &entries);
    void stateChanged(Opsdeck::LogStream::State state);
    void historyFinished();

private:
    void startSsh();
    void startDocker(bool following);
    void endHistory();
    void noteBack();
    struct ParseState;
    struct ParsedChunk;
    static ParsedChunk parseChunk(ParseState &state, const LineBuffer::Lines &lines,
                                  qint64 received);
    void receive(const QByteArray &data);
    void parseNext();
    void conclude(bool clean, bool dropped, const QString &why);
    void receiveControl(const QByteArray &data);
    void ended(bool clean, bool dropped, const QString &why);
    void setState(State state);
    LogEntry gapEntry(const QString &message) const;
    void flushPartial();

    LogStreamPlan m_plan;
    LogQuery m_query;
    QPointer<SshClient> m_ssh;
    QPointer<DockerEngine> m_docker;
    QPointer<SshExec> m_exec;
    quint64 m_dockerFollow = 0;
    std::unique_ptr<DockerLogDecoder> m_decoder;
    std::shared_ptr<ParseState> m_parseState; // shared with the pool task parsing a chunk
    LineBuffer m_unparsed{
        kMaxLineBytes}; // whole lines waiting for the parser, and the one not finished yet
    bool m_parsing = false;
    std::function<void()> m_pendingEnd; // the stream ended: run once the parser caught up
    QByteArray m_stderr;                // what the command said on stderr, for its error
    QByteArray m_stderrPartial;         // a stderr line not finished yet
    QTimer m_reconnect;
    State m_state = State::Reading;
    QString m_error;
    qint64 m_skewMs = 0;
    qint64 m_scanned = -1;
    qint64 m_lines = 0;
    qint64 m_lastTimeMs = 0;
    qint64 m_lostAtMs = 0; // when a followed stream dropped, until it is back
    bool m_stopped = false;
    bool m_resumed = false;
    bool m_historyEnded = false;
};

} // namespace Opsdeck
