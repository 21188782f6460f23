// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>

namespace Opsdeck {

class SshExec;
class SshPool;

/** How one host's script ended. */
struct HostOutcome
{
    QString host;
    int exitStatus = -1; // -1: it did not run to the end (see error)
    QString error;
    QByteArray output; // stdout, when captured
    bool cancelled = false;

    bool ok() const { return exitStatus == 0; }
    /** The host was lost mid-way (or never reached): its state is unknown. */
    bool lost() const { return exitStatus < 0 && !cancelled; }
    QString describe() const;
};

/**
 * Runs one script per host, all hosts at once, streaming their output as it arrives. The SSH
 * sessions are the pool's: a fan-out never waits on the network itself.
 */
class HostFanOut final : public QObject
{
    Q_OBJECT

public:
    HostFanOut(SshPool *pool, QObject *parent = nullptr);

    /** One script on one host whose stdout is parsed (kept, not streamed). The read belongs to
     * the pool: closed with it, its future ends without a result ("did not finish"). */
    static QFuture<HostOutcome> read(SshPool *pool, const QString &host, const QString &script);

    /** Starts `scriptFor(host)` on every host; an empty script finishes at once with status 0. */
    void start(const QStringList &hosts, const std::function<QString(const QString &)> &scriptFor);
    /** Keep stdout in HostOutcome::output (for scripts whose output is parsed). */
    void setCaptureOutput(bool capture) { m_capture = capture; }
    /** Also send output through outputReceived (default on). */
    void setStreamOutput(bool stream) { m_stream = stream; }
    void cancel();
    bool isRunning() const { return m_pending > 0; }
    QList<HostOutcome> outcomes() const { return m_outcomes; }

signals:
    void outputReceived(const QString &host, const QByteArray &data);
    void hostFinished(const Opsdeck::HostOutcome &outcome);
    void finished(const QList<Opsdeck::HostOutcome> &outcomes);

private:
    void finishHost(const QString &host, SshExec *exec);

    SshPool *m_pool;
    bool m_capture = false;
    bool m_stream = true;
    bool m_cancelled = false;
    int m_pending = 0;
    QList<HostOutcome> m_outcomes;
    QHash<QString, QPointer<SshExec>> m_execs;
};

} // namespace Opsdeck
