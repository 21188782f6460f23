// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploychanges.h"

#include "common/formatting.h"
#include "deploycontext.h"
#include "deployscripts.h"
#include "hostfanout.h"

#include <QRegularExpression>
#include <QSet>

namespace Opsdeck {

DeployChanges DeployChanges::parse(const QByteArray &output)
{
    DeployChanges changes;
    enum class Section { None, Commits, Migrations } section = Section::None;
    for (const QByteArray &raw : output.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line == QLatin1String("# commits")) {
            section = Section::Commits;
        } else if (line == QLatin1String("# migrations")) {
            section = Section::Migrations;
        } else if (line.isEmpty()) {
            continue;
        } else if (section == Section::Commits && line.startsWith(QLatin1String("count "))) {
            bool ok = false;
            const int count = line.mid(6).toInt(&ok);
            if (ok)
                changes.commitCount = count;
        } else if (section == Section::Commits) {
            changes.commits << line;
        } else if (section == Section::Migrations) {
            const QString name = migrationOfPath(line);
            if (!name.isEmpty())
                changes.migrationsInCode << name;
        }
    }
    return changes;
}

QString migrationOfPath(const QString &path)
{
    // Django's app label is the app package's last component, the folder holding migrations/.
    static const QRegularExpression pattern(
        QStringLiteral("(?:^|/)([A-Za-z_][A-Za-z0-9_]*)/migrations/([0-9][^/]*)\\.py$"));
    const QRegularExpressionMatch match = pattern.match(path);
    return match.hasMatch() ? match.captured(1) + QLatin1Char('.') + match.captured(2) : QString();
}

QString appliedMigrationsSql()
{
    return QStringLiteral(
        "select app, name, to_char(applied at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "from django_migrations order by applied, id");
}

QStringList pendingMigrations(const QStringList &inCode, const QList<AppliedMigration> &applied)
{
    QSet<QString> done;
    for (const AppliedMigration &m : applied)
        done.insert(m.app + QLatin1Char('.') + m.name);
    QStringList pending;
    for (const QString &name : inCode)
        if (!done.contains(name))
            pending << name;
    return pending;
}

QString deployHeadline(const QString &fromRef, const QString &toRef, const DeployChanges &changes,
                       const std::optional<QStringList> &pending,
                       const EnvironmentSpec &environment)
{
    QStringList what;
    if (changes.commitCount)
        what << countOf(*changes.commitCount, QStringLiteral("commit"), QStringLiteral("commits"));
    if (!pending)
        what << QStringLiteral("migrations unknown (database not read)");
    else if (pending->isEmpty())
        what << QStringLiteral("no migrations");
    else
        what << QStringLiteral("%1 (%2)").arg(
            countOf(pending->size(), QStringLiteral("migration"), QStringLiteral("migrations")),
            pending->join(QStringLiteral(", ")));
    QString line = (fromRef.isEmpty() ? QStringLiteral("first deploy of %1").arg(toRef)
                                      : QStringLiteral("%1 → %2").arg(fromRef, toRef)) +
                   QStringLiteral(": ") + what.join(QStringLiteral(", "));

    if (environment.deploy) {
        QStringList batches;
        for (const QStringList &batch :
             computeBatches(environment.hosts, environment.deploy->batches))
            batches << (batch.size() == 1
                            ? batch.first()
                            : batch.join(QStringLiteral(" and ")) + QStringLiteral(" together"));
        if (!batches.isEmpty())
            line += QStringLiteral("; ") + batches.join(QStringLiteral(" then "));
        if (const std::optional<HealthCheckSpec> &health = environment.deploy->healthcheck) {
            line += health->url.isEmpty()
                        ? QStringLiteral("; health check runs %1").arg(health->run)
                        : QStringLiteral("; health check %1").arg(health->url);
        } else {
            line += QStringLiteral("; no health check");
        }
    }
    return line;
}

QFuture<Result<DeployChanges>> readDeployChanges(SshPool *pool, const DeploySpec &spec,
                                                 const QString &fromRevision,
                                                 const QString &revision)
{
    return HostFanOut::read(pool, spec.lockHost,
                            DeployScripts::changes(spec, fromRevision, revision))
        .then([](const HostOutcome &outcome) {
            if (!outcome.ok())
                return Result<DeployChanges>::failure(outcome.describe());
            return Result<DeployChanges>(DeployChanges::parse(outcome.output));
        });
}

} // namespace Opsdeck
