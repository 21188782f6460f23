// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTimer>

#include <chrono>

namespace Opsdeck {

class SshClient;

/**
 * One command run for the user — locally (`/bin/sh -c` in a directory) or on a host over its
 * SSH session — with what every such command needs and none had before: output as lines (the
 * newest kMaxLines kept, each cut at kMaxLineLength: a chatty or hostile command cannot fill
 * memory), cancel, a timeout, and one Result at the end ("exit 3", "timed out after 60 s",
 * "cancelled"). Never blocks: signals arrive on the thread that owns the job. A job started
 * while a JobRegistry exists (the console has one) is listed in the Jobs view.
 *
 *     Job *job = Job::local(tr("after-save"), command, directory, this);
 *     connect(job, &Job::lineReceived, view, &QPlainTextEdit::appendPlainText);
 *     connect(job, &Job::finished, this, [](const Result<QString> &r) { … });
 *     job->start();
 */
class Job : public QObject
{
    Q_OBJECT

public:
    enum class State { NotStarted, Running, Succeeded, Failed, Cancelled };
    static constexpr int kMaxLines = 10'000;
    static constexpr int kMaxLineLength = 4'096;
    static constexpr std::chrono::seconds kDefaultTimeout{300};

    static Job *local(const QString &title, const QString &command, const QString &workingDirectory,
                      QObject *parent = nullptr);
    /** A program run without a shell, in `environment` (secrets go there, never in arguments,
     * which every user of the machine can read). */
    static Job *program(const QString &title, const QString &program, const QStringList &arguments,
                        const QProcessEnvironment &environment, QObject *parent = nullptr);
    static Job *remote(const QString &title, SshClient *client, const QString &command,
                       QObject *parent = nullptr);
    ~Job() override;

    QString title() const { return m_title; }
    QString command() const { return m_command; }
    /** The environment the command acts on, when its caller knows it (shown in the Jobs view). */
    QString environment() const { return m_environment; }
    void setEnvironment(const QString &environment) { m_environment = environment; }
    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    /** The newest output lines (stdout and stderr interleaved as they came). */
    QStringList lines() const { return m_lines; }
    /** Valid once finished: the last line of output on success, why it failed otherwise. */
    Result<QString> result() const { return m_result; }
    /** The command's exit status once it ended by itself; -1 when it did not (cancelled, timed
     * out, the connection lost): callers whose commands exit with meaningful codes read it. */
    int exitStatus() const { return m_exitStatus; }

    /** Zero: no timeout (for work that bounds itself, such as a deploy's recipe). */
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout.setInterval(timeout); }
    void start();
    void cancel();

signals:
    void lineReceived(const QString &line);
    void finished(const Result<QString> &result);

protected:
    Job(const QString &title, const QString &command, QObject *parent);
    virtual void begin() = 0;
    virtual void abort() = 0;
    /** Subclasses pass output as it arrives and the end once. */
    void receive(const QByteArray &data);
    void complete(int exitStatus, const QString &error);
    /** Ends with `state` and `outcome` as said, for jobs whose work is not one command. */
    void completeAs(State state, const QString &outcome);
    /** True for jobs whose abort() only asks their work to stop: cancel() then waits for the
     * work to end (and say so through completeAs()) instead of ending the job at once. */
    virtual bool endsLaterWhenCancelled() const { return false; }

private:
    void stop(State state, const QString &why);
    void addLine(QString line);

    QString m_title;
    QString m_command;
    QString m_environment;
    State m_state = State::NotStarted;
    int m_exitStatus = -1;
    State m_stopState = State::Failed;
    QString m_stopReason; // set when the job was cancelled or timed out, not the command
    QTimer m_timeout;
    QByteArray m_partial;
    QStringList m_lines;
    Result<QString> m_result = Result<QString>::failure(QStringLiteral("not finished"));
};

} // namespace Opsdeck
