// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployreader.h"

#include "logs/postgreslog.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace Opsdeck {

namespace {

const QStringList kSourceKeys = {QStringLiteral("journal"), QStringLiteral("file"),
                                 QStringLiteral("docker"),  QStringLiteral("name"),
                                 QStringLiteral("format"),  QStringLiteral("hosts"),
                                 QStringLiteral("prefix")};
const QStringList kJournalKeys = {QStringLiteral("units"), QStringLiteral("directory")};
const QStringList kFormats = {QStringLiteral("auto"),   QStringLiteral("access"),
                              QStringLiteral("python"), QStringLiteral("json"),
                              QStringLiteral("text"),   QStringLiteral("postgres")};

// Paths and units go into a remote shell command unquoted (a glob must expand there), so only
// characters that mean nothing to the shell besides `*` and `?` are accepted.
bool isPlainRemotePath(const QString &path)
{
    static const QRegularExpression plain(QStringLiteral("^/[A-Za-z0-9._/*?@+%,=-]+$"));
    return plain.match(path).hasMatch() &&
           !path.split(QLatin1Char('/')).contains(QStringLiteral(".."));
}

bool isPlainName(const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9._@:-]+$"));
    return plain.match(name).hasMatch();
}

class LogSourceReader final
{
public:
    LogSourceReader(YamlReader &reader, const EnvironmentSpec &environment,
                    QStringList workspaceHosts)
        : m_r(reader)
        , m_env(environment)
        , m_workspaceHosts(std::move(workspaceHosts))
    {}

    std::optional<LogSourceSpec> read(const YAML::Node &item, const QString &p)
    {
        if (!m_r.checkMap(item, p, kSourceKeys))
            return std::nullopt;
        const int kinds =
            (item["journal"] ? 1 : 0) + (item["file"] ? 1 : 0) + (item["docker"] ? 1 : 0);
        if (kinds != 1) {
            m_r.error(item, p,
                      QStringLiteral("a log source is exactly one of journal:, file: or docker:"));
            return std::nullopt;
        }
        LogSourceSpec spec;
        spec.position = YamlReader::position(item);
        bool ok = item["journal"]
                      ? readJournal(item["journal"], p + QStringLiteral(".journal"), spec)
                  : item["file"] ? readFile(item, p, spec)
                                 : readDocker(item["docker"], p + QStringLiteral(".docker"), spec);
        if (item["name"]) {
            spec.name = m_r.string(item["name"], p + QStringLiteral(".name")).value_or(spec.name);
            if (!isPlainName(spec.name)) {
                m_r.error(item["name"], p + QStringLiteral(".name"),
                          QStringLiteral("'%1': use letters, digits and . _ - @ :").arg(spec.name));
                ok = false;
            }
        }
        if (item["hosts"])
            ok = readHosts(item["hosts"], p + QStringLiteral(".hosts"), spec) && ok;
        return ok ? std::optional<LogSourceSpec>(spec) : std::nullopt;
    }

private:
    bool readJournal(const YAML::Node &node, const QString &p, LogSourceSpec &spec)
    {
        spec.kind = LogSourceSpec::Kind::Journal;
        spec.name = QStringLiteral("journal");
        const YAML::Node units = node.IsMap() ? node["units"] : node;
        if (node.IsMap()) {
            if (!m_r.checkMap(node, p, kJournalKeys))
                return false;
            if (node["directory"]) {
                spec.directory = m_r.string(node["directory"], p + QStringLiteral(".directory"))
                                     .value_or(QString());
                if (!isPlainRemotePath(spec.directory)) {
                    m_r.error(
                        node["directory"], p + QStringLiteral(".directory"),
                        QStringLiteral("'%1': an absolute path on the hosts, without spaces or "
                                       "shell characters")
                            .arg(spec.directory));
                    return false;
                }
            }
        }
        if (units && !units.IsNull()) {
            const QString up = node.IsMap() ? p + QStringLiteral(".units") : p;
            spec.units = m_r.stringList(units, up).value_or(QStringList());
            for (const QString &unit : std::as_const(spec.units))
                if (!isPlainName(unit)) {
                    m_r.error(units, up, QStringLiteral("'%1' is not a unit name").arg(unit));
                    return false;
                }
        }
        if (spec.units.size() == 1)
            spec.name = spec.units.first().section(QLatin1Char('.'), 0, 0);
        return true;
    }

    bool readFile(const YAML::Node &item, const QString &p, LogSourceSpec &spec)
    {
        spec.kind = LogSourceSpec::Kind::File;
        const QString fp = p + QStringLiteral(".file");
        const std::optional<QString> path = m_r.string(item["file"], fp);
        if (!path)
            return false;
        if (!isPlainRemotePath(*path)) {
            m_r.error(item["file"], fp,
                      QStringLiteral("'%1': an absolute path on the hosts (`*` and `?` allowed), "
                                     "without spaces, `..` or shell characters")
                          .arg(*path));
            return false;
        }
        spec.path = *path;
        spec.name = QFileInfo(spec.path).fileName();
        spec.format = QStringLiteral("auto");
        if (item["format"]) {
            spec.format =
                m_r.string(item["format"], p + QStringLiteral(".format")).value_or(spec.format);
            if (!kFormats.contains(spec.format)) {
                m_r.error(
                    item["format"], p + QStringLiteral(".format"),
                    QStringLiteral("'%1': expected %2").arg(spec.format, joinedNames(kFormats)));
                return false;
            }
        }
        return readPrefix(item, p, spec);
    }

    /** `prefix:` is the server's log_line_prefix, for `format: postgres` only. */
    bool readPrefix(const YAML::Node &item, const QString &p, LogSourceSpec &spec)
    {
        const bool postgres = spec.format == QLatin1String("postgres");
        if (!item["prefix"]) {
            if (postgres)
                spec.prefix = PostgresLogPrefix::defaultPrefix();
            return true;
        }
        const QString pp = p + QStringLiteral(".prefix");
        if (!postgres) {
            m_r.error(item["prefix"], pp,
                      QStringLiteral("prefix: is PostgreSQL's log_line_prefix, for format: "
                                     "postgres"));
            return false;
        }
        spec.prefix = m_r.string(item["prefix"], pp).value_or(QString());
        QString why;
        if (!PostgresLogPrefix::compile(spec.prefix, &why)) {
            m_r.error(item["prefix"], pp, why);
            return false;
        }
        return true;
    }

    bool readDocker(const YAML::Node &node, const QString &p, LogSourceSpec &spec)
    {
        spec.kind = LogSourceSpec::Kind::Docker;
        spec.service = m_r.string(node, p).value_or(QString());
        spec.name = spec.service;
        if (!m_env.containers) {
            m_r.error(node, p,
                      QStringLiteral("docker: logs need a container environment (deploy: with "
                                     "kind: swarm or kind: compose)"));
            return false;
        }
        if (!isPlainName(spec.service)) {
            m_r.error(node, p, QStringLiteral("'%1' is not a service name").arg(spec.service));
            return false;
        }
        return true;
    }

    bool readHosts(const YAML::Node &node, const QString &p, LogSourceSpec &spec)
    {
        spec.hosts = m_r.stringList(node, p).value_or(QStringList());
        // The environment's hosts, or another of the workspace's (the database server's, the
        // bastion its tunnel goes through): a PostgreSQL log is rarely on a web host.
        for (const QString &host : std::as_const(spec.hosts))
            if (!m_env.hosts.contains(host) && !m_workspaceHosts.contains(host)) {
                m_r.error(node, p,
                          QStringLiteral("'%1' is not a host of the workspace (hosts: %2)")
                              .arg(host, joinedNames(m_workspaceHosts)));
                return false;
            }
        return true;
    }

    YamlReader &m_r;
    const EnvironmentSpec &m_env;
    QStringList m_workspaceHosts;
};

} // namespace

QList<LogSourceSpec> readLogSources(YamlReader &reader, const YAML::Node &node, const QString &path,
                                    const EnvironmentSpec &environment,
                                    const QStringList &workspaceHosts)
{
    QList<LogSourceSpec> sources;
    if (!node.IsSequence()) {
        reader.error(node, path,
                     QStringLiteral("expected a list of sources (- file: PATH, - journal: [UNIT], "
                                    "- docker: SERVICE)"));
        return sources;
    }
    LogSourceReader r(reader, environment, workspaceHosts);
    QStringList names;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const QString p = QStringLiteral("%1[%2]").arg(path).arg(i);
        std::optional<LogSourceSpec> spec = r.read(node[i], p);
        if (!spec)
            continue;
        if (names.contains(spec->name)) {
            reader.error(
                node[i], p,
                QStringLiteral("a second source named '%1': give one a name:").arg(spec->name));
            continue;
        }
        names << spec->name;
        sources << *spec;
    }
    return sources;
}

} // namespace Opsdeck
