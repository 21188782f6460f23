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

struct DatabaseSpec
{
    QString conninfo;
    QString tunnel; // host name to reach the database through, or empty
    QVariantMap thresholds;
    SourcePosition position;
};

struct PrometheusSpec
{
    QString url;
    QString tunnel;
    SourcePosition position;
};

/**
 * One environment (staging, production, ...). Blocks owned by later panes (deploy, flags, ...)
 * are kept as plain maps here and typed by their own modules.
 */
struct EnvironmentSpec
{
    QString name;
    bool isProtected = false;
    QStringList hosts;
    std::optional<DatabaseSpec> database;
    std::optional<PrometheusSpec> prometheus;
    QStringList secrets; // expanded paths
    QStringList config;  // local paths or "host:/remote/path"
    QVariantMap flags;
    QVariantMap deploy;
    SourcePosition position;
};

struct PanelSpec
{
    QString title;
    QString source; // prometheus | sql
    QString query;
    QString unit;
    bool stack = false;
};

struct DashboardSpec
{
    QString name;
    QList<PanelSpec> panels;
};

/** The typed form of opsdeck.yaml (DESIGN.md §2). */
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

    const HostSpec *host(const QString &name) const;
    const EnvironmentSpec *environment(const QString &name) const;
    QStringList hostNames() const;
    QStringList environmentNames() const;
};

} // namespace Opsdeck
