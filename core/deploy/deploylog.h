// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hostlines.h"

#include <QFile>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <utility>

namespace Opsdeck {

/**
 * The output of one job: every line goes to a file on disk (the full log, openable afterwards);
 * memory keeps only the newest lines, overall and per host, so a million-line build costs the
 * same memory as a short one. Views follow it through monotonic line numbers: `first(host)` is
 * the oldest line still held, `end(host)` one past the newest.
 */
class DeployLog final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kAllHosts = -1;
    struct Line
    {
        QByteArray text;
        int host = kAllHosts; // index into hosts(); kAllHosts for Opsdeck's own lines
    };

    /** `filePath` empty: memory only. `capacity`: lines kept in memory per view. */
    explicit DeployLog(const QString &filePath, int capacity = 100000, QObject *parent = nullptr);
    ~DeployLog() override;

    /** Default place for a job's log: <app data>/deploy-logs/<workspace>-<env>-<time>-<kind>.log */
    static QString defaultFilePath(const QString &workspace, const QString &environment,
                                   const QString &kind);

    /** Declares the hosts up front so views can follow a host before it has said anything. */
    void addHosts(const QStringList &hosts);
    /** Raw output as the runner emits it (any chunking); `host` empty for Opsdeck's lines. */
    void append(const QString &host, const QByteArray &data);
    /** End of the job: partial lines are flushed once everything queued has been taken in. */
    void finish();
    /** Nothing queued: every line appended so far is in the views and the file. */
    bool isIdle() const { return m_queue.empty() && !m_finishing; }

    QString filePath() const { return m_file.fileName(); }
    QString fileError() const { return m_fileError; }
    QStringList hosts() const { return m_hosts; }
    int capacity() const { return m_capacity; }
    qint64 totalLines() const { return m_totalLines; }

    /** Oldest line still held in the view for `host` (kAllHosts: the combined view). */
    qint64 first(int host = kAllHosts) const;
    qint64 end(int host = kAllHosts) const;
    /** Line `index` of that view; nullptr once it has been dropped from memory. */
    const Line *line(qint64 index, int host = kAllHosts) const;

signals:
    /** Lines arrived; coalesced so that a burst is one signal (views update in batches). */
    void linesAdded();
    /** finish() was called and everything before it has been taken in. */
    void finished();

private:
    struct View
    {
        std::deque<Line> lines;
        qint64 dropped = 0; // lines that fell off the front
    };

    /** Takes in queued output for one time slice, so a huge chunk never stalls the event loop. */
    void drain();
    void addLine(const QString &host, const QByteArray &text);
    int hostIndex(const QString &host);
    void push(View &view, const Line &line);
    const View *view(int host) const;

    QFile m_file;
    QString m_fileError;
    HostLineSplitter m_splitter;
    QStringList m_hosts;
    QByteArrayList m_prefixes; // "web1 | " per host, for the file
    QByteArray m_fileLine;
    View m_all;
    std::vector<View> m_perHost;
    int m_capacity;
    qint64 m_totalLines = 0;
    QTimer m_notify;
    std::deque<std::pair<QString, QByteArray>> m_queue;
    qsizetype m_queueOffset = 0; // taken in from the front chunk so far
    QTimer m_drain;
    bool m_finishing = false;
};

} // namespace Opsdeck
