// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploystateoutput.h"

#include "common/formatting.h"
#include "deploy/deploysummary.h"
#include "environmentsession.h"
#include "runtime/environmentcontext.h"

#include <QEventLoop>
#include <QJsonArray>

namespace Opsdeck {

EnvironmentDeployState readDeployState(EnvironmentSession &session)
{
    DeployStatusQuery query(session.pool(), session.environment());
    EnvironmentDeployState state;
    QEventLoop loop;
    QObject::connect(&query, &DeployStatusQuery::finished, &loop,
                     [&](const EnvironmentDeployState &s) {
                         state = s;
                         loop.quit();
                     });
    query.start();
    loop.exec();
    return state;
}

void printWhatItBrings(QTextStream &out, EnvironmentSession &session, const QString &ref,
                       const QString &revision)
{
    const EnvironmentSpec &environment = session.environment();
    const EnvironmentDeployState state = readDeployState(session);
    DeployStep step = deployedStep(state, state.currentRelease(environment.deploy->lockHost));
    step.toRef = ref;
    step.revision = revision;
    DatabaseSession *database =
        environment.database ? session.context().monitoringSession() : nullptr;
    const DeploySummary summary =
        EnvironmentSession::wait(readDeploySummary(session.pool(), database, environment, step));
    out << "\nWhat it brings: " << summary.headline << "\n";
    for (const QString &line : summary.details)
        out << line << "\n";
}

QJsonObject deployStateJson(const EnvironmentDeployState &state)
{
    QJsonArray hosts;
    for (const HostDeployState &h : state.hosts)
        hosts.append(
            QJsonObject{{QStringLiteral("host"), h.host},
                        {QStringLiteral("error"), h.error},
                        {QStringLiteral("current"), h.current},
                        {QStringLiteral("releases"), QJsonArray::fromStringList(h.releases)},
                        {QStringLiteral("free_bytes"), double(h.freeBytes)}});
    QJsonArray history;
    for (const HistoryEntry &e : state.history)
        history.append(e.toJson());
    QJsonObject o{{QStringLiteral("hosts"), hosts}, {QStringLiteral("history"), history}};
    o.insert(QStringLiteral("lock"), state.lock ? QJsonValue(state.lock->toJson()) : QJsonValue());
    return o;
}

void printDeployState(QTextStream &out, const QString &environment, const EnvironmentDeployState &s)
{
    out << environment << ": "
        << (s.lock ? QStringLiteral("LOCKED by ") + s.lock->describe()
                   : QStringLiteral("not locked"))
        << "\n\n";
    // Columns as wide as their longest cell: a long ref or release name must not shift the rest.
    QList<QStringList> hosts{
        {QStringLiteral("HOST"), QStringLiteral("CURRENT"), QStringLiteral("FREE")}};
    for (const HostDeployState &h : s.hosts) {
        const QString current = !h.error.isEmpty()    ? QStringLiteral("unreachable: ") + h.error
                                : h.current.isEmpty() ? QStringLiteral("(none)")
                                                      : h.current;
        hosts << QStringList{h.host, current,
                             h.freeBytes >= 0 ? formatBytes(h.freeBytes) : QString()};
    }
    out << formatColumns(hosts) << "\n";
    QList<QStringList> releases{{QStringLiteral("  RELEASE"), QStringLiteral("REF"),
                                 QStringLiteral("BY"), QStringLiteral("ON")}};
    for (const QString &r : s.releases) {
        QStringList on;
        for (const HostDeployState &h : s.hosts)
            if (h.current == r)
                on << h.host;
        const HistoryEntry *e = s.deployOf(r);
        // "* " marks the release some host runs.
        releases << QStringList{(on.isEmpty() ? QStringLiteral("  ") : QStringLiteral("* ")) + r,
                                e ? e->ref : QString(), e ? e->user : QString(),
                                on.join(QStringLiteral(", "))};
    }
    out << formatColumns(releases);
    out << "\nHistory (newest first):\n";
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<QStringList> history;
    for (const HistoryEntry &e : s.history.mid(0, 15)) {
        QString what = e.user;
        if (!e.comment.isEmpty())
            what += QStringLiteral("  \"") + e.comment + QLatin1Char('"');
        if (!e.message.isEmpty())
            what += QStringLiteral("  — ") + e.message.section(QLatin1Char('\n'), 0, 0);
        history << QStringList{QString(), formatWhen(e.time, now), e.action,
                               e.ref,     resultLabel(e.result),   what};
    }
    out << formatColumns(history);
}

} // namespace Opsdeck
