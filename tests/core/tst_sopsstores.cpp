// SPDX-License-Identifier: GPL-3.0-or-later
// The sops stores' typing rules: the bytes sops encrypts and MACs depend on them.
#include "secrets/sopstree.h"
#include "secrets/sopsyaml.h"

#include <QTest>

using namespace Opsdeck;
using Sops::Node;

class TestSopsStores final : public QObject
{
    Q_OBJECT

private slots:
    void yamlPlainScalarsAreTypedAsGoYamlDoes_data()
    {
        QTest::addColumn<QByteArray>("scalar");
        QTest::addColumn<QString>("type"); // empty: null
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("hex int") << QByteArray("0x1F") << "int" << QByteArray("31");
        QTest::newRow("YAML 1.1 octal") << QByteArray("0777") << "int" << QByteArray("511");
        QTest::newRow("0o octal") << QByteArray("0o17") << "int" << QByteArray("15");
        QTest::newRow("binary") << QByteArray("0b101") << "int" << QByteArray("5");
        QTest::newRow("underscores") << QByteArray("1_000") << "int" << QByteArray("1000");
        QTest::newRow("negative") << QByteArray("-42") << "int" << QByteArray("-42");
        QTest::newRow("not octal: float") << QByteArray("08") << "float" << QByteArray("8");
        QTest::newRow("float canonical") << QByteArray("1.50") << "float" << QByteArray("1.5");
        QTest::newRow("exponent, no exponent out")
            << QByteArray("1e21") << "float" << QByteArray("1000000000000000000000");
        QTest::newRow("small") << QByteArray("1e-7") << "float" << QByteArray("0.0000001");
        QTest::newRow("infinity") << QByteArray(".inf") << "float" << QByteArray("+Inf");
        QTest::newRow("minus infinity") << QByteArray("-.Inf") << "float" << QByteArray("-Inf");
        QTest::newRow("nan") << QByteArray(".NaN") << "float" << QByteArray("NaN");
        QTest::newRow("true") << QByteArray("True") << "bool" << QByteArray("True");
        QTest::newRow("FALSE") << QByteArray("FALSE") << "bool" << QByteArray("False");
        QTest::newRow("yes stays a string") << QByteArray("yes") << "str" << QByteArray("yes");
        QTest::newRow("on stays a string") << QByteArray("on") << "str" << QByteArray("on");
        QTest::newRow("date") << QByteArray("2024-01-01") << "time"
                              << QByteArray("2024-01-01T00:00:00Z");
        QTest::newRow("time with offset") << QByteArray("2006-01-02T15:04:05+07:06") << "time"
                                          << QByteArray("2006-01-02T15:04:05+07:06");
        QTest::newRow("fraction, trailing zeros dropped")
            << QByteArray("2001-12-14t21:59:43.10-05:00") << "time"
            << QByteArray("2001-12-14T21:59:43.1-05:00");
        QTest::newRow("quoted number is a string")
            << QByteArray("'123'") << "str" << QByteArray("123");
        QTest::newRow("tagged string") << QByteArray("!!str true") << "str" << QByteArray("true");
        QTest::newRow("tilde") << QByteArray("~") << "" << QByteArray();
        QTest::newRow("empty") << QByteArray("") << "" << QByteArray();
        QTest::newRow("version-like") << QByteArray("1.2.3") << "str" << QByteArray("1.2.3");
    }

    void yamlPlainScalarsAreTypedAsGoYamlDoes()
    {
        QFETCH(QByteArray, scalar);
        QFETCH(QString, type);
        QFETCH(QByteArray, bytes);
        const auto doc = Sops::Yaml::parse("key: " + scalar + "\n");
        QVERIFY2(doc, qPrintable(doc.errorString()));
        const Node *value = doc->child(QStringLiteral("key"));
        QVERIFY(value);
        if (type.isEmpty()) {
            QCOMPARE(value->kind, Node::Kind::Null);
            return;
        }
        QCOMPARE(value->type, type);
        QCOMPARE(value->text, bytes);
    }

    void yamlKeepsDocumentOrderAndRefusesBadInput()
    {
        const auto doc = Sops::Yaml::parse("z: 1\na: 2\nm: [x, {k: v}]\n");
        QVERIFY(doc);
        QCOMPARE(doc->map.value(0).first, QStringLiteral("z"));
        QCOMPARE(doc->map.value(1).first, QStringLiteral("a"));
        QCOMPARE(doc->map.value(2).second.list.value(1).child(QStringLiteral("k"))->text,
                 QByteArray("v"));
        const auto broken = Sops::Yaml::parse("a: [1, 2\n");
        QVERIFY(!broken);
        QVERIFY2(broken.errorString().startsWith(QStringLiteral("2:1: ")),
                 qPrintable(broken.errorString()));
        QVERIFY(!Sops::Yaml::parse("a: 1\n---\nb: 2\n")); // multi-document: not yet
    }

    void yamlLoneCarriageReturnEndsALineAsInYaml()
    {
        // Found by fuzz_sops_yaml: a lone CR ends the comment line for YAML, so the text after it
        // is a key; what we write must read back the same.
        for (const QByteArray &text :
             {QByteArray("#\r Minitwit produc   =secret3.101.django:\n   =secrgest.sentry.io/44\n"),
              QByteArray("# a comment\rkey: value # and another\rother: 2\r")}) {
            const auto doc = Sops::Yaml::parse(text);
            QVERIFY2(doc, qPrintable(doc.errorString()));
            const QByteArray written = Sops::Yaml::write(*doc);
            const auto again = Sops::Yaml::parse(written);
            QVERIFY2(again, qPrintable(QString::fromUtf8(written)));
            QCOMPARE(Sops::Yaml::write(*again), written);
        }
        const auto doc = Sops::Yaml::parse("# a comment\rkey: value # and another\rother: 2\r");
        QCOMPARE(doc->child(QStringLiteral("key"))->text, QByteArray("value"));
        QCOMPARE(doc->child(QStringLiteral("other"))->text, QByteArray("2"));
    }

    void jsonKeepsOrderDuplicatesAndNumberTypes()
    {
        // (Plain string literals: moc does not follow raw ones spread over lines.)
        const auto doc =
            Sops::Json::parse("{\"b\": 1, \"a\": 2.50, \"b\": \"again\", \"t\": true, \"n\": null, "
                              "\"big\": 1e21, \"esc\": \"\\u00e9\\n\\\"\", \"l\": []}");
        QVERIFY2(doc, qPrintable(doc.errorString()));
        QCOMPARE(doc->map.size(), 8);
        QCOMPARE(doc->map.at(0).first, QStringLiteral("b"));
        QCOMPARE(doc->map.at(0).second.type, QStringLiteral("int"));
        QCOMPARE(doc->map.at(1).second.text, QByteArray("2.5"));
        QCOMPARE(doc->map.at(2).second.text, QByteArray("again")); // a duplicate key stays an item
        QCOMPARE(doc->map.at(3).second.text, QByteArray("True"));
        QCOMPARE(doc->map.at(4).second.kind, Node::Kind::Null);
        QCOMPARE(doc->map.at(5).second.text, QByteArray("1000000000000000000000"));
        QCOMPARE(doc->map.at(6).second.text, QStringLiteral("é\n\"").toUtf8());
        QCOMPARE(
            Sops::Json::write(*Sops::Json::parse("{\"x\": \"<&>\", \"l\": [], \"m\": {}}")),
            QByteArray("{\n\t\"x\": \"\\u003c\\u0026\\u003e\",\n\t\"l\": [],\n\t\"m\": {}\n}\n"));
        const auto broken = Sops::Json::parse("{\n  \"a\": 1,\n}");
        QVERIFY(!broken);
        QVERIFY2(broken.errorString().startsWith(QStringLiteral("3:1: ")),
                 qPrintable(broken.errorString()));
        QVERIFY(!Sops::Json::parse("{\"a\": \"\xff\x01\"}")); // a control character
        QCOMPARE(Sops::Json::detectIndent("{\n  \"a\": 1\n}"), QByteArray("  "));
    }

    void setValueCreatesMapsButNeverOverwritesContainers()
    {
        Node root = *Sops::Json::parse("{\"a\": {\"b\": \"x\"}, \"l\": [1]}");
        QVERIFY(Sops::setValue(root, {QStringLiteral("a"), QStringLiteral("b")}, "y"));
        QCOMPARE(root.child(QStringLiteral("a"))->child(QStringLiteral("b"))->text,
                 QByteArray("y"));
        QVERIFY(Sops::setValue(root, {QStringLiteral("new"), QStringLiteral("deep")}, "z"));
        QCOMPARE(root.child(QStringLiteral("new"))->child(QStringLiteral("deep"))->text,
                 QByteArray("z"));
        QVERIFY(!Sops::setValue(root, {QStringLiteral("l"), QStringLiteral("x")}, "no"));
        QVERIFY(!Sops::setValue(root, {QStringLiteral("a")}, "no"));
    }
};

QTEST_GUILESS_MAIN(TestSopsStores)
#include "tst_sopsstores.moc"
