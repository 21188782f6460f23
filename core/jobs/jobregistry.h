// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "job.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <deque>

namespace Opsdeck {

/**
 * What this process has run as Jobs — deploy builds, health gates, flag writes, lock changes,
 * after-save commands, dumps and restores — for one live view (the console's Jobs panel). Each
 * job is listed when it starts, wherever it was started from; its output and result stay after
 * its owner deleted it. Bounded: the newest kKeptRecords jobs, each with its newest
 * kKeptCharacters of output.
 *
 * At most one exists, made by whoever shows the list (the console; the command line has none,
 * its commands print their own output). Lives on the thread of the jobs it tracks.
 */
class JobRegistry final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kKeptRecords = 100;
    static constexpr qsizetype kKeptCharacters = 256 * 1024;

    struct Record
    {
        quint64 id = 0;
        QString title;
        QString environment;
        QString command;
        QDateTime started;
        QDateTime ended;
        Job::State state = Job::State::Running;
        /** "exit 3", "timed out after 60 s", the last line on success. */
        QString outcome;
        QStringList lines;
        qsizetype characters = 0;
        int droppedLines = 0; // the oldest lines let go to stay within kKeptCharacters
        QPointer<Job> job;    // null once its owner deleted it
        bool isRunning() const { return state == Job::State::Running; }
    };

    explicit JobRegistry(QObject *parent = nullptr);
    ~JobRegistry() override;
    /** The registry jobs announce themselves to, or nullptr when nothing lists them. */
    static JobRegistry *instance();

    /** Called by Job::start(); a job on another thread than the registry's is not listed. */
    void track(Job *job);

    int count() const { return int(m_records.size()); }
    const Record &at(int row) const { return m_records.at(size_t(row)); }
    /** -1 when the record was dropped. */
    int rowOf(quint64 id) const;
    int runningCount() const;
    void cancel(int row);

signals:
    void recordAboutToBeAdded(int row);
    void recordAdded(int row);
    void recordChanged(int row);
    void recordAboutToBeDropped(int row);
    void recordDropped(int row);
    void lineAdded(quint64 id, const QString &line);
    void runningCountChanged(int running);

private:
    void addLine(quint64 id, const QString &line);
    void end(quint64 id, Job::State state, const QString &outcome);
    void dropOldestFinished();
    Record *find(quint64 id);

    std::deque<Record> m_records;
    quint64 m_nextId = 1;
};

} // namespace Opsdeck
