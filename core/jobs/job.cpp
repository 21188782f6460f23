// SPDX-License-Identifier: GPL-3.0-or-later
#include "job.h"

#include "jobregistry.h"

#include "common/shellquote.h"
#include "ssh/sshclient.h"

#include <QPointer>
#include <QProcess>

namespace Opsdeck {

namespace {

class LocalJob final : public Job
{
public:
    LocalJob(const QString &title, const QString &program, const QStringList &arguments,
             const QString &shown, QObject *parent)
        : Job(title, shown, parent)
        , m_program(program)
        , m_arguments(arguments)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        connect(&m_process, &QProcess::readyRead, this, [this] { receive(m_process.readAll()); });
        connect(&m_process, &QProcess::finished, this,
                [this](int exitCode, QProcess::ExitStatus status) {
                    receive(m_process.readAll());
                    complete(status == QProcess::NormalExit ? exitCode : -1,
                             status == QProcess::NormalExit ? QString() : m_process.errorString());
                });
        connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart)
                complete(-1, m_process.errorString());
        });
    }
    ~LocalJob() override
    {
        m_process.disconnect(this); // QProcess's destructor kills and reaps; nothing to report
    }
    QProcess &process() { return m_process; }

protected:
    void begin() override { m_process.start(m_program, m_arguments); }
    void abort() override
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill(); // the shell's children keep running only if they detach themselves
    }

private:
    QString m_program;
    QStringList m_arguments;
    QProcess m_process;
};

class RemoteJob final : public Job
{
public:
    RemoteJob(const QString &title, SshClient *client, const QString &command, QObject *parent)
        : Job(title, command, parent)
        , m_client(client)
    {}
    ~RemoteJob() override { abort(); }

protected:
    void begin() override
    {
        if (!m_client)
            return complete(-1, QStringLiteral("no SSH session for this host"));
        m_exec = m_client->exec(command(), this);
        m_exec->setCaptureOutput(false); // the job keeps its own bounded lines
        connect(m_exec, &SshExec::stdoutReceived, this, &RemoteJob::receive);
        connect(m_exec, &SshExec::stderrReceived, this, &RemoteJob::receive);
        connect(m_exec, &SshExec::finished, this, [this](int status) {
            complete(status, m_exec ? m_exec->errorString() : QString());
        });
    }
    void abort() override
    {
        if (m_exec)
            m_exec->cancel();
    }

private:
    QPointer<SshClient> m_client;
    QPointer<SshExec> m_exec;
};

} // namespace

Job::Job(const QString &title, const QString &command, QObject *parent)
    : QObject(parent)
    , m_title(title)
    , m_command(command)
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(kDefaultTimeout);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        stop(State::Failed,
             QStringLiteral("timed out after %1 s").arg(m_timeout.interval() / 1000));
    });
}

Job::~Job() = default;

Job *Job::local(const QString &title, const QString &command, const QString &workingDirectory,
                QObject *parent)
{
    auto *job = new LocalJob(title, QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command},
                             command, parent);
    job->process().setWorkingDirectory(workingDirectory);
    return job;
}

Job *Job::program(const QString &title, const QString &program, const QStringList &arguments,
                  const QProcessEnvironment &environment, QObject *parent)
{
    QStringList shown{program};
    for (const QString &argument : arguments)
        shown << shellQuote(argument);
    auto *job = new LocalJob(title, program, arguments, shown.join(QLatin1Char(' ')), parent);
    job->process().setProcessEnvironment(environment);
    return job;
}

Job *Job::remote(const QString &title, SshClient *client, const QString &command, QObject *parent)
{
    return new RemoteJob(title, client, command, parent);
}

void Job::start()
{
    if (m_state != State::NotStarted)
        return;
    m_state = State::Running;
    if (m_timeout.interval() > 0)
        m_timeout.start();
    if (JobRegistry *registry = JobRegistry::instance())
        registry->track(this);
    begin();
}

void Job::cancel()
{
    if (m_state == State::Running)
        stop(State::Cancelled, QStringLiteral("cancelled"));
}

void Job::stop(State state, const QString &why)
{
    // Killing the command makes it end with some exit status; the job reports why it ended.
    m_stopState = state;
    m_stopReason = why;
    abort();
    if (state == State::Cancelled && endsLaterWhenCancelled())
        return;
    complete(-1, why); // when abort() has not delivered the end already
}

void Job::completeAs(State state, const QString &outcome)
{
    if (m_state != State::Running)
        return;
    if (state == State::Succeeded) {
        m_stopReason.clear();
        if (!outcome.isEmpty())
            receive(outcome.toUtf8() + '\n'); // the result is the last line: the summary
        return complete(0, QString());
    }
    m_stopState = state;
    m_stopReason = outcome.isEmpty() ? QStringLiteral("failed") : outcome;
    complete(-1, m_stopReason);
}

void Job::receive(const QByteArray &data)
{
    m_partial += data;
    // One pass and one removal: a chunk of thousands of lines costs its length, not its square.
    qsizetype start = 0, newline;
    while ((newline = m_partial.indexOf('\n', start)) >= 0) {
        addLine(QString::fromUtf8(m_partial.constData() + start, newline - start));
        start = newline + 1;
    }
    m_partial.remove(0, start);
    if (m_partial.size() > kMaxLineLength) { // a line without end: show what came
        addLine(QString::fromUtf8(m_partial));
        m_partial.clear();
    }
}

void Job::addLine(QString line)
{
    if (line.endsWith(QLatin1Char('\r')))
        line.chop(1);
    if (line.size() > kMaxLineLength)
        line = line.left(kMaxLineLength) + QStringLiteral(" …");
    if (m_lines.size() == kMaxLines)
        m_lines.removeFirst();
    m_lines << line;
    emit lineReceived(line);
}

void Job::complete(int exitStatus, const QString &error)
{
    if (m_state != State::Running)
        return;
    m_timeout.stop();
    if (!m_partial.isEmpty()) {
        addLine(QString::fromUtf8(m_partial));
        m_partial.clear();
    }
    m_exitStatus = m_stopReason.isEmpty() ? exitStatus : -1;
    if (!m_stopReason.isEmpty()) {
        m_state = m_stopState;
        m_result = Result<QString>::failure(m_stopReason);
    } else if (exitStatus == 0) {
        m_state = State::Succeeded;
        m_result = Result<QString>(m_lines.isEmpty() ? QString() : m_lines.last());
    } else {
        m_state = State::Failed;
        QString why = exitStatus > 0 ? QStringLiteral("exit %1").arg(exitStatus) : error;
        if (exitStatus > 0 && !error.isEmpty())
            why += QStringLiteral(": ") + error;
        m_result = Result<QString>::failure(why.isEmpty() ? QStringLiteral("failed") : why);
    }
    emit finished(m_result);
}

} // namespace Opsdeck
