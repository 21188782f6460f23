// SPDX-License-Identifier: GPL-3.0-or-later
#include "workspaceloader.h"

#include "common/filetrust.h"

#include "metrics/timegrid.h"

#include "deployreader.h"
#include "yamlreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QSet>

#include <sys/stat.h>

namespace Opsdeck {

namespace {

const QStringList kTopKeys = {QStringLiteral("version"),      QStringLiteral("name"),
                              QStringLiteral("ssh"),          QStringLiteral("hosts"),
                              QStringLiteral("environments"), QStringLiteral("dashboards"),
                              QStringLiteral("alerts"),       QStringLiteral("backups")};
const QStringList kSshKeys = {QStringLiteral("user"),
                              QStringLiteral("known_hosts"),
                              QStringLiteral("identity"),
                              QStringLiteral("port"),
                              QStringLiteral("connect_timeout"),
                              QStringLiteral("keepalive"),
                              QStringLiteral("use_ssh_config"),
                              QStringLiteral("config_file")};
const QStringList kHostKeys = {QStringLiteral("address"), QStringLiteral("port"),
                               QStringLiteral("user"), QStringLiteral("jump"),
                               QStringLiteral("identity")};
const QStringList kEnvKeys = {QStringLiteral("protected"),    QStringLiteral("hosts"),
                              QStringLiteral("database"),     QStringLiteral("prometheus"),
                              QStringLiteral("alertmanager"), QStringLiteral("secrets"),
                              QStringLiteral("config"),       QStringLiteral("flags"),
                              QStringLiteral("deploy"),       QStringLiteral("logs")};
const QStringList kDatabaseKeys = {QStringLiteral("conninfo"), QStringLiteral("tunnel"),
                                   QStringLiteral("thresholds"), QStringLiteral("replicas")};
const QStringList kPrometheusKeys = {QStringLiteral("url"), QStringLiteral("tunnel"),
                                     QStringLiteral("auth"), QStringLiteral("scrape_interval"),
                                     QStringLiteral("tls")};
const QStringList kPrometheusTlsKeys = {QStringLiteral("ca_file"), QStringLiteral("cert_file"),
                                        QStringLiteral("key_file"), QStringLiteral("server_name")};
const QStringList kPrometheusAuthKeys = {QStringLiteral("user"), QStringLiteral("password"),
                                         QStringLiteral("token")};
const QStringList kFlagsKeys = {
    QStringLiteral("backend"),         QStringLiteral("manage"),
    QStringLiteral("table"),           QStringLiteral("name_column"),
    QStringLiteral("enabled_column"),  QStringLiteral("url"),
    QStringLiteral("token"),           QStringLiteral("project"),
    QStringLiteral("environment"),     QStringLiteral("user_table"),
    QStringLiteral("username_column"), QStringLiteral("manage_timeout")};

/** Builds a Workspace from a parsed document; one instance per load. */
class Builder final
{
public:
    Builder(YamlReader &reader, Workspace &ws)
        : m_r(reader)
        , m_ws(ws)
    {}

    void build(const YAML::Node &root)
    {
        if (!m_r.checkMap(root, QString(), kTopKeys))
            return;
        readHeader(root);
        if (root["ssh"])
            readSsh(root["ssh"]);
        if (root["hosts"])
            readHosts(root["hosts"]);
        if (root["environments"])
            readEnvironments(root["environments"]);
        else
            m_r.warning(root, QString(), QStringLiteral("no environments defined"));
        if (root["dashboards"])
            m_ws.dashboards = readDashboards(m_r, root["dashboards"]);
        if (root["alerts"])
            m_ws.alertRuleFiles = readAlertRuleFiles(m_r, root["alerts"]);
        if (root["backups"])
            m_ws.backups = readBackupsSpec(m_r, root["backups"], m_ws);
        checkJumpChains();
    }

private:
    void readHeader(const YAML::Node &root)
    {
        if (const YAML::Node v = root["version"]) {
            if (std::optional<int> version = m_r.integer(v, QStringLiteral("version"), 0, 1000)) {
                if (*version != 1)
                    m_r.error(
                        v, QStringLiteral("version"),
                        QStringLiteral("unsupported version %1 (this Opsdeck reads version 1)")
                            .arg(*version));
                m_ws.version = *version;
            }
        } else {
            m_r.warning(root, QString(), QStringLiteral("no 'version'; assuming version: 1"));
        }
        if (const YAML::Node n = root["name"])
            m_ws.name = m_r.string(n, QStringLiteral("name")).value_or(QString());
        if (m_ws.name.isEmpty())
            m_ws.name = QFileInfo(m_ws.directory).fileName();
    }

    void readSsh(const YAML::Node &node)
    {
        const QString p = QStringLiteral("ssh");
        if (!m_r.checkMap(node, p, kSshKeys))
            return;
        SshDefaults &ssh = m_ws.ssh;
        if (node["user"])
            ssh.user = m_r.string(node["user"], p + QStringLiteral(".user")).value_or(QString());
        if (node["known_hosts"])
            ssh.knownHosts = m_r.path(node["known_hosts"], p + QStringLiteral(".known_hosts"))
                                 .value_or(QString());
        if (node["identity"])
            ssh.identity =
                m_r.path(node["identity"], p + QStringLiteral(".identity")).value_or(QString());
        if (node["port"])
            ssh.port = m_r.integer(node["port"], p + QStringLiteral(".port"), 1, 65535).value_or(0);
        if (node["connect_timeout"])
            ssh.connectTimeoutSeconds =
                m_r.integer(node["connect_timeout"], p + QStringLiteral(".connect_timeout"), 1, 600)
                    .value_or(10);
        if (node["keepalive"])
            ssh.keepaliveSeconds =
                m_r.integer(node["keepalive"], p + QStringLiteral(".keepalive"), 0, 3600)
                    .value_or(15);
        if (node["use_ssh_config"])
            ssh.useSshConfig =
                m_r.boolean(node["use_ssh_config"], p + QStringLiteral(".use_ssh_config"))
                    .value_or(true);
        if (node["config_file"])
            ssh.configFile = m_r.path(node["config_file"], p + QStringLiteral(".config_file"))
                                 .value_or(QString());
    }

    void readHosts(const YAML::Node &node)
    {
        if (!m_r.checkMap(node, QStringLiteral("hosts"), {}))
            return;
        for (const auto &entry : node) {
            HostSpec host;
            host.name = YamlReader::key(entry);
            host.position = YamlReader::position(entry.first);
            const QString p = QStringLiteral("hosts.") + host.name;
            const YAML::Node h = entry.second;
            if (h.IsScalar()) { // shorthand: `web1: 10.0.0.11`
                host.address = m_r.string(h, p).value_or(QString());
            } else if (m_r.checkMap(h, p, kHostKeys)) {
                if (h["address"])
                    host.address = m_r.string(h["address"], p + QStringLiteral(".address"))
                                       .value_or(QString());
                else
                    host.address = host.name; // an ~/.ssh/config alias of the same name
                if (h["port"])
                    host.port =
                        m_r.integer(h["port"], p + QStringLiteral(".port"), 1, 65535).value_or(0);
                if (h["user"])
                    host.user =
                        m_r.string(h["user"], p + QStringLiteral(".user")).value_or(QString());
                if (h["jump"])
                    host.jump =
                        m_r.string(h["jump"], p + QStringLiteral(".jump")).value_or(QString());
                if (h["identity"])
                    host.identity = m_r.path(h["identity"], p + QStringLiteral(".identity"))
                                        .value_or(QString());
            }
            m_jumpNodes.insert(host.name, h.IsMap() ? h["jump"] : YAML::Node());
            m_ws.hosts << host;
        }
    }

    /** Errors on jumps to unknown hosts and on loops (a → b → a). */
    void checkJumpChains()
    {
        const QStringList names = m_ws.hostNames();
        for (const HostSpec &host : m_ws.hosts) {
            if (host.jump.isEmpty())
                continue;
            const YAML::Node at = m_jumpNodes.value(host.name);
            const QString p = QStringLiteral("hosts.%1.jump").arg(host.name);
            if (!names.contains(host.jump)) {
                m_r.error(at, p, unknownHost(host.jump));
                continue;
            }
            QStringList chain{host.name};
            for (const HostSpec *hop = m_ws.host(host.jump); hop; hop = m_ws.host(hop->jump)) {
                if (chain.contains(hop->name)) {
                    m_r.error(at, p,
                              QStringLiteral("jump hosts form a loop: %1 -> %2")
                                  .arg(chain.join(QStringLiteral(" -> ")), hop->name));
                    break;
                }
                chain << hop->name;
                if (hop->jump.isEmpty())
                    break;
            }
        }
    }

    QString unknownHost(const QString &name) const
    {
        return QStringLiteral("unknown host '%1' (known: %2)")
            .arg(name, joinedNames(m_ws.hostNames()));
    }

    void requireHost(const YAML::Node &node, const QString &path, const QString &name)
    {
        if (!name.isEmpty() && !m_ws.host(name))
            m_r.error(node, path, unknownHost(name));
    }

    void readEnvironments(const YAML::Node &node)
    {
        if (!m_r.checkMap(node, QStringLiteral("environments"), {}))
            return;
        for (const auto &entry : node) {
            EnvironmentSpec env;
            env.name = YamlReader::key(entry);
            env.position = YamlReader::position(entry.first);
            const QString p = QStringLiteral("environments.") + env.name;
            const YAML::Node e = entry.second;
            if (e.IsNull()) {
                m_ws.environments << env;
                continue;
            }
            if (!m_r.checkMap(e, p, kEnvKeys))
                continue;
            if (e["protected"])
                env.isProtected =
                    m_r.boolean(e["protected"], p + QStringLiteral(".protected")).value_or(true);
            if (e["hosts"])
                readEnvironmentHosts(e["hosts"], p + QStringLiteral(".hosts"), env);
            if (e["database"])
                env.database = readDatabase(e["database"], p + QStringLiteral(".database"));
            if (e["prometheus"])
                env.prometheus = readPrometheus(e["prometheus"], p + QStringLiteral(".prometheus"));
            if (e["alertmanager"])
                env.alertmanager =
                    readPrometheus(e["alertmanager"], p + QStringLiteral(".alertmanager"));
            if (e["alertmanager"] && !e["prometheus"])
                m_r.error(e["alertmanager"], p + QStringLiteral(".alertmanager"),
                          QStringLiteral("needs a prometheus: block (the rules live there)"));
            if (e["secrets"])
                readSecrets(e["secrets"], p + QStringLiteral(".secrets"), env);
            if (e["config"])
                readConfig(e["config"], p + QStringLiteral(".config"), env);
            if (e["flags"])
                readFlags(e["flags"], p + QStringLiteral(".flags"), env);
            if (e["deploy"] && isContainerDeploy(e["deploy"]))
                env.containers =
                    readContainerDeploySpec(m_r, e["deploy"], p + QStringLiteral(".deploy"), env);
            else if (e["deploy"])
                env.deploy = readDeploySpec(m_r, e["deploy"], p + QStringLiteral(".deploy"), env);
            if (e["logs"]) {
                QStringList hostNames;
                for (const HostSpec &host : std::as_const(m_ws.hosts))
                    hostNames << host.name;
                env.logs =
                    readLogSources(m_r, e["logs"], p + QStringLiteral(".logs"), env, hostNames);
            }
            m_ws.environments << env;
        }
    }

    void readEnvironmentHosts(const YAML::Node &node, const QString &p, EnvironmentSpec &env)
    {
        const std::optional<QStringList> hosts = m_r.stringList(node, p);
        if (!hosts)
            return;
        for (qsizetype i = 0; i < hosts->size(); ++i) {
            const YAML::Node item = node.IsSequence() ? node[std::size_t(i)] : node;
            requireHost(item, QStringLiteral("%1[%2]").arg(p).arg(i), hosts->at(i));
        }
        env.hosts = *hosts;
    }

    std::optional<DatabaseSpec> readDatabase(const YAML::Node &node, const QString &p)
    {
        DatabaseSpec db;
        db.position = YamlReader::position(node);
        if (node.IsScalar()) { // shorthand: `database: "host=... dbname=..."`
            db.conninfo = m_r.string(node, p).value_or(QString());
            return db;
        }
        if (!m_r.checkMap(node, p, kDatabaseKeys))
            return std::nullopt;
        if (node["conninfo"])
            db.conninfo =
                m_r.string(node["conninfo"], p + QStringLiteral(".conninfo")).value_or(QString());
        else
            m_r.error(node, p, QStringLiteral("missing 'conninfo'"));
        if (node["tunnel"]) {
            db.tunnel =
                m_r.string(node["tunnel"], p + QStringLiteral(".tunnel")).value_or(QString());
            requireHost(node["tunnel"], p + QStringLiteral(".tunnel"), db.tunnel);
        }
        if (node["thresholds"])
            db.thresholds =
                m_r.variantMap(node["thresholds"], p + QStringLiteral(".thresholds"), {});
        if (node["replicas"])
            db.replicas =
                readReplicas(m_r, node["replicas"], p + QStringLiteral(".replicas"), db.tunnel,
                             [this](const YAML::Node &at, const QString &path,
                                    const QString &name) { requireHost(at, path, name); });
        return db;
    }

    std::optional<PrometheusSpec> readPrometheus(const YAML::Node &node, const QString &p)
    {
        PrometheusSpec prom;
        prom.position = YamlReader::position(node);
        if (node.IsScalar()) {
            prom.url = m_r.string(node, p).value_or(QString());
            return prom;
        }
        if (!m_r.checkMap(node, p, kPrometheusKeys))
            return std::nullopt;
        if (node["url"])
            prom.url = m_r.string(node["url"], p + QStringLiteral(".url")).value_or(QString());
        else
            m_r.error(node, p, QStringLiteral("missing 'url'"));
        if (node["tunnel"]) {
            prom.tunnel =
                m_r.string(node["tunnel"], p + QStringLiteral(".tunnel")).value_or(QString());
            requireHost(node["tunnel"], p + QStringLiteral(".tunnel"), prom.tunnel);
        }
        if (node["scrape_interval"]) {
            const QString text =
                m_r.string(node["scrape_interval"], p + QStringLiteral(".scrape_interval"))
                    .value_or(QString());
            const qint64 ms = parseDurationMs(text);
            if (ms <= 0)
                m_r.error(node["scrape_interval"], p + QStringLiteral(".scrape_interval"),
                          QStringLiteral("'%1' is not a duration like 15s or 1m").arg(text));
            else
                prom.scrapeIntervalMs = ms;
        }
        if (const YAML::Node auth = node["auth"];
            auth && m_r.checkMap(auth, p + QStringLiteral(".auth"), kPrometheusAuthKeys)) {
            for (const auto &[key, field] :
                 {std::pair{"user", &prom.user}, std::pair{"password", &prom.password},
                  std::pair{"token", &prom.token}})
                if (auth[key])
                    *field =
                        m_r.string(auth[key], p + QStringLiteral(".auth.") + QLatin1String(key))
                            .value_or(QString());
        }
        if (const YAML::Node tls = node["tls"])
            readPrometheusTls(tls, p + QStringLiteral(".tls"), prom);
        return prom;
    }

    void readPrometheusTls(const YAML::Node &tls, const QString &p, PrometheusSpec &prom)
    {
        if (!m_r.checkMap(tls, p, kPrometheusTlsKeys))
            return;
        for (const auto &[key, field] :
             {std::pair{"ca_file", &prom.caFile}, std::pair{"cert_file", &prom.certFile},
              std::pair{"key_file", &prom.keyFile}})
            if (tls[key])
                *field = m_r.path(tls[key], p + QLatin1Char('.') + QLatin1String(key))
                             .value_or(QString());
        if (tls["server_name"])
            prom.serverName = m_r.string(tls["server_name"], p + QStringLiteral(".server_name"))
                                  .value_or(QString());
        if (prom.certFile.isEmpty() != prom.keyFile.isEmpty())
            m_r.error(tls, p, QStringLiteral("cert_file and key_file go together"));
    }

    void readFlags(const YAML::Node &node, const QString &p, EnvironmentSpec &env)
    {
        env.flags = m_r.variantMap(node, p, kFlagsKeys);
        // A duration like every other: checked here, with its position; milliseconds after.
        if (node.IsMap() && node["manage_timeout"]) {
            env.flags.remove(QStringLiteral("manage_timeout"));
            if (const std::optional<int> ms =
                    m_r.duration(node["manage_timeout"], p + QStringLiteral(".manage_timeout")))
                env.flags.insert(QStringLiteral("manage_timeout"), *ms);
        }
    }

    void readSecrets(const YAML::Node &node, const QString &p, EnvironmentSpec &env)
    {
        const std::optional<QStringList> files = m_r.stringList(node, p);
        for (const QString &file : files.value_or(QStringList())) {
            env.secrets << QDir::cleanPath(QDir(m_r.baseDirectory()).absoluteFilePath(file));
            m_r.requireTrusted(node, p, env.secrets.last());
        }
    }

    /** Local paths are resolved; "host:/path" entries must name a known host and an absolute path.
     */
    void readConfig(const YAML::Node &node, const QString &p, EnvironmentSpec &env)
    {
        if (!node.IsSequence()) {
            if (node.IsScalar())
                readConfigFile(node, p, env);
            else
                m_r.error(node, p, QStringLiteral("expected a list of config files"));
            return;
        }
        for (std::size_t i = 0; i < node.size(); ++i)
            readConfigFile(node[i], QStringLiteral("%1[%2]").arg(p).arg(i), env);
    }

    void readConfigFile(const YAML::Node &item, const QString &p, EnvironmentSpec &env)
    {
        ConfigFileSpec file;
        file.position = YamlReader::position(item);
        std::optional<QString> location;
        // reset(), not '=': assigning a yaml-cpp node overwrites the node it refers to.
        YAML::Node locationNode;
        locationNode.reset(item);
        if (item.IsMap()) {
            if (!m_r.checkMap(item, p, {QStringLiteral("path"), QStringLiteral("after_save")}))
                return;
            if (!item["path"]) {
                m_r.error(item, p, QStringLiteral("a config file needs a path"));
                return;
            }
            locationNode.reset(item["path"]);
            location = m_r.string(locationNode, p + QStringLiteral(".path"));
            if (item["after_save"])
                file.afterSave = m_r.command(item["after_save"], p + QStringLiteral(".after_save"))
                                     .value_or(QString());
        } else {
            location = m_r.string(item, p);
        }
        if (!location || location->isEmpty())
            return;
        const qsizetype colon = location->indexOf(QLatin1Char(':'));
        if (colon > 0 && location->mid(colon + 1).startsWith(QLatin1Char('/'))) {
            file.host = location->left(colon);
            file.path = location->mid(colon + 1);
            file.location = *location;
            requireHost(locationNode, p, file.host);
        } else {
            file.path = QDir::cleanPath(QDir(m_r.baseDirectory()).absoluteFilePath(*location));
            file.location = file.path;
            m_r.requireTrusted(locationNode, p, file.path);
        }
        env.config << file;
    }

    YamlReader &m_r;
    Workspace &m_ws;
    QHash<QString, YAML::Node> m_jumpNodes;
};

} // namespace

WorkspaceLoadResult WorkspaceLoader::loadFile(const QString &path)
{
    if (const Status trusted = checkTrustedFile(path, QStringLiteral("workspace")); !trusted) {
        WorkspaceLoadResult result;
        result.diagnostics << Diagnostic{Diagnostic::Severity::Error, path, 0, 0,
                                         trusted.errorString()};
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        WorkspaceLoadResult result;
        result.diagnostics << Diagnostic{
            Diagnostic::Severity::Error, path, 0, 0,
            QStringLiteral("cannot open workspace: %1").arg(file.errorString())};
        return result;
    }
    return loadText(file.readAll(), path);
}

WorkspaceLoadResult WorkspaceLoader::loadText(const QByteArray &text, const QString &path)
{
    WorkspaceLoadResult result;
    Workspace ws;
    const QFileInfo info(path);
    ws.filePath = info.absoluteFilePath();
    ws.directory = info.absolutePath();

    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        result.diagnostics << Diagnostic{Diagnostic::Severity::Error, path, e.mark.line + 1,
                                         e.mark.column + 1, QString::fromStdString(e.msg)};
        return result;
    }
    if (!root || root.IsNull()) {
        result.diagnostics << Diagnostic{Diagnostic::Severity::Error, path, 1, 1,
                                         QStringLiteral("the workspace file is empty")};
        return result;
    }
    YamlReader reader(path, ws.directory, &result.diagnostics);
    try {
        Builder(reader, ws).build(root);
    } catch (const YAML::Exception &e) { // yaml-cpp throws on some malformed trees; never crash
        result.diagnostics << Diagnostic{Diagnostic::Severity::Error, path, e.mark.line + 1,
                                         e.mark.column + 1, QString::fromStdString(e.msg)};
    }
    if (!hasErrors(result.diagnostics))
        result.workspace = std::move(ws);
    return result;
}

namespace {

dev_t deviceOf(const QString &path)
{
    struct stat st
    {
    };
    return ::stat(path.toLocal8Bit().constData(), &st) == 0 ? st.st_dev : dev_t(-1);
}

} // namespace

QString locateWorkspace(const QString &explicitPath, const QString &startDirectory)
{
    if (!explicitPath.isEmpty())
        return QFileInfo(explicitPath).absoluteFilePath();
    const QString fromEnv =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("OPSDECK_WORKSPACE"));
    if (!fromEnv.isEmpty())
        return QFileInfo(fromEnv).absoluteFilePath();
    // Like git: never above the home directory (a workspace in /home or / is nobody's repo) and
    // never across a filesystem boundary (a mounted share is someone else's tree).
    const QString home = QDir(QDir::homePath()).canonicalPath();
    QDir dir(startDirectory);
    const dev_t device = deviceOf(dir.absolutePath());
    while (true) {
        const QString candidate = dir.absoluteFilePath(QStringLiteral("opsdeck.yaml"));
        if (QFileInfo::exists(candidate))
            return candidate;
        if (dir.canonicalPath() == home || !dir.cdUp() || deviceOf(dir.absolutePath()) != device)
            return {};
    }
}

} // namespace Opsdeck
