// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploytestworld.h"

#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>

#include <csignal>

namespace {

int freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

} // namespace

DeployTestWorld::DeployTestWorld()
    : m_demo(TestServices::load(QStringLiteral("demo")))
{
    if (m_demo.isEmpty()) {
        m_error = QStringLiteral("the demo fixture did not run");
        return;
    }
    m_name = QStringLiteral("dt%1").arg(QRandomGenerator::global()->bounded(1000000));
    m_path = QStringLiteral("/srv/") + m_name;
    m_database = m_name;
    if (!psql(QStringLiteral("create database %1").arg(m_database))) {
        m_error = QStringLiteral("cannot create the test database");
        return;
    }
    for (const QString &host : {QStringLiteral("web1"), QStringLiteral("web2")}) {
        m_ports.insert(host, freePort());
        QDir().mkpath(hostDir(host) + QStringLiteral("/shared"));
        QFile env(hostDir(host) + QStringLiteral("/shared/.env"));
        if (!env.open(QIODevice::WriteOnly)) {
            m_error = env.errorString();
            return;
        }
        env.write(
            QStringLiteral("PORT=%1\nDB_NAME=%2\nDB_HOST=127.0.0.1\nDB_PORT=%3\nDB_USER=postgres\n"
                           "SECRET_KEY=deploy-test\nDEBUG=False\n")
                .arg(m_ports.value(host))
                .arg(m_database, m_demo.value(QStringLiteral("PGPORT")))
                .toUtf8());
    }
    m_ready = true;
}

DeployTestWorld::~DeployTestWorld()
{
    // The apps were started by the deploys' restart step: stop them with the world.
    for (const QString &host : m_ports.keys()) {
        QFile pid(hostDir(host) + QStringLiteral("/shared/gunicorn.pid"));
        if (pid.open(QIODevice::ReadOnly))
            ::kill(pid.readAll().trimmed().toInt(), SIGTERM);
        QDir(hostDir(host)).removeRecursively();
    }
    if (!m_database.isEmpty())
        psql(QStringLiteral("drop database if exists %1 with (force)").arg(m_database));
}

bool DeployTestWorld::psql(const QString &sql)
{
    QProcess p;
    p.start(QStringLiteral("psql"),
            {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
             m_demo.value(QStringLiteral("PGPORT")), QStringLiteral("-U"),
             QStringLiteral("postgres"), QStringLiteral("-d"), QStringLiteral("postgres"),
             QStringLiteral("-qc"), sql});
    return p.waitForFinished(30000) && p.exitCode() == 0;
}

QString DeployTestWorld::hostDir(const QString &host) const
{
    // GIT_REPO is <state>/git/minitwit.git; each host's /srv is <state>/hosts/<host>/srv.
    QDir state(m_demo.value(QStringLiteral("GIT_REPO")));
    state.cdUp();
    state.cdUp();
    return state.filePath(QStringLiteral("hosts/%1/srv/%2").arg(host, m_name));
}

Opsdeck::Workspace DeployTestWorld::workspace(const QString &deployExtra,
                                              const QString &healthcheck)
{
    const QString health =
        healthcheck.isEmpty()
            ? QStringLiteral("{ run: bin/healthcheck, interval: 300ms, timeout: 3s, budget: 4s }")
            : healthcheck;
    auto deployBlock = [&](const QString &indent) {
        QString block =
            QStringLiteral("path: %1\nrepo: %2\nkeep: 3\nshared: [.env]\n"
                           "build: [\"/usr/bin/python3 -m venv --system-site-packages venv\"]\n"
                           "release: [\"venv/bin/python manage.py migrate --noinput\"]\n"
                           "restart: bin/restart\nhealthcheck: %3\n")
                .arg(m_path, m_demo.value(QStringLiteral("GIT_REPO")), health);
        // A key in deployExtra replaces the default one (YAML refuses duplicate keys).
        const QStringList extra = deployExtra.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        auto keyOf = [](const QString &line) {
            return line.section(QLatin1Char(':'), 0, 0).trimmed();
        };
        QStringList overridden;
        for (const QString &line : extra)
            overridden << keyOf(line);
        QString out;
        for (const QString &line : block.split(QLatin1Char('\n'), Qt::SkipEmptyParts) + extra)
            if (extra.contains(line) || !overridden.contains(keyOf(line)))
                out += indent + line + QLatin1Char('\n');
        return out;
    };
    const QString yaml =
        QStringLiteral("version: 1\nname: deploy-test\n"
                       "ssh: { user: %1, identity: %2, known_hosts: %3, use_ssh_config: false, "
                       "connect_timeout: 5 }\n"
                       "hosts:\n"
                       "  bastion: { address: 127.0.0.1, port: %4 }\n"
                       "  web1: { address: 127.0.0.1, port: %5, jump: bastion }\n"
                       "  web2: { address: 127.0.0.1, port: %6, jump: bastion }\n"
                       "  ghost: { address: 127.0.0.1, port: %7 }\n"
                       "environments:\n"
                       "  prod:\n    protected: true\n    hosts: [web1, web2]\n%11    deploy:\n%8"
                       "  canary:\n    hosts: [web1, web2]\n%11    deploy:\n%9"
                       "  withghost:\n    hosts: [web1, ghost]\n    deploy:\n%10")
            .arg(m_demo.value(QStringLiteral("SSH_USER")), m_demo.value(QStringLiteral("SSH_KEY")),
                 m_demo.value(QStringLiteral("SSH_KNOWN_HOSTS")),
                 m_demo.value(QStringLiteral("SSH_PORT_BASTION")),
                 m_demo.value(QStringLiteral("SSH_PORT_WEB1")),
                 m_demo.value(QStringLiteral("SSH_PORT_WEB2")), QString::number(freePort()),
                 deployBlock(QStringLiteral("      ")),
                 deployBlock(QStringLiteral("      ")) +
                     QStringLiteral("      batches: [1, \"100%\"]\n"))
            .arg(deployBlock(QStringLiteral("      ")),
                 QStringLiteral("    database: { conninfo: \"host=127.0.0.1 port=%1 dbname=%2 "
                                "user=postgres\" }\n    logs: [{ file: %3/shared/error.log }]\n")
                     .arg(m_demo.value(QStringLiteral("PGPORT")), m_database, m_path));
    QFile file(workspaceFile());
    if (file.open(QIODevice::WriteOnly))
        file.write(yaml.toUtf8());
    file.close();
    const Opsdeck::WorkspaceLoadResult loaded = Opsdeck::WorkspaceLoader::loadFile(workspaceFile());
    if (!loaded.ok())
        qWarning().noquote() << loaded.diagnostics.value(0).toString() << "\n" << yaml;
    return loaded.workspace.value_or(Opsdeck::Workspace());
}

QString DeployTestWorld::current(const QString &host) const
{
    return QFileInfo(hostDir(host) + QStringLiteral("/current"))
        .symLinkTarget()
        .section(QLatin1Char('/'), -1);
}

QStringList DeployTestWorld::releases(const QString &host) const
{
    QStringList list =
        QDir(hostDir(host) + QStringLiteral("/releases"))
            .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    return list;
}

bool DeployTestWorld::lockExists() const
{
    return QFileInfo::exists(hostDir(QStringLiteral("web1")) + QStringLiteral("/.opsdeck-lock"));
}

QString DeployTestWorld::revisionOf(const QString &tag) const
{
    QProcess git;
    git.start(QStringLiteral("git"),
              {QStringLiteral("-C"), m_demo.value(QStringLiteral("GIT_REPO")),
               QStringLiteral("rev-parse"), tag + QStringLiteral("^{commit}")});
    git.waitForFinished();
    return QString::fromUtf8(git.readAllStandardOutput()).trimmed();
}

QString DeployTestWorld::servedRevision(const QString &host) const
{
    QProcess curl; // a plain client, nothing of Opsdeck's
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-fsS"), QStringLiteral("-m"), QStringLiteral("5"),
                QStringLiteral("http://127.0.0.1:%1/up").arg(m_ports.value(host))});
    curl.waitForFinished(10000);
    return QJsonDocument::fromJson(curl.readAllStandardOutput())
        .object()
        .value(QStringLiteral("revision"))
        .toString();
}
