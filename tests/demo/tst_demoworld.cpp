// SPDX-License-Identifier: GPL-3.0-or-later
// The demo world (tests/services/demo-world.sh) is what scripts/demo shows and what every
// pane's integration tests act on: prove each thing it promises.
#include "common/futures.h"
#include "futurewait.h"
#include "pg/pgconnection.h"
#include "runtime/environmentcontext.h"
#include "runtime/environmentprobe.h"
#include "runtime/sshpool.h"
#include "secrets/secretsdiff.h"
#include "secrets/secretsfiles.h"
#include "testservices.h"
#include "workspace/workspaceloader.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Opsdeck;

namespace {

QHash<QString, QString> demo()
{
    return TestServices::load(QStringLiteral("demo"));
}

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QString error;
};

HttpAnswer get(QNetworkAccessManager &http, const QString &url)
{
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(http.get(request));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    done.wait(15000);
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
            reply->error() == QNetworkReply::NoError ? QString() : reply->errorString()};
}

} // namespace

class TestDemoWorld final : public QObject
{
    Q_OBJECT

    std::optional<Workspace> m_workspace;
    FixedPrompter m_reject{HostKeyDecision::Reject};
    std::unique_ptr<SshPool> m_pool;

private slots:
    void initTestCase()
    {
        const QString path = demo().value(QStringLiteral("WORKSPACE"));
        QVERIFY2(!path.isEmpty(), "the demo fixture did not run");
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.diagnostics.value(0).toString()));
        QVERIFY2(loaded.diagnostics.isEmpty(), qPrintable(loaded.diagnostics.value(0).toString()));
        m_workspace = loaded.workspace;
        m_pool = std::make_unique<SshPool>(*m_workspace, &m_reject);
    }

    void overviewOfBothEnvironmentsIsGreen_data()
    {
        QTest::addColumn<QString>("environment");
        QTest::newRow("staging") << QStringLiteral("staging");
        QTest::newRow("production") << QStringLiteral("production");
    }

    void overviewOfBothEnvironmentsIsGreen()
    {
        QFETCH(QString, environment);
        EnvironmentContexts contexts(*m_workspace, m_pool.get());
        EnvironmentProbe probe(*contexts.context(environment));
        QSignalSpy finished(&probe, &EnvironmentProbe::refreshFinished);
        probe.refresh();
        QVERIFY(finished.wait(30000));
        for (const HostStatus &host : probe.hosts()) {
            QVERIFY2(host.state == HostStatus::State::Up && host.metrics,
                     qPrintable(host.name + QStringLiteral(": ") + host.error));
            QCOMPARE(host.via, QStringLiteral("bastion"));
            QCOMPARE(host.hostKey.status, HostKeyInfo::Status::Known);
        }
        QCOMPARE(probe.database().state, DatabaseStatus::State::Up);
        QCOMPARE(probe.database().via, QStringLiteral("bastion"));
    }

    void eachWebHostHasItsOwnSrv()
    {
        // The deploy tests add /srv/dt<random> and /srv/cli-test-<pid> folders while this runs
        // beside them: not listed.
        const QString list = QStringLiteral(
            "ls /srv | grep -v -e '^dt[0-9]' -e '^cli-test-'; echo host=$OPSDECK_HOST");
        SshExec *web1 = m_pool->client(QStringLiteral("web1"))->exec(list);
        SshExec *web2 = m_pool->client(QStringLiteral("web2"))->exec(list);
        QVERIFY(QTest::qWaitFor([&] { return web1->isFinished() && web2->isFinished(); }, 20000));
        // journal/: the worker's journal files (systemd-journal-remote writes them there).
        QCOMPARE(web1->capturedStdout(),
                 QByteArray("journal\nminitwit\nminitwit-staging\nhost=web1\n"));
        QCOMPARE(web2->capturedStdout(), QByteArray("journal\nminitwit\nhost=web2\n"));
    }

    void secretsFilesOpenWithTheDemoKeyAndDrift()
    {
        // Encrypted by the binary under test under the demo's .sops.yaml rule.
        const QString keys = QFileInfo(demo().value(QStringLiteral("WORKSPACE"))).absolutePath() +
                             QStringLiteral("/age/keys.txt");
        qputenv("SOPS_AGE_KEY_FILE", keys.toUtf8());
        QList<Sops::Node> data;
        for (const QString &env : {QStringLiteral("staging"), QStringLiteral("production")}) {
            const EnvironmentSpec *spec = m_workspace->environment(env);
            QVERIFY(spec);
            QCOMPARE(spec->secrets.size(), 1);
            const auto opened = openSecretsFile(spec->secrets.first());
            QVERIFY2(opened, qPrintable(opened.errorString()));
            QVERIFY(opened->document->macVerified());
            data << opened->document->data();
        }
        const auto differences =
            Sops::compareLeaves(Sops::leavesByPath(data[0]), Sops::leavesByPath(data[1]));
        QMap<QString, Sops::KeyDifference::Kind> kinds;
        for (const auto &d : differences)
            kinds.insert(d.path, d.kind);
        QCOMPARE(kinds.value(QStringLiteral("sentry_dsn")), Sops::KeyDifference::Kind::OnlyRight);
        QCOMPARE(kinds.value(QStringLiteral("database.password")),
                 Sops::KeyDifference::Kind::Differs);
        QCOMPARE(kinds.value(QStringLiteral("database.user")), Sops::KeyDifference::Kind::Same);
    }

    void appAnswersOnEveryHostThroughTheBastion_data()
    {
        QTest::addColumn<QString>("portKey");
        QTest::addColumn<QString>("host");
        QTest::newRow("staging web1")
            << QStringLiteral("APP_PORT_STAGING_WEB1") << QStringLiteral("web1");
        QTest::newRow("production web1")
            << QStringLiteral("APP_PORT_PRODUCTION_WEB1") << QStringLiteral("web1");
        QTest::newRow("production web2")
            << QStringLiteral("APP_PORT_PRODUCTION_WEB2") << QStringLiteral("web2");
    }

    void appAnswersOnEveryHostThroughTheBastion()
    {
        QFETCH(QString, portKey);
        QFETCH(QString, host);
        const int appPort = demo().value(portKey).toInt();
        const Result<quint16> tunnel = wait(m_pool->client(QStringLiteral("bastion"))
                                                ->openTunnel(QStringLiteral("127.0.0.1"), appPort));
        QVERIFY2(tunnel.ok(), qPrintable(tunnel.errorString()));
        QNetworkAccessManager http;
        const HttpAnswer up = get(http, QStringLiteral("http://127.0.0.1:%1/up").arg(*tunnel));
        QVERIFY2(up.status == 200, qPrintable(up.error + QString::fromUtf8(up.body)));
        const QJsonObject json = QJsonDocument::fromJson(up.body).object();
        QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(json.value(QStringLiteral("host")).toString(), host);
        QCOMPARE(json.value(QStringLiteral("revision")).toString().size(), 7);
        const HttpAnswer page = get(http, QStringLiteral("http://127.0.0.1:%1/").arg(*tunnel));
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("Public timeline"));
        const HttpAnswer metrics =
            get(http, QStringLiteral("http://127.0.0.1:%1/metrics").arg(*tunnel));
        QVERIFY(metrics.body.contains("django_http_responses_total_by_status_total"));
    }

    void prometheusHasItsTargetsUp()
    {
        QNetworkAccessManager http;
        const QString url = QStringLiteral("http://127.0.0.1:%1/api/v1/targets")
                                .arg(demo().value(QStringLiteral("PROMETHEUS_PORT")));
        QStringList down;
        int targets = 0;
        // The first scrapes happen within a couple of intervals (2 s) of start-up.
        for (int attempt = 0; attempt < 30; ++attempt) {
            const HttpAnswer answer = get(http, url);
            const QJsonArray active = QJsonDocument::fromJson(answer.body)
                                          .object()
                                          .value(QStringLiteral("data"))
                                          .toObject()
                                          .value(QStringLiteral("activeTargets"))
                                          .toArray();
            down.clear();
            targets = 0;
            for (const QJsonValue &t : active) {
                // The swarm fixture's replicas, while it runs, are not the demo world's own.
                if (t.toObject().value(QStringLiteral("scrapePool")).toString() ==
                    QLatin1String("minitwit-containers"))
                    continue;
                ++targets;
                if (t.toObject().value(QStringLiteral("health")).toString() != QLatin1String("up"))
                    down << t.toObject().value(QStringLiteral("scrapeUrl")).toString();
            }
            if (targets == 5 && down.isEmpty())
                break;
            QTest::qWait(1000);
        }
        QCOMPARE(targets, 5); // 3 app instances, node_exporter, postgres_exporter
        QVERIFY2(down.isEmpty(), qPrintable(down.join(QStringLiteral(", "))));
    }

    void releaseHistoryHasEveryTag()
    {
        QProcess git;
        git.start(QStringLiteral("git"),
                  {QStringLiteral("-C"), demo().value(QStringLiteral("GIT_REPO")),
                   QStringLiteral("tag")});
        QVERIFY(git.waitForFinished());
        QCOMPARE(
            QString::fromUtf8(git.readAllStandardOutput())
                .split(QLatin1Char('\n'), Qt::SkipEmptyParts),
            (QStringList{QStringLiteral("v1"), QStringLiteral("v2"),
                         QStringLiteral("v3-broken-migration"), QStringLiteral("v4-unhealthy")}));
    }

    void productionDatabaseHasThePlantedProblems()
    {
        PgConnection pg(QStringLiteral("host=127.0.0.1 port=%1 dbname=minitwit_prod user=postgres")
                            .arg(demo().value(QStringLiteral("PGPORT"))));
        QVERIFY(wait(pg.open()).ok());
        const Result<PgResultSet> r = wait(pg.query(QStringLiteral(
            "select"
            " (select count(*) from pg_stat_activity where datname = current_database()"
            "   and state = 'idle in transaction' and application_name = 'reporting-job') as "
            "idle_in_tx,"
            " (select count(*) from pg_stat_activity where datname = current_database()"
            "   and cardinality(pg_blocking_pids(pid)) > 0"
            "   and application_name in ('manage.py migrate', 'minitwit')) as blocked,"
            " (select count(*) from pg_replication_slots where not active) as inactive_slots,"
            " (select count(*) from pg_indexes where indexname = 'twit_message_author_dup') as "
            "duplicate_index,"
            " (select count(*) from pg_indexes where indexname = 'twit_pageview_path_unused') as "
            "unused_index,"
            " (select count(*) from twit_pageview) as live_pageviews,"
            " (select count(*) from auth_user) as users,"
            " (select count(*) from waffle_flag) as flags")));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->value(0, QStringLiteral("idle_in_tx")).toInt(), 1);
        // By name: other tests (and people) may queue behind the same locks meanwhile.
        QCOMPARE(r->value(0, QStringLiteral("blocked")).toInt(), 2);
        QCOMPARE(r->value(0, QStringLiteral("inactive_slots")).toInt(), 1);
        QCOMPARE(r->value(0, QStringLiteral("duplicate_index")).toInt(), 1);
        QCOMPARE(r->value(0, QStringLiteral("unused_index")).toInt(), 1);
        QCOMPARE(r->value(0, QStringLiteral("live_pageviews")).toInt(),
                 80000); // 320,000 dead behind them
        QVERIFY(r->value(0, QStringLiteral("users")).toInt() >= 3000);
        QVERIFY(r->value(0, QStringLiteral("flags")).toInt() >= 3);
    }

    void flagsDifferBetweenEnvironments()
    {
        const QString port = demo().value(QStringLiteral("PGPORT"));
        auto percentOf = [&](const QString &db) {
            PgConnection pg(
                QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=postgres").arg(port, db));
            if (const Status opened = wait(pg.open()); !opened)
                return Result<PgResultSet>(opened.error());
            return wait(pg.query(QStringLiteral(
                "select everyone, percent from waffle_flag where name = 'new_timeline'")));
        };
        const Result<PgResultSet> staging = percentOf(QStringLiteral("minitwit_staging"));
        const Result<PgResultSet> production = percentOf(QStringLiteral("minitwit_prod"));
        QVERIFY(staging.ok() && production.ok());
        QCOMPARE(staging->value(0, QStringLiteral("everyone")).toBool(), true);
        QVERIFY(production->value(0, QStringLiteral("everyone"))
                    .isNull()); // unset: the percentage decides
        QCOMPARE(production->value(0, QStringLiteral("percent")).toDouble(), 35.0);
    }

    void cleanupTestCase() { m_pool.reset(); }
};

QTEST_GUILESS_MAIN(TestDemoWorld)
#include "tst_demoworld.moc"
