// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployreader.h"

#include <QRegularExpression>

namespace Opsdeck {

namespace {

const QStringList kDeployKeys = {
    QStringLiteral("path"),    QStringLiteral("repo"),     QStringLiteral("push"),
    QStringLiteral("keep"),    QStringLiteral("shared"),   QStringLiteral("build"),
    QStringLiteral("release"), QStringLiteral("restart"),  QStringLiteral("healthcheck"),
    QStringLiteral("batches"), QStringLiteral("max_fail"), QStringLiteral("lock_host"),
    QStringLiteral("notify"),  QStringLiteral("kind")};
const QStringList kHealthKeys = {QStringLiteral("url"), QStringLiteral("run"),
                                 QStringLiteral("interval"), QStringLiteral("timeout"),
                                 QStringLiteral("budget")};

class DeployReader final
{
public:
    DeployReader(YamlReader &reader, const QString &path)
        : m_r(reader)
        , m_p(path)
    {}

    QString at(const char *key) const { return m_p + QLatin1Char('.') + QLatin1String(key); }

    void readPath(const YAML::Node &node, DeploySpec &spec)
    {
        if (!node["path"]) {
            m_r.error(node, m_p,
                      QStringLiteral("missing 'path' (where releases live on the hosts)"));
            return;
        }
        spec.path = m_r.string(node["path"], at("path")).value_or(QString());
        while (spec.path.size() > 1 && spec.path.endsWith(QLatin1Char('/')))
            spec.path.chop(1);
        if (!spec.path.isEmpty() && !spec.path.startsWith(QLatin1Char('/')))
            m_r.error(node["path"], at("path"),
                      QStringLiteral("'%1' must be an absolute path on the hosts").arg(spec.path));
        else if (spec.path == QLatin1String("/"))
            m_r.error(node["path"], at("path"), QStringLiteral("refusing to deploy into /"));
    }

    void readSource(const YAML::Node &node, DeploySpec &spec)
    {
        if (node["push"] && m_r.boolean(node["push"], at("push")).value_or(false))
            m_r.error(node["push"], at("push"),
                      QStringLiteral("'push: true' (sending the local checkout) is not supported "
                                     "yet; give a 'repo' URL the hosts can fetch"));
        if (node["repo"])
            spec.repo = m_r.string(node["repo"], at("repo")).value_or(QString());
        else if (!node["push"])
            m_r.error(node, m_p, QStringLiteral("missing 'repo' (a git URL the hosts can fetch)"));
    }

    void readShared(const YAML::Node &node, DeploySpec &spec)
    {
        if (!node["shared"])
            return;
        spec.shared = m_r.stringList(node["shared"], at("shared")).value_or(QStringList());
        for (const QString &item : std::as_const(spec.shared)) {
            if (item.startsWith(QLatin1Char('/')) ||
                item.split(QLatin1Char('/')).contains(QStringLiteral("..")))
                m_r.error(node["shared"], at("shared"),
                          QStringLiteral("'%1' must be a path inside the release").arg(item));
        }
    }

    void readBatches(const YAML::Node &node, DeploySpec &spec)
    {
        if (!node["batches"])
            return;
        const YAML::Node b = node["batches"];
        const std::optional<QStringList> items = m_r.stringList(b, at("batches"));
        if (!items)
            return;
        static const QRegularExpression valid(QStringLiteral("^(all|[1-9][0-9]*%?)$"));
        for (qsizetype i = 0; i < items->size(); ++i) {
            const QString item = items->at(i).trimmed();
            const YAML::Node itemNode = b.IsSequence() ? b[std::size_t(i)] : b;
            if (!valid.match(item).hasMatch() ||
                (item.endsWith(QLatin1Char('%')) && item.chopped(1).toInt() > 100)) {
                m_r.error(itemNode, QStringLiteral("%1[%2]").arg(at("batches")).arg(i),
                          QStringLiteral("a batch is a host count (2), a share (\"50%\") or "
                                         "\"all\", got '%1'")
                              .arg(item));
                continue;
            }
            spec.batches << item;
        }
    }

    void readHealth(const YAML::Node &node, DeploySpec &spec)
    {
        if (node["healthcheck"])
            spec.healthcheck = readHealthCheck(m_r, node["healthcheck"], at("healthcheck"));
    }

    void readLockHost(const YAML::Node &node, DeploySpec &spec, const EnvironmentSpec &env)
    {
        if (node["lock_host"]) {
            spec.lockHost = m_r.string(node["lock_host"], at("lock_host")).value_or(QString());
            if (!env.hosts.contains(spec.lockHost))
                m_r.error(node["lock_host"], at("lock_host"),
                          QStringLiteral("'%1' is not one of this environment's hosts (%2)")
                              .arg(spec.lockHost, joinedNames(env.hosts)));
        } else if (!env.hosts.isEmpty()) {
            spec.lockHost = env.hosts.first();
        } else {
            m_r.error(node, m_p, QStringLiteral("deploying needs the environment's 'hosts'"));
        }
    }

    void readNotify(const YAML::Node &node, DeploySpec &spec)
    {
        if (!node["notify"])
            return;
        const YAML::Node n = node["notify"];
        if (!m_r.checkMap(n, at("notify"), {QStringLiteral("webhook")}))
            return;
        if (n["webhook"])
            spec.notifyWebhook = m_r.string(n["webhook"], at("notify") + QStringLiteral(".webhook"))
                                     .value_or(QString());
    }

private:
    YamlReader &m_r;
    QString m_p;
};

} // namespace

std::optional<HealthCheckSpec> readHealthCheck(YamlReader &reader, const YAML::Node &h,
                                               const QString &p)
{
    if (!reader.checkMap(h, p, kHealthKeys))
        return std::nullopt;
    HealthCheckSpec health;
    if (h["url"])
        health.url = reader.string(h["url"], p + QStringLiteral(".url")).value_or(QString());
    if (h["run"])
        health.run = reader.command(h["run"], p + QStringLiteral(".run")).value_or(QString());
    if (health.url.isEmpty() == health.run.isEmpty()) {
        reader.error(h, p, QStringLiteral("give exactly one of 'url' or 'run'"));
        return std::nullopt;
    }
    if (!health.url.isEmpty() && !health.url.startsWith(QLatin1String("http://")) &&
        !health.url.startsWith(QLatin1String("https://")))
        reader.error(h["url"], p + QStringLiteral(".url"),
                     QStringLiteral("expected an http:// or https:// URL"));
    if (h["interval"])
        health.intervalMs =
            reader.duration(h["interval"], p + QStringLiteral(".interval")).value_or(1000);
    if (h["timeout"])
        health.timeoutMs =
            reader.duration(h["timeout"], p + QStringLiteral(".timeout")).value_or(5000);
    if (h["budget"])
        health.budgetMs =
            reader.duration(h["budget"], p + QStringLiteral(".budget")).value_or(30000);
    if (health.intervalMs < 100)
        reader.error(h["interval"], p + QStringLiteral(".interval"),
                     QStringLiteral("an interval under 100ms would hammer the host"));
    return health;
}

std::optional<DeploySpec> readDeploySpec(YamlReader &reader, const YAML::Node &node,
                                         const QString &path, const EnvironmentSpec &environment)
{
    if (!reader.checkMap(node, path, kDeployKeys))
        return std::nullopt;
    if (node["kind"]) {
        const QString kind =
            reader.string(node["kind"], path + QStringLiteral(".kind")).value_or(QString());
        if (kind != QLatin1String("releases")) {
            reader.error(
                node["kind"], path + QStringLiteral(".kind"),
                QStringLiteral("unknown kind '%1' (releases, swarm or compose)").arg(kind));
            return std::nullopt;
        }
    }
    DeploySpec spec;
    spec.position = YamlReader::position(node);
    DeployReader r(reader, path);
    r.readPath(node, spec);
    r.readSource(node, spec);
    if (node["keep"])
        spec.keep = reader.integer(node["keep"], r.at("keep"), 1, 1000).value_or(5);
    r.readShared(node, spec);
    if (node["build"])
        spec.build = reader.commandList(node["build"], r.at("build")).value_or(QStringList());
    if (node["release"])
        spec.release = reader.commandList(node["release"], r.at("release")).value_or(QStringList());
    if (node["restart"])
        spec.restart = reader.command(node["restart"], r.at("restart")).value_or(QString());
    r.readHealth(node, spec);
    r.readBatches(node, spec);
    if (node["max_fail"])
        spec.maxFail = reader.integer(node["max_fail"], r.at("max_fail"), 0, 10000).value_or(0);
    r.readLockHost(node, spec, environment);
    r.readNotify(node, spec);
    return spec;
}

} // namespace Opsdeck
