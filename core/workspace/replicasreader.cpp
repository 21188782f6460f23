// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployreader.h"

#include <QRegularExpression>

namespace Opsdeck {

namespace {

std::optional<ReplicaSpec> readReplica(
    YamlReader &reader, const YAML::Node &item, const QString &p, const QString &defaultTunnel,
    const std::function<void(const YAML::Node &, const QString &, const QString &)> &requireHost)
{
    static const QStringList keys = {QStringLiteral("name"), QStringLiteral("conninfo"),
                                     QStringLiteral("tunnel")};
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z0-9_.@-]+$"));
    if (!reader.checkMap(item, p, keys))
        return std::nullopt;
    ReplicaSpec replica;
    replica.position = YamlReader::position(item);
    replica.tunnel = defaultTunnel;
    if (!item["name"] || !item["conninfo"]) {
        reader.error(item, p, QStringLiteral("a replica needs name: and conninfo:"));
        return std::nullopt;
    }
    replica.name = reader.string(item["name"], p + QStringLiteral(".name")).value_or(QString());
    if (!plainName.match(replica.name).hasMatch()) {
        reader.error(item["name"], p + QStringLiteral(".name"),
                     QStringLiteral("'%1': use letters, digits and . _ - @").arg(replica.name));
        return std::nullopt;
    }
    replica.conninfo =
        reader.string(item["conninfo"], p + QStringLiteral(".conninfo")).value_or(QString());
    if (item["tunnel"]) {
        // An empty tunnel says "directly", even when the primary goes through one.
        replica.tunnel =
            reader.string(item["tunnel"], p + QStringLiteral(".tunnel")).value_or(QString());
        requireHost(item["tunnel"], p + QStringLiteral(".tunnel"), replica.tunnel);
    }
    return replica;
}

} // namespace

QList<ReplicaSpec> readReplicas(
    YamlReader &reader, const YAML::Node &node, const QString &path, const QString &defaultTunnel,
    const std::function<void(const YAML::Node &, const QString &, const QString &)> &requireHost)
{
    QList<ReplicaSpec> replicas;
    if (!node.IsSequence()) {
        reader.error(node, path,
                     QStringLiteral("a list of standbys: - {name: standby1, conninfo: \"...\"}"));
        return replicas;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        const QString p = QStringLiteral("%1[%2]").arg(path).arg(i);
        std::optional<ReplicaSpec> replica =
            readReplica(reader, node[i], p, defaultTunnel, requireHost);
        if (!replica)
            continue;
        const bool duplicate =
            std::any_of(replicas.cbegin(), replicas.cend(),
                        [&](const ReplicaSpec &r) { return r.name == replica->name; });
        if (duplicate)
            reader.error(node[i]["name"], p + QStringLiteral(".name"),
                         QStringLiteral("'%1' is listed twice").arg(replica->name));
        else
            replicas << *replica;
    }
    return replicas;
}

} // namespace Opsdeck
