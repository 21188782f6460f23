// SPDX-License-Identifier: GPL-3.0-or-later
#include "environmentsession.h"

#include "workspace/yamlreader.h"

namespace Opsdeck {

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
        return R::failure(QStringLiteral("no environment '%1' in %2 (known: %3)")
                              .arg(environment, workspacePath,
                                   joinedNames(loaded.workspace->environmentNames())));
    std::unique_ptr<EnvironmentSession> session(new EnvironmentSession);
    session->m_workspace = std::move(*loaded.workspace);
    session->m_environment = environment;
    session->m_pool = std::make_unique<SshPool>(session->m_workspace, &session->m_prompter);
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

Result<PgConnection *> EnvironmentSession::database(const PgSessionSettings &settings)
{
    using R = Result<PgConnection *>;
    const std::optional<DatabaseSpec> &db = environment().database;
    if (!db)
        return R::failure(QStringLiteral("environment '%1' has no database").arg(m_environment));
    m_database = std::make_unique<PgConnection>(db->conninfo, settings);
    if (!db->tunnel.isEmpty()) {
        const Result<PgTarget> target = PgConnection::target(db->conninfo);
        if (!target)
            return target.error();
        const Result<quint16> port =
            wait(m_pool->client(db->tunnel)->openTunnel(target->host, target->port));
        if (!port)
            return R::failure(
                QStringLiteral("tunnel via %1: %2").arg(db->tunnel, port.errorString()));
        m_database->setTunnelPort(*port);
    }
    const Status opened = wait(m_database->open());
    if (!opened)
        return opened.error();
    return m_database.get();
}

} // namespace Opsdeck
