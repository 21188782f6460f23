// SPDX-License-Identifier: GPL-3.0-or-later
// Whole sops files in every store: the real tools' files open with their MAC verified, saving
// rewrites only what changed, comments stay encrypted where they were, keys rotate, and bad input
// is refused with a message that says what is wrong.
#include "secrets/identities.h"
#include "secrets/sopsdocument.h"
#include "secrets/sopsyaml.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "sopsenvelopes.h"

using namespace Opsdeck;
using namespace Opsdeck::Sops;

namespace {

QString fixture(const QString &name)
{
    return qEnvironmentVariable("OPSDECK_TEST_DATA", QStringLiteral(OPSDECK_TESTS_DIR)) +
           QStringLiteral("/fixtures/") + name;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QList<Age::Identity> keysOf(const QString &keysFile)
{
    LoadedIdentities loaded;
    parseKeysFile(readAll(fixture(keysFile)), keysFile, loaded);
    return loaded.identities;
}

SopsDocument open(const QByteArray &text, Format format, const QList<Age::Identity> &keys)
{
    Result<SopsDocument> doc = SopsDocument::open(text, format, keys);
    if (!doc)
        qWarning() << doc.errorString();
    return doc ? std::move(doc).value() : SopsDocument();
}

} // namespace

class TestSopsDocument final : public QObject
{
    Q_OBJECT

private slots:
    void realFilesOpenAndSaveWithoutChangingValues_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("keys");
        QTest::addColumn<QString>("expected"); // a line of the plaintext
        const QString pr = QStringLiteral("sops-pr1031/keys.txt");
        const QString humphd = QStringLiteral("sops-age-humphd/key.txt");
        QTest::newRow("yaml 3.7.1, comments")
            << "sops-pr1031/example.yaml" << pr
            << "        # private key for secret operations in app2";
        QTest::newRow("json 3.7.1") << "sops-pr1031/example.json" << pr << "\t\"age\": 25.4,";
        QTest::newRow("ini 3.7.1")
            << "sops-pr1031/example.ini" << pr << "postalCode    = 10021-3100";
        QTest::newRow("binary 3.7.1") << "sops-pr1031/example.txt" << pr << "Welcome to SOPS!";
        QTest::newRow("dotenv 3.8.1")
            << "sops-age-humphd/secret.enc.env" << humphd << "secret=this is a secret";
        QTest::newRow("json 3.9") << "sops-age-humphd/secret.enc.json" << humphd << "\t\"int\": 7,";
        QTest::newRow("yaml 3.9") << "sops-age-humphd/secret.enc.yaml" << humphd
                                  << "secret: this is a secret";
    }
    void realFilesOpenAndSaveWithoutChangingValues()
    {
        QFETCH(QString, file);
        QFETCH(QString, keys);
        QFETCH(QString, expected);
        const QByteArray original = readAll(fixture(file));
        const Format format = formatForPath(file);
        SopsDocument doc = open(original, format, keysOf(keys));
        QVERIFY(doc.macVerified());
        const QByteArray plaintext = doc.plaintext();
        QVERIFY2(plaintext.split('\n').contains(expected.toUtf8()), plaintext.constData());

        // Saved without an edit: every value keeps its ciphertext; only the MAC is new.
        const Result<QByteArray> saved = doc.serialize();
        QVERIFY2(saved, qPrintable(saved.errorString()));
        const QSet<QString> before = sopsEnvelopes(original), after = sopsEnvelopes(*saved);
        QCOMPARE((before - after).size(), 1); // the old MAC
        QCOMPARE((after - before).size(), 1); // the new MAC
        SopsDocument again = open(*saved, format, keysOf(keys));
        QVERIFY(again.macVerified());
        QCOMPARE(again.plaintext(), plaintext);
    }

    void anEditChangesOneValueAndKeepsCommentsAndForeignKeys()
    {
        // A PGP key (no private key published) beside the age ones: it must survive a save.
        QByteArray original = readAll(fixture(QStringLiteral("sops-pr1031/example.yaml")));
        QVERIFY(original.contains("    pgp: []\n"));
        original.replace("    pgp: []\n",
                         "    pgp:\n        - created_at: \"2022-03-15T22:12:10Z\"\n"
                         "          enc: |-\n              -----BEGIN PGP MESSAGE-----\n\n"
                         "              hQEMA...\n              -----END PGP MESSAGE-----\n"
                         "          fp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n");
        const auto keys = keysOf(QStringLiteral("sops-pr1031/keys.txt"));
        SopsDocument doc = open(original, Format::Yaml, keys);
        QVERIFY(setValue(doc.data(),
                         {QStringLiteral("app2"), QStringLiteral("db"), QStringLiteral("password")},
                         "n3w"));
        const Result<QByteArray> saved = doc.serialize();
        QVERIFY(saved);
        QCOMPARE((sopsEnvelopes(original) - sopsEnvelopes(*saved)).size(),
                 2);                                  // the value and the MAC
        QVERIFY(saved->contains("#ENC[AES256_GCM,")); // comments stay encrypted
        QVERIFY(saved->contains("fp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4")); // PGP kept
        SopsDocument again = open(*saved, Format::Yaml, keys);
        QVERIFY(again.macVerified());
        QVERIFY(again.plaintext().contains("        password: n3w\n"));
        QVERIFY(again.plaintext().contains("# sops supports unencrypted fields"));
        // The PGP key cannot get a new data key from Opsdeck: rotating says so.
        const Status rotated = again.rotate();
        QVERIFY(!rotated);
        QVERIFY2(rotated.errorString().contains(QLatin1String("pgp")),
                 qPrintable(rotated.errorString()));
    }

    void newFilesInEveryFormatRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("plaintext");
        QTest::addColumn<QByteArray>("clear"); // what stays readable in the encrypted file
        QTest::newRow("yaml") << "a.yaml"
                              << QByteArray("# top comment\ndb:\n    password: hunter2 # inline\n"
                                            "    port: 5432\n    hosts:\n        - web1\n"
                                            "        - web2\nnote_unencrypted: |\n    two\n"
                                            "    lines\n")
                              << QByteArray("note_unencrypted: |\n    two\n    lines\n");
        QTest::newRow("json") << "a.json" << QByteArray("{\n\t\"a\": \"b\",\n\t\"n\": 1.5\n}\n")
                              << QByteArray("\"a\": ");
        QTest::newRow("dotenv") << "a.env" << QByteArray("#comment\nA=1\nB_unencrypted=x\n")
                                << QByteArray("B_unencrypted=x\n");
        QTest::newRow("ini") << "a.ini"
                             << QByteArray(
                                    "; about db\n[db]\nuser     = app\npassword = s3cret\n\n")
                             << QByteArray("[db]\n");
        QTest::newRow("binary") << "a.bin" << QByteArray("\x00\xff raw \n", 8) << QByteArray();
    }
    void newFilesInEveryFormatRoundTrip()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, plaintext);
        QFETCH(QByteArray, clear);
        const Age::Identity identity = Age::Identity::generate();
        const Format format = formatForPath(name);
        Result<SopsDocument> created =
            SopsDocument::create(plaintext, format, {*Age::Recipient::parse(identity.recipient())});
        QVERIFY2(created, qPrintable(created.errorString()));
        SopsDocument doc = std::move(created).value();
        const Result<QByteArray> encrypted = doc.serialize();
        QVERIFY(encrypted);
        QVERIFY(encrypted->contains(clear));
        QVERIFY(!encrypted->contains("hunter2") && !encrypted->contains("s3cret"));
        SopsDocument opened = open(*encrypted, format, {identity});
        QVERIFY(opened.macVerified());
        QCOMPARE(opened.plaintext(), plaintext);
    }

    void recipientsAreAddedRemovedAndTheKeyRotated()
    {
        const Age::Identity alice = Age::Identity::generate(), bob = Age::Identity::generate();
        Result<SopsDocument> created = SopsDocument::create(
            "a: 1\nb: two\n", Format::Yaml, {*Age::Recipient::parse(alice.recipient())});
        SopsDocument doc = std::move(created).value();
        const QByteArray first = *doc.serialize();
        QVERIFY(!SopsDocument::open(first, Format::Yaml, {bob}));

        QVERIFY(doc.addRecipient(*Age::Recipient::parse(bob.recipient())));
        QVERIFY(!doc.addRecipient(*Age::Recipient::parse(bob.recipient()))); // already there
        const QByteArray shared = *doc.serialize();
        QVERIFY(open(shared, Format::Yaml, {bob}).macVerified());
        QCOMPARE((sopsEnvelopes(first) - sopsEnvelopes(shared)).size(),
                 1); // only the MAC: same data key

        QVERIFY(doc.removeRecipient(alice.recipient()));
        const QByteArray rotated = *doc.serialize();
        QCOMPARE((sopsEnvelopes(shared) & sopsEnvelopes(rotated)).size(),
                 0); // new key, new ciphertexts
        QVERIFY(!SopsDocument::open(rotated, Format::Yaml, {alice}));
        QCOMPARE(open(rotated, Format::Yaml, {bob}).plaintext(), QByteArray("a: 1\nb: two\n"));
        const Status last = doc.removeRecipient(bob.recipient());
        QVERIFY(!last);
        QVERIFY(last.errorString().contains(QLatin1String("only key")));
    }

    void badInputIsRefusedWithAClearMessage_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("edit"); // "from|to" applied to the fixture
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("tampered value")
            << "secret.enc.json" << QByteArray("data:|data:AA") << "tree"
            << "secret: ";
        QTest::newRow("tampered mac")
            << "secret.enc.json"
            << QByteArray("\"mac\": \"ENC[AES256_GCM,data:|\"mac\": \"ENC[AES256_GCM,data:AA")
            << "mac-undecryptable"
            << "MAC";
        QTest::newRow("truncated armor")
            << "secret.enc.json" << QByteArray("-----END AGE ENCRYPTED FILE-----|") << "key"
            << "armor";
        QTest::newRow("unknown type")
            << "secret.enc.json"
            << QByteArray("type:str]\",\n  \"string\"|type:uuid]\",\n  \"string\"") << "tree"
            << "uuid";
        QTest::newRow("non-UTF-8")
            << "secret.enc.env" << QByteArray("secret=|s\xe9\x63ret=") << "format"
            << "line 1: not valid UTF-8";
        QTest::newRow("negative list index (fuzzer)")
            << "secret.enc.env"
            << QByteArray("sops_age__list_0__map_enc=|sops_age__list_-1__map_enc=") << "format"
            << "contiguous";
        QTest::newRow("not encrypted") << "secret.json" << QByteArray("|") << "format"
                                       << "sops metadata not found";
    }
    void badInputIsRefusedWithAClearMessage()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, edit);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QByteArray text = readAll(fixture(QStringLiteral("sops-age-humphd/") + file));
        const QList<QByteArray> fromTo = edit.split('|');
        if (!fromTo.first().isEmpty()) {
            const QByteArray &from = fromTo[0], &to = fromTo[1];
            QVERIFY2(text.contains(from), from.constData());
            text.replace(text.indexOf(from), from.size(), to);
        }
        const auto doc = SopsDocument::open(text, formatForPath(file),
                                            keysOf(QStringLiteral("sops-age-humphd/key.txt")));
        QVERIFY(!doc);
        QCOMPARE(doc.error().code, code);
        QVERIFY2(doc.errorString().contains(message, Qt::CaseInsensitive),
                 qPrintable(doc.errorString()));
        QVERIFY(!doc.errorString().contains(QLatin1String("this is a secret")));
    }

    void wrongIdentityAndDuplicateKeys()
    {
        const QByteArray text = readAll(fixture(QStringLiteral("sops-age-humphd/secret.enc.json")));
        const auto wrong = SopsDocument::open(text, Format::Json, {Age::Identity::generate()});
        QCOMPARE(wrong.error().code, QStringLiteral("key"));
        QVERIFY(wrong.errorString().contains(QLatin1String("none of your age identities")));

        // sops keeps duplicate keys (and MACs each); Opsdeck keeps them too and says so.
        const Age::Identity me = Age::Identity::generate();
        Result<SopsDocument> created = SopsDocument::create(
            "a: 1\nb: x\na: 2\n", Format::Yaml, {*Age::Recipient::parse(me.recipient())});
        QVERIFY2(created, qPrintable(created.errorString()));
        SopsDocument doc = open(*created.value().serialize(), Format::Yaml, {me});
        QCOMPARE(doc.plaintext(), QByteArray("a: 1\nb: x\na: 2\n"));
        QCOMPARE(doc.warnings().size(), 1);
        QVERIFY(doc.warnings().first().contains(QLatin1String("'a' appears more than once")));
    }

    void aPassphraseProtectedKeysFileOpensWithItsPassphrase()
    {
        // keys.txt.age was written by `age -p -a` (scrypt); see the fixture's README.
        const QString source = fixture(QStringLiteral("age-passphrase/keys.txt.age"));
        const QByteArray locked = readAll(source);
        const QByteArray file = readAll(fixture(QStringLiteral("age-passphrase/secret.enc.yaml")));
        LoadedIdentities none, wrong, right;
        parseKeysFile(locked, source, none);
        QCOMPARE(none.identities.size(), 0);
        QCOMPARE(none.lockedFiles, QStringList{source});
        parseKeysFile(locked, source, wrong, {{source, "Tr0ub4dor&3"}});
        QCOMPARE(wrong.identities.size(), 0);
        QVERIFY(wrong.problems.join(QLatin1Char(' ')).contains(QLatin1String("wrong passphrase")));
        parseKeysFile(locked, source, right, {{source, "correct horse battery staple"}});
        QCOMPARE(right.identities.size(), 1);
        QVERIFY(right.lockedFiles.isEmpty());
        SopsDocument doc = open(file, Format::Yaml, right.identities);
        QVERIFY(doc.macVerified());
        QVERIFY(doc.plaintext().contains("password: unlocked-with-a-passphrase"));
    }

    void anAliasBombIsRefusedQuickly()
    {
        QByteArray bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
        for (char name = 'b'; name <= 'i'; ++name) // 9^9 values once the aliases are expanded
            bomb += QByteArray(1, name) + ": &" + name + " [" +
                    QByteArray("*" + QByteArray(1, char(name - 1)) + ", ").repeated(9) + "]\n";
        const Result<Sops::Node> parsed = Yaml::parse(bomb);
        QVERIFY(!parsed);
        QVERIFY2(parsed.errorString().contains(QLatin1String("aliases expand")),
                 qPrintable(parsed.errorString()));
    }

    void aTenMegabyteFileOpensAndSaves()
    {
        QByteArray big = "{\n";
        for (int i = 0; i < 110000; ++i)
            big += "\t\"key" + QByteArray::number(i) + "\": \"" + QByteArray(80, 'v') + "\",\n";
        big += "\t\"last\": 1\n}\n";
        QVERIFY(big.size() > 10'000'000);
        const Age::Identity me = Age::Identity::generate();
        Result<SopsDocument> created =
            SopsDocument::create(big, Format::Json, {*Age::Recipient::parse(me.recipient())});
        QVERIFY(created);
        SopsDocument doc = open(*created.value().serialize(), Format::Json, {me});
        QVERIFY(doc.macVerified());
        QCOMPARE(doc.plaintext(), big);
    }
};

QTEST_GUILESS_MAIN(TestSopsDocument)
#include "tst_sopsdocument.moc"
