// SPDX-License-Identifier: GPL-3.0-or-later
// Drift between environments' config (and their secrets' key names), and YAML config checks.
#include "config/configdrift.h"
#include "config/linediff.h"
#include "config/yamlcheck.h"
#include "testservices.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace Opsdeck;

namespace {

DriftInput env(const QString &name, const QByteArray &dotenv, const QString &origin = {})
{
    DriftInput input;
    input.environment = name;
    input.addDotenv(origin.isEmpty() ? name + QStringLiteral(".env") : origin,
                    DotenvFile::parse(dotenv));
    return input;
}

const DriftRow *row(const QList<DriftRow> &rows, const QString &key)
{
    for (const DriftRow &r : rows)
        if (r.key == key)
            return &r;
    return nullptr;
}

QByteArray fixture(const QString &path)
{
    QFile f(TestServices::dataDir() + QStringLiteral("/fixtures/") + path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestConfigDrift final : public QObject
{
    Q_OBJECT

private slots:
    void keysAreComparedAcrossThreeEnvironments()
    {
        const QList<DriftRow> rows = computeDrift(
            {env(QStringLiteral("dev"), "DEBUG=True\nTITLE=App\nDB_PASSWORD=a\nONLY_DEV=1\n"),
             env(QStringLiteral("staging"), "DEBUG=False\nTITLE=App\nDB_PASSWORD=b\n"),
             env(QStringLiteral("prod"), "DEBUG=False\nTITLE=App\nDB_PASSWORD=b\n")});
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows.at(0).key, QStringLiteral("DB_PASSWORD")); // sorted by key
        QCOMPARE(row(rows, QStringLiteral("DEBUG"))->state, DriftRow::State::Differs);
        QVERIFY(!row(rows, QStringLiteral("DEBUG"))->masked);
        QCOMPARE(row(rows, QStringLiteral("TITLE"))->state, DriftRow::State::Same);
        const DriftRow *only = row(rows, QStringLiteral("ONLY_DEV"));
        QCOMPARE(only->state, DriftRow::State::Missing);
        QVERIFY(only->cells.at(0).has_value());
        QVERIFY(!only->cells.at(1).has_value() && !only->cells.at(2).has_value());
        // A secret-looking key is compared (it differs) but marked for masking.
        const DriftRow *password = row(rows, QStringLiteral("DB_PASSWORD"));
        QCOMPARE(password->state, DriftRow::State::Differs);
        QVERIFY(password->masked);
        QCOMPARE(password->cells.at(1)->text, QStringLiteral("b"));
    }

    void anEnvironmentWhoseFilesDisagreeIsAFindingShownFirst()
    {
        // Staging's local file says DEBUG=True, web1's says False; production's web1 and web2
        // disagree on PORT. One value per environment hid both.
        DriftInput staging = env(QStringLiteral("staging"), "DEBUG=True\nTITLE=App\n",
                                 QStringLiteral("config/staging.env"));
        staging.addDotenv(QStringLiteral("web1:/srv/app/shared/.env"),
                          DotenvFile::parse("DEBUG=False\nPORT=8000\n"));
        DriftInput production = env(QStringLiteral("production"), "DEBUG=False\nTITLE=App\n",
                                    QStringLiteral("config/production.env"));
        production.addDotenv(QStringLiteral("web1:/srv/app/shared/.env"),
                             DotenvFile::parse("PORT=8000\n"));
        production.addDotenv(QStringLiteral("web2:/srv/app/shared/.env"),
                             DotenvFile::parse("PORT=8001\n"));
        const QList<DriftRow> rows = computeDrift({staging, production});
        QCOMPARE(rows.at(0).state, DriftRow::State::Inconsistent);
        QCOMPARE(rows.at(1).state, DriftRow::State::Inconsistent);
        QCOMPARE(rows.at(0).key, QStringLiteral("DEBUG"));
        QCOMPARE(rows.at(0).inconsistent, QStringList{QStringLiteral("staging")});
        QCOMPARE(rows.at(1).key, QStringLiteral("PORT"));
        QCOMPARE(rows.at(1).inconsistent, QStringList{QStringLiteral("production")});
        QCOMPARE(
            describeValues(rows.at(0).values.at(0)),
            QStringLiteral("True (config/staging.env) \u2260 False (web1:/srv/app/shared/.env)"));
        QCOMPARE(describeValues(rows.at(0).values.at(0), QStringLiteral("***"), true),
                 QStringLiteral("*** (staging.env) \u2260 *** (web1:.env)"));
        QCOMPARE(row(rows, QStringLiteral("TITLE"))->state, DriftRow::State::Same);
        // Every key in exactly one state: the summary adds up to the keys.
        QCOMPARE(driftSummary(rows), QStringLiteral("3 keys: 2 disagree within an environment, 0 "
                                                    "missing somewhere, 0 differ, 1 same"));
    }

    void theSummaryCountsSecretsToo()
    {
        DriftInput prod = env(QStringLiteral("prod"), "DEBUG=False\n");
        QVERIFY(prod.addSecretsKeys(QStringLiteral("secret.enc.env"),
                                    fixture(QStringLiteral("sops-age-humphd/secret.enc.env"))));
        DriftInput staging = env(QStringLiteral("staging"), "DEBUG=True\n");
        QVERIFY(staging.addSecretsKeys(QStringLiteral("secret.enc.env"),
                                       fixture(QStringLiteral("sops-age-humphd/secret.enc.env"))));
        const QList<DriftRow> rows = computeDrift({staging, prod});
        const QString summary = driftSummary(rows);
        // "N keys: 0 missing somewhere, 1 differ, 0 same, M secrets (values not compared)"
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("^(\\d+) keys?: (\\d+) missing somewhere, (\\d+) "
                                              "differ, (\\d+) same, (\\d+) secrets? \\(values "
                                              "not compared\\)$"))
                .match(summary);
        QVERIFY2(m.hasMatch(), qPrintable(summary));
        QCOMPARE(m.captured(1).toInt(), m.captured(2).toInt() + m.captured(3).toInt() +
                                            m.captured(4).toInt() + m.captured(5).toInt());
        QVERIFY(m.captured(5).toInt() > 0);
    }

    void theFirstFileThatSetsAKeyWins()
    {
        DriftInput input = env(QStringLiteral("dev"), "A=1\n", QStringLiteral("first.env"));
        input.addDotenv(QStringLiteral("second.env"), DotenvFile::parse("A=2\nB=3\n"));
        QCOMPARE(input.keys.value(QStringLiteral("A")).text, QStringLiteral("1"));
        QCOMPARE(input.keys.value(QStringLiteral("A")).origin, QStringLiteral("first.env"));
        QCOMPARE(input.keys.value(QStringLiteral("B")).origin, QStringLiteral("second.env"));
    }

    void secretsKeysTakePartWithoutTheirValues()
    {
        // Real sops files: a nested YAML one and a dotenv one.
        DriftInput prod = env(QStringLiteral("prod"), "DEBUG=False\n");
        QVERIFY(prod.addSecretsKeys(QStringLiteral("secret.enc.yaml"),
                                    fixture(QStringLiteral("sops-age-humphd/secret.enc.yaml"))));
        QVERIFY(prod.addSecretsKeys(QStringLiteral("secret.enc.env"),
                                    fixture(QStringLiteral("sops-age-humphd/secret.enc.env"))));
        DriftInput staging = env(QStringLiteral("staging"), "DEBUG=False\n");
        QVERIFY(staging.addSecretsKeys(QStringLiteral("secret.enc.env"),
                                       fixture(QStringLiteral("sops-age-humphd/secret.enc.env"))));
        const QList<DriftRow> rows = computeDrift({staging, prod});
        for (const DriftRow &r : rows)
            QVERIFY2(!r.key.startsWith(QLatin1String("sops")), qPrintable(r.key)); // no metadata
        const DriftRow *another = row(rows, QStringLiteral("another_secret"));
        QVERIFY(another);
        QCOMPARE(another->state, DriftRow::State::Unknown); // in both, values not compared
        QVERIFY(another->masked);
        QVERIFY(!another->cells.at(0)->known);
        // Keys only prod's YAML secrets have: caught as missing from staging.
        int onlyProd = 0;
        for (const DriftRow &r : rows)
            if (r.state == DriftRow::State::Missing && r.cells.at(1) &&
                r.cells.at(1)->origin == QLatin1String("secret.enc.yaml"))
                ++onlyProd;
        QVERIFY(onlyProd > 0);
        QCOMPARE(row(rows, QStringLiteral("DEBUG"))->state, DriftRow::State::Same);
        // Not a sops file: a clear error, not a crash.
        QVERIFY(!prod.addSecretsKeys(QStringLiteral("x.yaml"), "a: [unclosed"));
    }

    void lineDiffFindsTheChangedLines()
    {
        const QList<DiffLine> diff =
            lineDiff({QStringLiteral("A=1"), QStringLiteral("B=2"), QStringLiteral("C=3")},
                     {QStringLiteral("A=1"), QStringLiteral("B=20"), QStringLiteral("C=3"),
                      QStringLiteral("D=4")});
        QCOMPARE(diffText(diff), QStringLiteral(" A=1\n-B=2\n+B=20\n C=3\n+D=4\n"));
        QVERIFY(lineDiff({}, {}).isEmpty());
        // Past the limit: everything removed then added, not quadratic memory.
        QCOMPARE(
            lineDiff({QStringLiteral("x"), QStringLiteral("y")}, {QStringLiteral("x")}, 1).size(),
            3);
    }

    void yamlErrorsCarryTheirPosition()
    {
        const YamlCheck bad = checkYaml("app:\n  name: web\n  ports: [80, 443\nother: 1\n");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.problem->line, 4);
        QVERIFY(bad.problem->column >= 1);
        QVERIFY(!bad.problem->message.isEmpty());
        const YamlCheck tab = checkYaml("a:\n\t- b\n");
        QVERIFY(!tab.ok());
        QCOMPARE(tab.problem->line, 2);
        QVERIFY(checkYaml("key: value\nkey2: [1, 2]\n").ok());
        QVERIFY(checkYaml("").ok());
    }

    void yamlOutlineListsKeysWithLinesAndDepth()
    {
        const YamlCheck check = checkYaml("app:\n  name: web\n  workers:\n    - name: a\n"
                                          "---\ndb:\n  host: x\n");
        QVERIFY(check.ok());
        QCOMPARE(check.documents, 2);
        QStringList seen;
        for (const YamlCheck::OutlineItem &i : check.outline)
            seen << QStringLiteral("%1@%2/%3").arg(i.key).arg(i.line).arg(i.depth);
        QCOMPARE(seen, QStringList({QStringLiteral("app@1/0"), QStringLiteral("name@2/1"),
                                    QStringLiteral("workers@3/1"), QStringLiteral("name@4/3"),
                                    QStringLiteral("db@6/0"), QStringLiteral("host@7/1")}));
    }
};

QTEST_GUILESS_MAIN(TestConfigDrift)
#include "tst_configdrift.moc"
