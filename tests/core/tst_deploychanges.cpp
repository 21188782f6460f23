// SPDX-License-Identifier: GPL-3.0-or-later
// The deploy dialog's summary: what the lock host's repository says, read into one line.
#include "deploy/deploychanges.h"
#include "deploy/deployscripts.h"
#include "deploy/deploysummary.h"

#include <QTest>

using namespace Opsdeck;

namespace {

EnvironmentSpec twoHosts(QStringList batches)
{
    EnvironmentSpec env;
    env.name = QStringLiteral("production");
    env.hosts = {QStringLiteral("web1"), QStringLiteral("web2")};
    DeploySpec deploy;
    deploy.path = QStringLiteral("/srv/app");
    deploy.repo = QStringLiteral("/srv/git/app.git");
    deploy.batches = std::move(batches);
    HealthCheckSpec health;
    health.url = QStringLiteral("http://127.0.0.1:8000/up");
    deploy.healthcheck = health;
    env.deploy = deploy;
    return env;
}

} // namespace

class TestDeployChanges final : public QObject
{
    Q_OBJECT

private slots:
    void parsesCommitsAndMigrationFiles()
    {
        const DeployChanges changes = DeployChanges::parse(
            "# commits\ncount 3\nabc1234 Add likes (alice)\ndef5678 Fix typo (bob)\n"
            "# migrations\ntwit/migrations/0001_initial.py\ntwit/migrations/0002_likes.py\n"
            "src/accounts/migrations/0001_initial.py\ntwit/migrations/__init__.py\n");
        QCOMPARE(changes.commitCount, std::optional<int>(3));
        QCOMPARE(changes.commits, QStringList({QStringLiteral("abc1234 Add likes (alice)"),
                                               QStringLiteral("def5678 Fix typo (bob)")}));
        QCOMPARE(changes.migrationsInCode, QStringList({QStringLiteral("twit.0001_initial"),
                                                        QStringLiteral("twit.0002_likes"),
                                                        QStringLiteral("accounts.0001_initial")}));

        const DeployChanges firstDeploy = DeployChanges::parse("# commits\n# migrations\n");
        QVERIFY(!firstDeploy.commitCount);
    }

    void pendingAreTheOnesTheDatabaseLacks()
    {
        const QList<AppliedMigration> applied{
            {QStringLiteral("twit"), QStringLiteral("0001_initial"), {}}};
        QCOMPARE(
            pendingMigrations(
                {QStringLiteral("twit.0001_initial"), QStringLiteral("twit.0002_likes")}, applied),
            QStringList(QStringLiteral("twit.0002_likes")));
    }

    void headlineReadsLikeADeploy()
    {
        DeployChanges changes;
        changes.commitCount = 3;
        QCOMPARE(
            deployHeadline(QStringLiteral("v1"), QStringLiteral("v2"), changes,
                           QStringList(QStringLiteral("twit.0002_likes")),
                           twoHosts({QStringLiteral("1")})),
            QStringLiteral("v1 → v2: 3 commits, 1 migration (twit.0002_likes); web1 then web2; "
                           "health check http://127.0.0.1:8000/up"));
        QCOMPARE(
            deployHeadline({}, QStringLiteral("v1"), DeployChanges(), QStringList(), twoHosts({})),
            QStringLiteral("first deploy of v1: no migrations; web1 and web2 together; "
                           "health check http://127.0.0.1:8000/up"));
        QVERIFY(deployHeadline(QStringLiteral("v1"), QStringLiteral("v2"), changes, std::nullopt,
                               twoHosts({}))
                    .contains(QStringLiteral("migrations unknown")));
    }

    void theSummaryListsCommitsThenPendingMigrations()
    {
        DeployChanges changes;
        changes.commitCount = 4;
        changes.commits = {QStringLiteral("b64dc5c Add likes (alice)"),
                           QStringLiteral("9f1e2aa Fix the feed (bob)")};
        changes.migrationsInCode = {QStringLiteral("twit.0001_initial"),
                                    QStringLiteral("twit.0002_likes")};
        const DeployStep step{QStringLiteral("v1"), QStringLiteral("aaaa"), QStringLiteral("v2"),
                              QStringLiteral("bbbb")};
        const DeploySummary summary =
            deploySummary(step, changes, QStringList(QStringLiteral("twit.0002_likes")), {},
                          twoHosts({QStringLiteral("1")}));
        QVERIFY2(summary.headline.startsWith(QStringLiteral("v1 → v2: 4 commits, 1 migration")),
                 qPrintable(summary.headline));
        QCOMPARE(summary.details,
                 (QStringList{QStringLiteral("Commits:"),
                              QStringLiteral("  • b64dc5c Add likes (alice)"),
                              QStringLiteral("  • 9f1e2aa Fix the feed (bob)"),
                              QStringLiteral("… and 2 more"),
                              QStringLiteral("Migrations the release phase will apply:"),
                              QStringLiteral("  • twit.0002_likes")}));
        // The database could not be read: the headline says so and the reason ends the list.
        const DeploySummary unread = deploySummary(
            step, changes, std::nullopt,
            QStringLiteral("Could not read django_migrations: refused"), twoHosts({}));
        QVERIFY(unread.headline.contains(QLatin1String("migrations unknown")));
        QCOMPARE(unread.details.last(),
                 QStringLiteral("Could not read django_migrations: refused"));
        QVERIFY(
            !unread.details.contains(QStringLiteral("Migrations the release phase will apply:")));
    }

    void theChangesScriptOnlyReadsReleases()
    {
        const QString script = DeployScripts::changes(
            *twoHosts({}).deploy, QStringLiteral("abc1234"), QStringLiteral("def5678"));
        QVERIFY(script.contains(QStringLiteral("rev-list --count abc1234..def5678")));
        QVERIFY(script.contains(QStringLiteral("ls-tree -r --name-only def5678")));
        QVERIFY(!script.contains(QStringLiteral("releases")));
        QVERIFY(!script.contains(QStringLiteral("current")));
    }
};

QTEST_GUILESS_MAIN(TestDeployChanges)
#include "tst_deploychanges.moc"
