// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployreader.h"

namespace Opsdeck {

namespace {

const QStringList kSwarmKeys = {
    QStringLiteral("kind"),         QStringLiteral("manager"),  QStringLiteral("stack"),
    QStringLiteral("compose_file"), QStringLiteral("image"),    QStringLiteral("repo"),
    QStringLiteral("build"),        QStringLiteral("registry"), QStringLiteral("docker_socket"),
    QStringLiteral("services"),     QStringLiteral("release"),  QStringLiteral("healthcheck"),
    QStringLiteral("update")};
const QStringList kComposeKeys = {
    QStringLiteral("kind"),         QStringLiteral("host"),     QStringLiteral("project"),
    QStringLiteral("compose_file"), QStringLiteral("image"),    QStringLiteral("repo"),
    QStringLiteral("build"),        QStringLiteral("registry"), QStringLiteral("docker_socket"),
    QStringLiteral("services"),     QStringLiteral("release"),  QStringLiteral("healthcheck"),
    QStringLiteral("update")};
const QStringList kBuildKeys = {QStringLiteral("host"), QStringLiteral("context"),
                                QStringLiteral("dockerfile")};
const QStringList kUpdateKeys = {QStringLiteral("parallelism"), QStringLiteral("order"),
                                 QStringLiteral("failure_action"), QStringLiteral("monitor")};

class ContainerReader final
{
public:
    ContainerReader(YamlReader &reader, const QString &path, const EnvironmentSpec &environment)
        : m_r(reader)
        , m_p(path)
        , m_env(environment)
    {}

    QString at(const char *key) const { return m_p + QLatin1Char('.') + QLatin1String(key); }

    QString required(const YAML::Node &node, const char *key, const QString &what)
    {
        if (!node[key]) {
            m_r.error(node, m_p, QStringLiteral("missing '%1' (%2)").arg(QLatin1String(key), what));
            return {};
        }
        return m_r.string(node[key], at(key)).value_or(QString());
    }

    QString optional(const YAML::Node &node, const char *key, const QString &fallback)
    {
        return node[key] ? m_r.string(node[key], at(key)).value_or(fallback) : fallback;
    }

    void requireEnvironmentHost(const YAML::Node &node, const QString &path, const QString &host)
    {
        if (!host.isEmpty() && !m_env.hosts.contains(host))
            m_r.error(node, path,
                      QStringLiteral("'%1' is not one of this environment's hosts (%2)")
                          .arg(host, joinedNames(m_env.hosts)));
    }

    void readBuild(const YAML::Node &node, ContainerDeploySpec &spec)
    {
        spec.buildHost = spec.host;
        if (!node["build"])
            return;
        const YAML::Node b = node["build"];
        const QString p = at("build");
        if (!m_r.checkMap(b, p, kBuildKeys))
            return;
        if (b["host"]) {
            spec.buildHost = m_r.string(b["host"], p + QStringLiteral(".host")).value_or(spec.host);
            requireEnvironmentHost(b["host"], p + QStringLiteral(".host"), spec.buildHost);
        }
        if (b["context"])
            spec.buildContext = m_r.string(b["context"], p + QStringLiteral(".context"))
                                    .value_or(QStringLiteral("."));
        if (b["dockerfile"])
            spec.dockerfile = m_r.string(b["dockerfile"], p + QStringLiteral(".dockerfile"))
                                  .value_or(QStringLiteral("Dockerfile"));
        if (spec.buildContext.startsWith(QLatin1Char('/')) ||
            spec.buildContext.split(QLatin1Char('/')).contains(QStringLiteral("..")))
            m_r.error(
                b["context"], p + QStringLiteral(".context"),
                QStringLiteral("'%1' must be a path inside the repository").arg(spec.buildContext));
    }

    void readUpdate(const YAML::Node &node, ContainerDeploySpec &spec)
    {
        if (!node["update"])
            return;
        const YAML::Node u = node["update"];
        const QString p = at("update");
        // A compose project's containers are recreated one at a time, stop-first, and put back
        // by Opsdeck: only how long a new one must keep running is the workspace's to say.
        if (!m_r.checkMap(u, p,
                          spec.kind == ContainerDeploySpec::Kind::Compose
                              ? QStringList{QStringLiteral("monitor")}
                              : kUpdateKeys))
            return;
        if (u["parallelism"])
            spec.updateParallelism =
                m_r.integer(u["parallelism"], p + QStringLiteral(".parallelism"), 0, 1000)
                    .value_or(1);
        if (u["order"]) {
            spec.updateOrder =
                m_r.string(u["order"], p + QStringLiteral(".order")).value_or(QString());
            if (spec.updateOrder != QLatin1String("start-first") &&
                spec.updateOrder != QLatin1String("stop-first"))
                m_r.error(u["order"], p + QStringLiteral(".order"),
                          QStringLiteral("'%1': expected start-first or stop-first")
                              .arg(spec.updateOrder));
        }
        if (u["failure_action"]) {
            spec.failureAction =
                m_r.string(u["failure_action"], p + QStringLiteral(".failure_action"))
                    .value_or(QString());
            if (!QStringList{QStringLiteral("rollback"), QStringLiteral("pause"),
                             QStringLiteral("continue")}
                     .contains(spec.failureAction))
                m_r.error(u["failure_action"], p + QStringLiteral(".failure_action"),
                          QStringLiteral("'%1': expected rollback, pause or continue")
                              .arg(spec.failureAction));
        }
        if (u["monitor"])
            spec.monitorMs =
                m_r.duration(u["monitor"], p + QStringLiteral(".monitor")).value_or(5000);
    }

private:
    YamlReader &m_r;
    QString m_p;
    const EnvironmentSpec &m_env;
};

} // namespace

bool isContainerDeploy(const YAML::Node &node)
{
    if (!node.IsMap() || !node["kind"] || !node["kind"].IsScalar())
        return false;
    const std::string kind = node["kind"].Scalar();
    return kind == "swarm" || kind == "compose";
}

std::optional<ContainerDeploySpec> readContainerDeploySpec(YamlReader &reader,
                                                           const YAML::Node &node,
                                                           const QString &path,
                                                           const EnvironmentSpec &environment)
{
    ContainerDeploySpec spec;
    spec.kind = node["kind"].Scalar() == "swarm" ? ContainerDeploySpec::Kind::Swarm
                                                 : ContainerDeploySpec::Kind::Compose;
    const bool swarm = spec.kind == ContainerDeploySpec::Kind::Swarm;
    if (!reader.checkMap(node, path, swarm ? kSwarmKeys : kComposeKeys))
        return std::nullopt;
    spec.position = YamlReader::position(node);
    ContainerReader r(reader, path, environment);
    const char *hostKey = swarm ? "manager" : "host";
    spec.host = r.required(node, hostKey,
                           swarm ? QStringLiteral("the host of a swarm manager")
                                 : QStringLiteral("the host compose runs on"));
    r.requireEnvironmentHost(node[hostKey], r.at(hostKey), spec.host);
    spec.stack = r.required(node, swarm ? "stack" : "project",
                            swarm ? QStringLiteral("the stack's name, as in docker stack deploy")
                                  : QStringLiteral("the compose project's name"));
    spec.composeFile = r.optional(node, "compose_file", QString());
    spec.image = r.optional(node, "image", QString());
    spec.repo = r.optional(node, "repo", QString());
    spec.registry = r.optional(node, "registry", QString());
    spec.dockerSocket = r.optional(node, "docker_socket", spec.dockerSocket);
    if (!spec.dockerSocket.startsWith(QLatin1Char('/')))
        reader.error(
            node["docker_socket"], r.at("docker_socket"),
            QStringLiteral("'%1' must be an absolute path on the host").arg(spec.dockerSocket));
    if (node["services"])
        spec.services =
            reader.stringList(node["services"], r.at("services")).value_or(QStringList());
    if (node["release"])
        spec.release = reader.commandList(node["release"], r.at("release")).value_or(QStringList());
    if (node["healthcheck"])
        spec.healthcheck = readHealthCheck(reader, node["healthcheck"], r.at("healthcheck"));
    r.readBuild(node, spec);
    r.readUpdate(node, spec);
    return spec;
}

} // namespace Opsdeck
