// SPDX-License-Identifier: GPL-3.0-or-later
#include "databaseowner.h"

#include "pg/pgconnection.h"
#include "workspace/workspace.h"

namespace Opsdeck {

namespace {

struct Server
{
    QString host;
    int port = 0;
    QString tunnel;
    bool operator==(const Server &) const = default;
};

std::optional<std::pair<Server, QString>> serverAndDatabase(const EnvironmentSpec &env)
{
    if (!env.database)
        return std::nullopt;
    const Result<PgTarget> target = PgConnection::target(env.database->conninfo);
    if (!target)
        return std::nullopt;
    return std::pair(Server{target->host, target->port, env.database->tunnel}, target->database);
}

} // namespace

DatabaseOwner databaseOwner(const Workspace &workspace, const EnvironmentSpec &from,
                            const QString &database)
{
    DatabaseOwner strictest{from.name, from.isProtected, false};
    const auto home = serverAndDatabase(from);
    if (!home)
        return strictest;
    DatabaseOwner owner;
    for (const EnvironmentSpec &env : workspace.environments) {
        const auto other = serverAndDatabase(env);
        if (!other || other->first != home->first)
            continue;
        if (env.isProtected && !strictest.isProtected)
            strictest = {env.name, true, false};
        if (!database.isEmpty() && other->second == database &&
            (!owner.known || (env.isProtected && !owner.isProtected)))
            owner = {env.name, env.isProtected, true};
    }
    return owner.known ? owner : strictest;
}

} // namespace Opsdeck
