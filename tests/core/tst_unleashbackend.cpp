// SPDX-License-Identifier: GPL-3.0-or-later
// The Unleash flags backend against a real unleash-server (npm 7.5.1) on loopback: features
// read per environment with their rollout, toggles, percentages on the flexibleRollout
// strategy, create and archive, a change made meanwhile refused, and the server's event log.
// Every write is checked by asking the server itself, not the backend.
#include "flags/flagsbackend.h"
#include "futurewait.h"
#include "testservices.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace Opsdeck;

class TestUnleashBackend final : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_unleash;
    std::unique_ptr<FlagsBackend> m_dev, m_prod;
    QNetworkAccessManager m_network;
    const QString m_flag = QStringLiteral("opsdeck_%1").arg(QCoreApplication::applicationPid());

    std::unique_ptr<FlagsBackend> backend(const QString &environment)
    {
        EnvironmentSpec env;
        env.name = environment;
        env.flags = {{QStringLiteral("backend"), QStringLiteral("unleash")},
                     {QStringLiteral("url"), m_unleash.value(QStringLiteral("UNLEASH_URL"))},
                     {QStringLiteral("token"), m_unleash.value(QStringLiteral("UNLEASH_TOKEN"))}};
        auto created = FlagsBackend::create(env, nullptr, nullptr);
        return created ? std::move(created.value()) : nullptr;
    }

    /** The server's own answer, for checking (not through the backend). */
    QJsonObject server(const QByteArray &verb, const QString &path, const QJsonObject &body = {})
    {
        QNetworkRequest req(QUrl(m_unleash.value(QStringLiteral("UNLEASH_URL")) + path));
        req.setRawHeader("Authorization",
                         m_unleash.value(QStringLiteral("UNLEASH_TOKEN")).toUtf8());
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = m_network.sendCustomRequest(
            req, verb, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 15000))
            return {};
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

    QJsonObject serverEnvironment(const QString &environment)
    {
        const QJsonObject feature =
            server("GET", QStringLiteral("/api/admin/projects/default/features/") + m_flag);
        for (const QJsonValue &e : feature.value(QStringLiteral("environments")).toArray())
            if (e.toObject().value(QStringLiteral("name")).toString() == environment)
                return e.toObject();
        return {};
    }

    Result<QList<FlagState>> load(FlagsBackend &b) { return wait(b.load(), 15000); }

    FlagState read(FlagsBackend &b, const QString &name = {})
    {
        const auto flags = load(b);
        for (const FlagState &f : flags.value())
            if (f.name == (name.isEmpty() ? m_flag : name))
                return f;
        return {};
    }

    Status apply(FlagsBackend &b, const FlagEdit &edit)
    {
        return wait(b.apply(edit), 15000).status;
    }

    Status setState(FlagsBackend &b, const std::function<void(FlagState &)> &change)
    {
        const FlagState before = read(b);
        FlagState after = before;
        change(after);
        return apply(b, FlagEdit::update(before, after));
    }

private slots:
    void initTestCase()
    {
        m_unleash = TestServices::load(QStringLiteral("unleash"));
        QVERIFY2(!m_unleash.value(QStringLiteral("UNLEASH_URL")).isEmpty(),
                 "unleash is not running");
        m_dev = backend(QStringLiteral("development"));
        m_prod = backend(QStringLiteral("production"));
        QVERIFY(m_dev && m_prod);
        QVERIFY(m_prod->describe().contains(QLatin1String("production")));
    }

    void configurationIsChecked()
    {
        EnvironmentSpec env;
        env.name = QStringLiteral("production");
        env.flags = {{QStringLiteral("backend"), QStringLiteral("unleash")},
                     {QStringLiteral("url"), QStringLiteral("127.0.0.1:4242")}};
        QVERIFY(FlagsBackend::create(env, nullptr, nullptr)
                    .errorString()
                    .contains(QLatin1String("http")));
        env.flags.insert(QStringLiteral("url"), QStringLiteral("http://127.0.0.1:4242"));
        QVERIFY(FlagsBackend::create(env, nullptr, nullptr)
                    .errorString()
                    .contains(QLatin1String("token")));
    }

    void createdOffInEveryEnvironment()
    {
        FlagState flag;
        flag.name = m_flag;
        flag.everyone = false;
        flag.note = QStringLiteral("made by the Opsdeck test");
        QCOMPARE(apply(*m_dev, FlagEdit::create(flag)).errorString(), QString());
        QCOMPARE(read(*m_dev).summary(), QStringLiteral("off"));
        QCOMPARE(read(*m_prod).summary(), QStringLiteral("off"));
        QCOMPARE(read(*m_dev).note, flag.note);
        QVERIFY(read(*m_dev).created.isValid());
        QVERIFY(!serverEnvironment(QStringLiteral("development"))
                     .value(QStringLiteral("enabled"))
                     .toBool());
    }

    void toggleOneEnvironment()
    {
        QCOMPARE(setState(*m_dev, [](FlagState &f) { f.everyone = true; }).errorString(),
                 QString());
        QVERIFY(serverEnvironment(QStringLiteral("development"))
                    .value(QStringLiteral("enabled"))
                    .toBool());
        QVERIFY(!serverEnvironment(QStringLiteral("production"))
                     .value(QStringLiteral("enabled"))
                     .toBool());
        QCOMPARE(read(*m_dev).summary(), QStringLiteral("on"));
        QCOMPARE(read(*m_prod).summary(), QStringLiteral("off"));
    }

    void rolloutPercentageIsTheStrategysRollout()
    {
        QCOMPARE(setState(*m_prod,
                          [](FlagState &f) {
                              f.everyone.reset();
                              f.percent = 35;
                          })
                     .errorString(),
                 QString());
        QJsonObject prod = serverEnvironment(QStringLiteral("production"));
        QVERIFY(prod.value(QStringLiteral("enabled")).toBool());
        QJsonArray strategies = prod.value(QStringLiteral("strategies")).toArray();
        QCOMPARE(strategies.size(), 1);
        QCOMPARE(strategies.at(0).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("flexibleRollout"));
        QCOMPARE(
            strategies.at(0)[QStringLiteral("parameters")][QStringLiteral("rollout")].toString(),
            QStringLiteral("35"));
        QCOMPARE(read(*m_prod).summary(), QStringLiteral("35 %"));
        QCOMPARE(read(*m_prod).effect(), FlagState::Effect::Partial);
        // A new percentage changes the same strategy; "on" makes it 100 %.
        QCOMPARE(setState(*m_prod, [](FlagState &f) { f.percent = 50; }).errorString(), QString());
        strategies = serverEnvironment(QStringLiteral("production"))
                         .value(QStringLiteral("strategies"))
                         .toArray();
        QCOMPARE(strategies.size(), 1);
        QCOMPARE(
            strategies.at(0)[QStringLiteral("parameters")][QStringLiteral("rollout")].toString(),
            QStringLiteral("50"));
        QCOMPARE(setState(*m_prod, [](FlagState &f) { f.everyone = true; }).errorString(),
                 QString());
        QCOMPARE(read(*m_prod).summary(), QStringLiteral("on"));
        QCOMPARE(setState(*m_prod,
                          [](FlagState &f) {
                              f.percent = 100;
                              f.everyone.reset();
                          })
                     .errorString()
                     .contains(QLatin1String("turn it on")),
                 true);
    }

    void otherStrategiesAreShownAsRules()
    {
        const QString name = m_flag + QStringLiteral("_targeted");
        QVERIFY(!server("POST", QStringLiteral("/api/admin/projects/default/features"),
                        {{QStringLiteral("name"), name}})
                     .isEmpty());
        server("POST",
               QStringLiteral(
                   "/api/admin/projects/default/features/%1/environments/production/strategies")
                   .arg(name),
               {{QStringLiteral("name"), QStringLiteral("flexibleRollout")},
                {QStringLiteral("parameters"),
                 QJsonObject{{QStringLiteral("rollout"), QStringLiteral("100")},
                             {QStringLiteral("stickiness"), QStringLiteral("default")},
                             {QStringLiteral("groupId"), name}}},
                {QStringLiteral("constraints"),
                 QJsonArray{
                     QJsonObject{{QStringLiteral("contextName"), QStringLiteral("userId")},
                                 {QStringLiteral("operator"), QStringLiteral("IN")},
                                 {QStringLiteral("values"), QJsonArray{QStringLiteral("42")}}}}}});
        server("POST",
               QStringLiteral("/api/admin/projects/default/features/%1/environments/production/on")
                   .arg(name));
        const FlagState targeted = read(*m_prod, name);
        QCOMPARE(targeted.effect(), FlagState::Effect::Partial);
        QCOMPARE(targeted.summary(), QStringLiteral("100 % with 1 constraints"));
        server("DELETE", QStringLiteral("/api/admin/projects/default/features/") + name);
    }

    void aChangeMadeMeanwhileIsNotOverwritten()
    {
        const FlagState before = read(*m_dev); // on
        server("POST", QStringLiteral(
                           "/api/admin/projects/default/features/%1/environments/development/off")
                           .arg(m_flag));
        FlagState after = before;
        after.everyone.reset();
        after.percent = 10;
        const Status s = apply(*m_dev, FlagEdit::update(before, after));
        QCOMPARE(s.error().code, kFlagConflict);
        QVERIFY(!serverEnvironment(QStringLiteral("development"))
                     .value(QStringLiteral("enabled"))
                     .toBool());
    }

    void theServersEventLog()
    {
        const Result<QList<FlagEvent>> out = wait(m_prod->events(m_flag), 15000);
        QVERIFY2(out, qPrintable(out.errorString()));
        QStringList types;
        for (const FlagEvent &e : out.value())
            types << e.type;
        QVERIFY(types.contains(QStringLiteral("feature-created")));
        QVERIFY(types.contains(QStringLiteral("feature-environment-enabled")));
        QVERIFY(types.contains(QStringLiteral("feature-strategy-update")));
        QVERIFY(!out->first().summary.contains(QLatin1String("**"))); // markdown stripped
    }

    void deleteArchives()
    {
        QCOMPARE(apply(*m_dev, FlagEdit::remove(read(*m_dev))).errorString(), QString());
        QCOMPARE(read(*m_dev).name, QString());
        QCOMPARE(read(*m_prod).name, QString());
    }

    void aWrongTokenIsAClearError()
    {
        EnvironmentSpec env;
        env.name = QStringLiteral("production");
        env.flags = {{QStringLiteral("backend"), QStringLiteral("unleash")},
                     {QStringLiteral("url"), m_unleash.value(QStringLiteral("UNLEASH_URL"))},
                     {QStringLiteral("token"), QStringLiteral("*:*.wrong")}};
        auto b = FlagsBackend::create(env, nullptr, nullptr);
        QVERIFY(b);
        const auto flags = load(*b.value());
        QVERIFY(!flags);
        QVERIFY2(flags.errorString().contains(QLatin1String("Unleash GET")),
                 qPrintable(flags.errorString()));
    }
};

QTEST_GUILESS_MAIN(TestUnleashBackend)
#include "tst_unleashbackend.moc"
