// SPDX-License-Identifier: GPL-3.0-or-later
// sops value envelopes, data-key unwrapping and the MAC, against a file written by the real sops.
#include "secrets/identities.h"
#include "secrets/sopscipher.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <sys/prctl.h>
#include <sys/resource.h>

using namespace Opsdeck;

namespace {

QString fixture(const QString &name)
{
    return qEnvironmentVariable("OPSDECK_TEST_DATA", QStringLiteral(OPSDECK_TESTS_DIR)) +
           QStringLiteral("/fixtures/sops-age-humphd/") + name;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestSopsCipher final : public QObject
{
    Q_OBJECT

    QJsonObject m_file;
    QByteArray m_dataKey;

    QString valueAt(const QStringList &path, int index = -1) const
    {
        QJsonValue v = m_file;
        for (const QString &key : path)
            v = v.toObject().value(key);
        return index >= 0 ? v.toArray().at(index).toString() : v.toString();
    }

    QByteArray decrypt(const QStringList &path, int index = -1) const
    {
        const auto envelope = Sops::Envelope::parse(valueAt(path, index));
        if (!envelope)
            return "(unparsable)";
        const auto plain = Sops::decryptValue(m_dataKey, *envelope, Sops::additionalData(path));
        return plain ? *plain : "(" + plain.errorString().toUtf8() + ")";
    }

private slots:
    void noCoreDumpOnceAKeyIsLoaded()
    {
        // Runs first: nothing in this process has loaded a key yet.
        QCOMPARE(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
        const QByteArray previous = qgetenv("SOPS_AGE_KEY");
        qputenv("SOPS_AGE_KEY", Age::Identity::generate().toString().toLatin1());
        const Sops::LoadedIdentities keys = Sops::loadIdentities();
        previous.isNull() ? qunsetenv("SOPS_AGE_KEY") : qputenv("SOPS_AGE_KEY", previous);
        QCOMPARE(keys.identities.size(), 1);
        QCOMPARE(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
        rlimit core{};
        QVERIFY(::getrlimit(RLIMIT_CORE, &core) == 0);
        QCOMPARE(core.rlim_cur, rlim_t(0));
    }

    void initTestCase()
    {
        m_file =
            QJsonDocument::fromJson(readAll(fixture(QStringLiteral("secret.enc.json")))).object();
        QVERIFY(m_file.contains(QStringLiteral("sops")));
        QList<Age::Identity> identities;
        for (const QByteArray &line : readAll(fixture(QStringLiteral("key.txt"))).split('\n'))
            if (line.startsWith("AGE-SECRET-KEY-1"))
                identities << *Age::Identity::parse(QString::fromLatin1(line));
        QCOMPARE(identities.size(), 1);
        const QJsonArray age =
            m_file.value(QStringLiteral("sops")).toObject().value(QStringLiteral("age")).toArray();
        QVERIFY(!age.isEmpty());
        const auto key = Sops::unwrapDataKey(
            age.first().toObject().value(QStringLiteral("enc")).toString().toUtf8(), identities);
        QVERIFY2(key, qPrintable(key.errorString()));
        m_dataKey = *key;
        QCOMPARE(m_dataKey.size(), 32);
    }

    void valuesDecryptWithTheirKeyPathAsAad()
    {
        QCOMPARE(decrypt({QStringLiteral("secret")}), QByteArray("this is a secret"));
        QCOMPARE(decrypt({QStringLiteral("int")}),
                 QByteArray("7")); // type:float, as sops 3.9 writes JSON numbers
        QCOMPARE(decrypt({QStringLiteral("float")}), QByteArray("3.14"));
        QCOMPARE(decrypt({QStringLiteral("boolean")}), QByteArray("True"));
        QCOMPARE(decrypt({QStringLiteral("complex"), QStringLiteral("value")}),
                 QByteArray("this is a secret"));
        // List items carry their parent's path: no index in the AAD.
        QCOMPARE(decrypt({QStringLiteral("complex"), QStringLiteral("array")}, 2),
                 QByteArray("three"));
    }

    void theMacCoversEveryValueInDocumentOrder()
    {
        const QJsonObject sops = m_file.value(QStringLiteral("sops")).toObject();
        const auto mac = Sops::Envelope::parse(sops.value(QStringLiteral("mac")).toString());
        QVERIFY(mac);
        const auto stored = Sops::decryptValue(
            m_dataKey, *mac, sops.value(QStringLiteral("lastmodified")).toString().toUtf8());
        QVERIFY2(stored, qPrintable(stored.errorString()));
        const QList<QByteArray> leaves = {
            "this is a secret", "string",           "7",   "3.14", "True",
            "gotta match go",   "this is a secret", "one", "two",  "three"};
        QCOMPARE(QString::fromLatin1(*stored), Sops::macOf(leaves));
        QVERIFY(Sops::macOf(leaves.mid(1)) != QString::fromLatin1(*stored));
    }

    void tamperingIsRefused()
    {
        const auto parsed = Sops::Envelope::parse(valueAt({QStringLiteral("secret")}));
        QVERIFY(parsed);
        Sops::Envelope envelope = *parsed;
        QVERIFY(Sops::decryptValue(m_dataKey, envelope, "secret:"));
        QVERIFY(!Sops::decryptValue(m_dataKey, envelope, "string:")); // moved to another key
        envelope.data[0] = char(envelope.data[0] ^ 1);
        QVERIFY(!Sops::decryptValue(m_dataKey, envelope, "secret:"));
        QVERIFY(!Sops::Envelope::parse(
            QStringLiteral("ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:weird]")));
        QVERIFY(!Sops::Envelope::parse(
            QStringLiteral("ENC[AES256_GCM,data:A,iv:AA==,tag:AA==,type:str]")));
        QVERIFY(!Sops::decryptValue(
            QByteArray(32, 'x'), *Sops::Envelope::parse(valueAt({QStringLiteral("int")})), "int:"));
    }

    void reusingTheIvReproducesTheCiphertext()
    {
        // What keeps a git diff to the values that changed: same key, IV, AAD and plaintext.
        const QString original = valueAt({QStringLiteral("complex"), QStringLiteral("value")});
        const auto envelope = Sops::Envelope::parse(original);
        QVERIFY(envelope);
        const QByteArray aad =
            Sops::additionalData({QStringLiteral("complex"), QStringLiteral("value")});
        QCOMPARE(Sops::encryptValue(m_dataKey, "this is a secret", QStringLiteral("str"), aad,
                                    envelope->iv)
                     .toString(),
                 original);
        const Sops::Envelope fresh =
            Sops::encryptValue(m_dataKey, "new", QStringLiteral("str"), aad);
        QCOMPARE(fresh.iv.size(), 32);
        QCOMPARE(*Sops::decryptValue(m_dataKey, *Sops::Envelope::parse(fresh.toString()), aad),
                 QByteArray("new"));
    }

    void aRewrappedDataKeyOpensForTheNewRecipient()
    {
        const Age::Identity someone = Age::Identity::generate();
        const QByteArray wrapped =
            Sops::wrapDataKey(m_dataKey, *Age::Recipient::parse(someone.recipient()));
        QVERIFY(wrapped.startsWith("-----BEGIN AGE ENCRYPTED FILE-----\n"));
        QCOMPARE(*Sops::unwrapDataKey(wrapped, {someone}), m_dataKey);
        QVERIFY(!Sops::unwrapDataKey(wrapped, {Age::Identity::generate()}));
    }
};

QTEST_GUILESS_MAIN(TestSopsCipher)
#include "tst_sopscipher.moc"
