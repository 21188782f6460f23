// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

/**
 * The services started by the tests/services scripts (CTest fixtures), read from their env files.
 * A missing service is a test failure, never a skip: these tests exist to talk to the real thing.
 */
class TestServices final
{
public:
    /** Reads $OPSDECK_TEST_STATE/<service>/env; empty map if absent. */
    static QHash<QString, QString> load(const QString &service);
    static QString stateDir(const QString &service);
    /** libpq conninfo for the test cluster's database (and user, default postgres). */
    static QString pgConninfo(const QString &database = QStringLiteral("opsdeck_test"),
                              const QString &user = QStringLiteral("postgres"));
    /**
     * A workspace over the fixture services: hosts bastion, web1 (via bastion), and `extraHosts`
     * (YAML lines under hosts:), environment `staging` with hosts `envHosts` and the test
     * database reached through the bastion. Written to dir/opsdeck.yaml; returns its path.
     */
    static QString writeWorkspace(const QString &dir, const QStringList &envHosts,
                                  const QString &extraHosts = {}, const QString &knownHosts = {});
    /** Runs the Docker CLI against the `swarm` fixture's engine; its stdout, trimmed. */
    static QString docker(const QStringList &args);
    /** Kills (SIGKILL) one running container of the swarm service; its id, or empty. */
    static QString killOneTaskOf(const QString &service);
    /** Directory of test data (tests/ in the source tree). */
    static QString dataDir();
};
