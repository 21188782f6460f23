// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

namespace Opsdeck {

/** Where a value came from in opsdeck.yaml (1-based), so later errors can point at it. */
struct SourcePosition
{
    int line = 0;
    int column = 0;
};

/** Defaults for every SSH connection (`ssh:` block). */
struct SshDefaults
{
    QString user;
    QString knownHosts; // expanded absolute path; empty = libssh's default (~/.ssh/known_hosts)
    QString identity;   // private key file; empty = agent and libssh's default identities
    int port = 0;       // 0 = whatever ~/.ssh/config or 22 says
    int connectTimeoutSeconds = 10;
    int keepaliveSeconds = 15;
    bool useSshConfig = true; // honour ~/.ssh/config
    QString configFile;       // another ssh_config file instead of ~/.ssh/config
};

/** A named host (`hosts:` entry). `address` may also be an ~/.ssh/config alias. */
struct HostSpec
{
    QString name;
    QString address;
    int port = 0;
    QString user;
    QString jump; // name of another host to tunnel through
    QString identity;
    SourcePosition position;
};

/** A read-only standby of an environment's database (`database.replicas:`). */
struct ReplicaSpec
{
    QString name;     // as shown; also its application_name on the primary, when they agree
    QString conninfo; // the standby's own server, the same database
    QString tunnel;   // host to reach it through; default: the primary's tunnel
    SourcePosition position;
};

struct DatabaseSpec
{
    QString conninfo;
    QString tunnel; // host name to reach the database through, or empty
    QVariantMap thresholds;
    QList<ReplicaSpec> replicas;
    SourcePosition position;

    /** The replica as a database of its own (its conninfo and tunnel, these thresholds). */
    DatabaseSpec replica(const ReplicaSpec &replica) const
    {
        DatabaseSpec spec = *this;
        spec.conninfo = replica.conninfo;
        spec.tunnel = replica.tunnel;
        spec.replicas.clear();
        spec.position = replica.position;
        return spec;
    }
};

struct PrometheusSpec
{
    QString url;
    QString tunnel;
    qint64 scrapeIntervalMs = 15000; // the smallest step worth asking for
    QString user, password;          // basic auth (password from ${ENV}, never in the file)
    QString token;                   // bearer token (a proxy in front of Prometheus)
    // `tls:` for an https URL: a private CA, a client certificate, and the name the server's
    // certificate is checked against when the URL says an address (or goes through a tunnel).
    QString caFile, certFile, keyFile, serverName;
    SourcePosition position;
};

/** The deploy's health gate: an HTTP GET seen from the host, or a command run in the release. */
struct HealthCheckSpec
{
    QString url; // e.g. http://127.0.0.1:8000/up, requested from the host (through a tunnel)
    QString run; // or a command; exit status 0 = healthy
    int intervalMs = 1000;
    int timeoutMs = 5000;
    int budgetMs = 30000;
};

/** Capistrano-style releases (`deploy:` block; see the README's workspace reference). */
struct DeploySpec
{
    QString path; // absolute on the hosts: releases/, shared/, current, revisions.jsonl
    QString repo; // a git URL every host can fetch
    int keep = 5;
    QStringList shared;  // files/dirs linked from shared/ into each release
    QStringList build;   // every host, in the new release
    QStringList release; // once per deploy, first host, before any switch
    QString restart;
    std::optional<HealthCheckSpec> healthcheck;
    QStringList batches; // "1", "50%", "100%"; empty = all hosts at once
    int maxFail = 0;
    QString lockHost; // default: the environment's first host
    QString notifyWebhook;
    SourcePosition position;
};

/**
 * A container environment's `deploy:` block (`kind: swarm` or `kind: compose`; the README's
 * workspace reference). Opsdeck talks to the Docker Engine API of `host` through its SSH
 * session (a forwarded unix socket), never to a Docker CLI.
 */
struct ContainerDeploySpec
{
    enum class Kind { Swarm, Compose };
    Kind kind = Kind::Swarm;
    QString host;        // swarm: the manager; compose: the one host
    QString stack;       // swarm: the stack's name; compose: the project's
    QString composeFile; // in the repository
    QString image;       // the repository images are tagged in, e.g. registry/minitwit
    QString repo;        // a git URL the build host can fetch
    QString buildHost;   // default: `host`
    QString buildContext = QStringLiteral(".");
    QString dockerfile = QStringLiteral("Dockerfile");
    QString registry;                                              // push there when set
    QString dockerSocket = QStringLiteral("/var/run/docker.sock"); // on `host`
    QStringList services;                                          // compose: the ones to update
    QStringList release; // one-off commands before the update
    std::optional<HealthCheckSpec> healthcheck;
    int updateParallelism = 1;
    QString updateOrder = QStringLiteral("stop-first"); // or start-first
    QString failureAction = QStringLiteral("rollback"); // or pause, continue
    int monitorMs = 5000;
    SourcePosition position;

    QString kindName() const
    {
        return kind == Kind::Swarm ? QStringLiteral("swarm") : QStringLiteral("compose");
    }
};

/**
 * One config file of an environment (`config:` entry): a local path (resolved against the
 * workspace) or "host:/absolute/path" on a workspace host. Written either as a plain string or
 * as a map `{path, after_save}`.
 */
struct ConfigFileSpec
{
    QString location;  // as shown: the local path, or "web1:/srv/app/.env"
    QString host;      // empty for a local file
    QString path;      // the local path, or the path on the host
    QString afterSave; // a command run (after confirmation) once the file is saved
    SourcePosition position;

    bool isRemote() const { return !host.isEmpty(); }
    /** .yaml/.yml files are edited as YAML text; everything else as KEY=VALUE (.env). */
    bool isYaml() const
    {
        return path.endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive) ||
               path.endsWith(QLatin1String(".yml"), Qt::CaseInsensitive);
    }
};

/**
 * One log source of an environment (`logs:` entry): the journal (some units, optionally a
 * journal directory such as journal-remote's), files matching a glob, or a container service's
 * output. Read on every host of the environment unless `hosts:` chooses some.
 */
struct LogSourceSpec
{
    enum class Kind { Journal, File, Docker };
    Kind kind = Kind::File;
    QString name;      // as shown and chosen with --source: "access.log", "journal", "web"
    QStringList units; // journal: -u filters (empty = every unit)
    QString directory; // journal: --directory; empty = the system journal
    QString path;      // file: an absolute path, `*` and `?` allowed in the last part
    QString format;    // file: auto, access, python, json, postgres or text
    QString prefix;    // postgres: the server's log_line_prefix
    QString service;   // docker: the service (swarm) or container (compose)
    QStringList hosts; // empty = all of the environment's hosts
    SourcePosition position;
};

/**
 * One environment (staging, production, ...). Blocks owned by later panes (flags, ...) are kept
 * as plain maps here and typed by their own modules.
 */
struct EnvironmentSpec
{
    QString name;
    bool isProtected = false;
    QStringList hosts;
    std::optional<DatabaseSpec> database;
    std::optional<PrometheusSpec> prometheus;
    std::optional<PrometheusSpec> alertmanager; // the same keys as prometheus: (url, tunnel, ...)
    QStringList secrets;                        // expanded paths
    QList<ConfigFileSpec> config;
    QVariantMap flags;
    std::optional<DeploySpec> deploy;              // kind: releases (the default)
    std::optional<ContainerDeploySpec> containers; // kind: swarm | compose
    QList<LogSourceSpec> logs;
    SourcePosition position;
};

struct PanelSpec
{
    QString title;
    QString source; // prometheus | sql
    QString query;
    QString unit;
    bool stack = false;
    QList<double> thresholds; // drawn as lines; values above the first are amber, the second red
    bool legend = true;
    QString legendFormat; // Grafana's legendFormat, "{{instance}}"; empty: the labels that differ
};

struct DashboardSpec
{
    QString name;
    QList<PanelSpec> panels;
};

/** `backups:`: where database dumps go and what counts as fresh. */
struct BackupsSpec
{
    QString directory;    // local and absolute; empty: not here (see host) or not configured
    QString host;         // `location: HOST:/path`: dumps are copied there over SFTP
    QString hostPath;     // ... and this is the absolute path on that host
    int maxAgeHours = 26; // the freshness check's limit: a daily backup, with some slack
    QString scrub;        // SQL run on a clone before it replaces the target's database

    bool isConfigured() const { return !directory.isEmpty() || isRemote(); }
    bool isRemote() const { return !host.isEmpty(); }
    /** As the user wrote it: "/var/backups/opsdeck" or "bastion:/var/backups/opsdeck". */
    QString location() const { return isRemote() ? host + QLatin1Char(':') + hostPath : directory; }
};

/** The typed form of opsdeck.yaml (its schema: README, "Workspace file"). */
struct Workspace
{
    int version = 1;
    QString name;
    QString filePath;  // absolute path of opsdeck.yaml
    QString directory; // paths in the file are relative to this
    SshDefaults ssh;
    QList<HostSpec> hosts;
    QList<EnvironmentSpec> environments;
    QList<DashboardSpec> dashboards;
    /** `alerts: { rules: […] }`: the Prometheus rule files kept in the repository, as absolute
     * paths or globs; compared with what each environment's Prometheus runs. */
    QStringList alertRuleFiles;
    BackupsSpec backups;

    const HostSpec *host(const QString &name) const;
    const EnvironmentSpec *environment(const QString &name) const;
    QStringList hostNames() const;
    QStringList environmentNames() const;
};

} // namespace Opsdeck
