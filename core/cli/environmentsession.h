// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pg/pgconnection.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "workspace/workspaceloader.h"

#include <QEventLoop>
#include <QFutureWatcher>

#include <memory>

namespace Opsdeck {

/** "no environment 'stagin' in FILE — did you mean 'staging'? (known: staging, production)" */
QString unknownEnvironment(const QString &typed, const QString &workspacePath,
                           const QStringList &known);

/**
 * What a command needs to reach one environment from a terminal: the workspace, its SSH pool
 * (unknown host keys are refused: there is nobody to ask) and, on demand, a database session
 * through the environment's tunnel.
 */
class EnvironmentSession final
{
public:
    /** Loads the workspace and finds the environment; the error is ready to print. */
    static Result<std::unique_ptr<EnvironmentSession>> open(const QString &workspacePath,
                                                            const QString &environment);

    const Workspace &workspace() const { return m_contexts->workspace(); }
    const EnvironmentSpec &environment() const { return m_context->environment(); }
    /** The same context a pane of this environment gets: its sessions, flags backend, audit. */
    EnvironmentContext &context() const { return *m_context; }
    enum class Role { Monitoring, Action, Console };
    /** The context's monitoring (read-only) or action session, connected once; no retries. */
    Result<PgConnection *> database(Role role = Role::Monitoring);
    SshPool *pool() const { return m_pool.get(); }
    QString databaseTarget() const;
    /** The named replica's monitoring session, connected (one attempt), or why not. */
    Result<PgConnection *> replica(const QString &name);

    /** Commands may block: runs an event loop until the future is done. */
    template<typename T>
    static T wait(const QFuture<T> &future)
    {
        QFutureWatcher<T> watcher;
        QEventLoop loop;
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(future);
        if (!future.isFinished())
            loop.exec();
        return future.resultCount() > 0 ? future.result() : T();
    }

private:
    EnvironmentSession() = default;
    /** Waits for the one connection attempt of `database`. */
    static Result<PgConnection *> connected(DatabaseSession *database);

    FixedPrompter m_prompter{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;
    std::unique_ptr<EnvironmentContexts> m_contexts; // after the pool: closed first
    EnvironmentContext *m_context = nullptr;
};

} // namespace Opsdeck
