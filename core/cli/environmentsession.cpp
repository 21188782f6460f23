// SPDX-License-Identifier: GPL-3.0-or-later
#include "environmentsession.h"

#include "common/suggest.h"
#include "workspace/yamlreader.h"

namespace Opsdeck {

QString unknownEnvironment(const QString &typed, const QString &workspacePath,
                           const QStringList &known)
{
    return QStringLiteral("no environment '%1' in %2%3 (known: %4)")
        .arg(typed, workspacePath, didYouMean(typed, known), joinedNames(known));
}

Result<std::unique_ptr<EnvironmentSession>> EnvironmentSession::open(const QString &workspacePath,
                                                                     const QString &environment)
{
    using R = Result<std::unique_ptr<EnvironmentSession>>;
    if (workspacePath.isEmpty())
        return R::failure(
            QStringLiteral("no workspace: give -w FILE or $OPSDECK_WORKSPACE, or run it inside a "
                           "directory with an opsdeck.yaml"));
    WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(workspacePath);
    if (!loaded.ok()) {
        QStringList lines;
        for (const Diagnostic &d : loaded.diagnostics)
            if (d.isError())
                lines << d.toString();
        return R::failure(lines.join(QLatin1Char('\n')));
    }
    if (!loaded.workspace->environment(environment))
        return R::failure(
            unknownEnvironment(environment, workspacePath, loaded.workspace->environmentNames()));
    std::unique_ptr<EnvironmentSession> session(new EnvironmentSession);
    session->m_pool = std::make_unique<SshPool>(*loaded.workspace, &session->m_prompter);
    session->m_contexts =
        std::make_unique<EnvironmentContexts>(std::move(*loaded.workspace), session->m_pool.get());
    session->m_context = session->m_contexts->context(environment);
    return R(std::move(session));
}

QString EnvironmentSession::databaseTarget() const
{
    const std::optional<DatabaseSpec> &db = environment().database;
    if (!db)
        return {};
    const Result<PgTarget> t = PgConnection::target(db->conninfo);
    QString text =
        t ? QStringLiteral("%1 on %2:%3").arg(t->database, t->host).arg(t->port) : db->conninfo;
    if (!db->tunnel.isEmpty())
        text += QStringLiteral(" via %1").arg(db->tunnel);
    return text;
}

Result<PgConnection *> EnvironmentSession::database(Role role)
{
    DatabaseSession *database = role == Role::Action    ? m_context->actionSession()
                                : role == Role::Console ? m_context->consoleSession()
                                                        : m_context->monitoringSession();
    if (!database)
        return Result<PgConnection *>::failure(
            QStringLiteral("environment '%1' has no database").arg(m_context->name()));
    return connected(database);
}

Result<PgConnection *> EnvironmentSession::replica(const QString &name)
{
    DatabaseSession *database = m_context->replicaSession(name);
    if (!database)
        return Result<PgConnection *>::failure(
            QStringLiteral("environment '%1' has no replica '%2'").arg(m_context->name(), name));
    return connected(database);
}

Result<PgConnection *> EnvironmentSession::connected(DatabaseSession *database)
{
    // A command may block: wait for the one attempt, with no retries behind the user's back.
    QEventLoop loop;
    Result<PgConnection *> outcome =
        Result<PgConnection *>::failure(QStringLiteral("not connected"));
    QObject guard;
    database->whenReady(&guard, [&](PgConnection *pg, const QString &error) {
        outcome = pg ? Result<PgConnection *>(pg) : Result<PgConnection *>::failure(error);
        loop.quit();
    });
    if (!database->connection() && database->state() != DatabaseSession::State::Waiting)
        loop.exec();
    return outcome;
}

} // namespace Opsdeck
