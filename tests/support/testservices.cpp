// SPDX-License-Identifier: GPL-3.0-or-later
#include "testservices.h"

#include <QDebug>
#include <QFile>
#include <QProcess>

QString TestServices::stateDir(const QString &service)
{
    return qEnvironmentVariable("OPSDECK_TEST_STATE") + QLatin1Char('/') + service;
}

QHash<QString, QString> TestServices::load(const QString &service)
{
    QHash<QString, QString> values;
    QFile file(stateDir(service) + QStringLiteral("/env"));
    if (!file.open(QIODevice::ReadOnly))
        return values;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
    return values;
}

QString TestServices::pgConninfo(const QString &database, const QString &user)
{
    const QHash<QString, QString> pg = load(QStringLiteral("postgres"));
    return QStringLiteral("host=%1 port=%2 dbname=%3 user=%4")
        .arg(pg.value(QStringLiteral("PGHOST")), pg.value(QStringLiteral("PGPORT")), database,
             user);
}

QString TestServices::dataDir()
{
    return qEnvironmentVariable("OPSDECK_TEST_DATA");
}

QString TestServices::writeWorkspace(const QString &dir, const QStringList &envHosts,
                                     const QString &extraHosts, const QString &knownHosts)
{
    const QHash<QString, QString> ssh = load(QStringLiteral("sshd"));
    const QHash<QString, QString> pg = load(QStringLiteral("postgres"));
    const QString yaml =
        QStringLiteral(
            "version: 1\n"
            "name: test\n"
            "ssh:\n"
            "  user: %1\n"
            "  identity: %2\n"
            "  known_hosts: %3\n"
            "  use_ssh_config: false\n"
            "  connect_timeout: 3\n"
            "hosts:\n"
            "  bastion: { address: 127.0.0.1, port: %4 }\n"
            "  web1: { address: 127.0.0.1, port: %5, jump: bastion }\n"
            "%6"
            "environments:\n"
            "  staging:\n"
            "    hosts: [%7]\n"
            "    database:\n"
            "      conninfo: \"host=127.0.0.1 port=%8 dbname=opsdeck_test user=postgres\"\n"
            "      tunnel: bastion\n")
            .arg(ssh.value(QStringLiteral("SSH_USER")), ssh.value(QStringLiteral("SSH_KEY")),
                 knownHosts.isEmpty() ? ssh.value(QStringLiteral("SSH_KNOWN_HOSTS")) : knownHosts,
                 ssh.value(QStringLiteral("SSH_PORT_BASTION")),
                 ssh.value(QStringLiteral("SSH_PORT_WEB1")), extraHosts,
                 envHosts.join(QStringLiteral(", ")), pg.value(QStringLiteral("PGPORT")));
    const QString path = dir + QStringLiteral("/opsdeck.yaml");
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(yaml.toUtf8());
    return path;
}

QString TestServices::docker(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DOCKER_HOST"),
               QStringLiteral("unix://") +
                   load(QStringLiteral("swarm")).value(QStringLiteral("DOCKER_SOCKET")));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("/usr/bin/docker"), args); // Debian's docker.io client, as the fixture
    if (!p.waitForFinished(60'000) || p.exitCode() != 0)
        qWarning() << "docker" << args << p.readAllStandardError();
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString TestServices::killOneTaskOf(const QString &service)
{
    const QString victim =
        docker({QStringLiteral("ps"), QStringLiteral("-q"), QStringLiteral("--filter"),
                QStringLiteral("label=com.docker.swarm.service.name=") + service})
            .section(QLatin1Char('\n'), 0, 0);
    if (!victim.isEmpty())
        docker({QStringLiteral("kill"), victim});
    return victim;
}
