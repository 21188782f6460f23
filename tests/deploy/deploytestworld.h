// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace/workspace.h"

#include <QHash>
#include <QString>
#include <QTemporaryDir>

/**
 * A deploy target of its own on the demo world's real sshd hosts (web1, web2 behind the
 * bastion): /srv/<unique> on each host with a shared/.env, a fresh database and free app ports.
 * Tests deploy the demo's git history into it without disturbing the demo's own releases.
 */
class DeployTestWorld final
{
public:
    DeployTestWorld();
    ~DeployTestWorld();

    bool isReady() const { return m_ready; }
    QString error() const { return m_error; }

    /** Writes a workspace; `deployExtra` lines are appended to each deploy block (YAML, 6 spaces).
     */
    Opsdeck::Workspace workspace(const QString &deployExtra = {}, const QString &healthcheck = {});
    QString workspaceFile() const { return m_dir.filePath(QStringLiteral("opsdeck.yaml")); }

    QString path() const { return m_path; }
    int appPort(const QString &host) const { return m_ports.value(host); }
    /** The host's view of `path()`, read straight from the file system that host serves. */
    QString hostDir(const QString &host) const;
    QString current(const QString &host) const;
    QStringList releases(const QString &host) const;
    bool lockExists() const;
    QString revisionOf(const QString &tag) const;
    /** GET /up on the host's app port: the revision it serves, or "" when it is down. */
    QString servedRevision(const QString &host) const;
    QString database() const { return m_database; }

private:
    bool psql(const QString &sql);

    QHash<QString, QString> m_demo;
    QTemporaryDir m_dir;
    QString m_name;
    QString m_path;
    QString m_database;
    QHash<QString, int> m_ports;
    bool m_ready = false;
    QString m_error;
};
