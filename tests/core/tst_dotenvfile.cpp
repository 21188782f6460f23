// SPDX-License-Identifier: GPL-3.0-or-later
// .env files kept as written: a corpus of real-world shapes survives a parse → serialize byte
// for byte, an edit touches only its line, values read as python-dotenv reads them, and lint
// finds duplicates, spacing, unquoted spaces, unterminated quotes and the DEBUG=False trap.
#include "config/dotenvfile.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class TestDotenvFile final : public QObject
{
    Q_OBJECT

private slots:
    void roundTripIsByteForByte_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("comments and blanks")
            << QByteArray("# Django\n\nDEBUG=1\n  # indented\n\n\nSECRET_KEY=abc\n");
        QTest::newRow("export") << QByteArray(
            "export DATABASE_URL=postgres://u:p@db/app\nexport  PORT=8000\n");
        QTest::newRow("single quotes")
            << QByteArray("GREETING='hello # not a comment'\nRAW='a\\nb'\n");
        QTest::newRow("double quotes, escapes") << QByteArray("MSG=\"say \\\"hi\\\"\\tnow\\\\\"\n");
        QTest::newRow("multi-line")
            << QByteArray("CERT=\"-----BEGIN-----\nAAAA\nBBBB\n-----END-----\"\nNEXT=1\n");
        QTest::newRow("= inside values") << QByteArray("QUERY=a=b&c=d\nB64=YWJj==\n");
        QTest::newRow("CRLF") << QByteArray("A=1\r\nB='two'\r\n# c\r\n\r\nC=\"x y\"\r\n");
        QTest::newRow("no final newline") << QByteArray("A=1\nB=2");
        QTest::newRow("inline comments") << QByteArray("A=1 # one\nB='b' # bee\nC=\"c\"   #see\n");
        QTest::newRow("spaces around =") << QByteArray("A = 1\nB= 2\n");
        QTest::newRow("garbage kept") << QByteArray("this is not an assignment\n=nokey\nA=1\n");
        QTest::newRow("unterminated") << QByteArray("A=\"open\nB=2\n");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("utf-8") << QByteArray("NAME=Zoë\nCITY=\"Zürich\"\n");
    }

    void roundTripIsByteForByte()
    {
        QFETCH(QByteArray, bytes);
        QCOMPARE(DotenvFile::parse(bytes).serialize(), bytes);
    }

    void valuesAsPythonDotenvReadsThem()
    {
        const DotenvFile f = DotenvFile::parse(
            "export A=plain\nB='single # kept'\nC=\"tab\\there \\\"q\\\"\"\nD=value # comment\n"
            "E=\"line1\nline2\"\nF=a=b\nG=\nH='x' # c\nA=again\n");
        QCOMPARE(f.value(QStringLiteral("A")).value(), QStringLiteral("again")); // the last wins
        QCOMPARE(f.value(QStringLiteral("B")).value(), QStringLiteral("single # kept"));
        QCOMPARE(f.value(QStringLiteral("C")).value(), QStringLiteral("tab\there \"q\""));
        QCOMPARE(f.value(QStringLiteral("D")).value(), QStringLiteral("value"));
        QCOMPARE(f.value(QStringLiteral("E")).value(), QStringLiteral("line1\nline2"));
        QCOMPARE(f.value(QStringLiteral("F")).value(), QStringLiteral("a=b"));
        QCOMPARE(f.value(QStringLiteral("G")).value(), QString());
        QCOMPARE(f.value(QStringLiteral("H")).value(), QStringLiteral("x"));
        QVERIFY(!f.value(QStringLiteral("Z")));
        QCOMPARE(f.keys().join(QLatin1Char(',')), QStringLiteral("A,B,C,D,E,F,G,H"));
    }

    void anEditTouchesOnlyItsLine()
    {
        const QByteArray before =
            "# app\r\nexport DEBUG='1'\r\nNAME=old # who\r\nCERT=\"a\nb\"\r\nLAST=1";
        DotenvFile f = DotenvFile::parse(before);
        QVERIFY(f.setValue(QStringLiteral("NAME"), QStringLiteral("new value")));
        QCOMPARE(f.serialize(), QByteArray("# app\r\nexport DEBUG='1'\r\nNAME='new value' # "
                                           "who\r\nCERT=\"a\nb\"\r\nLAST=1"));
        QVERIFY(f.setValue(QStringLiteral("DEBUG"), QStringLiteral("0")));
        QVERIFY(f.serialize().contains("export DEBUG='0'\r\n")); // its quoting as written
        QVERIFY(f.setValue(QStringLiteral("CERT"), QStringLiteral("x\ny")));
        // A line break is written as itself: sh would keep \n as two characters.
        QVERIFY(f.serialize().contains("CERT=\"x\ny\"\r\n"));
        QVERIFY(f.setValue(QStringLiteral("ADDED"), QStringLiteral("yes")));
        QVERIFY(
            f.serialize().endsWith("LAST=1\r\nADDED=yes\r\n")); // a newline where there was none
        const DotenvFile again = DotenvFile::parse(f.serialize());
        QCOMPARE(again.value(QStringLiteral("NAME")).value(), QStringLiteral("new value"));
        QCOMPARE(again.value(QStringLiteral("CERT")).value(), QStringLiteral("x\ny"));
        QVERIFY(f.remove(QStringLiteral("ADDED")));
        QVERIFY(!f.value(QStringLiteral("ADDED")));
    }

    void writtenValuesReadBackEverywhere_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("previousLine"); // the line the edit replaces, if any
        const QStringList corpus = {
            u"plain-value_1.2:3@x%+,="_qs,
            u""_qs,
            u"with spaces"_qs,
            u"k3y$(touch MARKER)"_qs,
            u"`touch MARKER`"_qs,
            u"$HOME and $5 and ${unclosed"_qs,
            u"it's"_qs,
            u"say \"hi\""_qs,
            u"back\\slash"_qs,
            u"two\\\\back"_qs,
            u"ends with\\"_qs,
            u"C:\\temp\\new"_qs,
            u"line one\nline two"_qs,
            u"# not a comment"_qs,
            u"x #y"_qs,
            u"  padded  "_qs,
            u"ünïcødé ✓"_qs,
            u"a;b|c&d>e<f"_qs,
            u"!bang*glob?[x]"_qs,
            u"it's a \"mix\" of \\ and \n lines"_qs,
            u"=starts=with=equals"_qs,
            u"ends with a line break\n"_qs, // found by fuzz_dotenv_writer: was written unquoted
            u"d\n"_qs,
        };
        for (qsizetype i = 0; i < corpus.size(); ++i) {
            QTest::addRow("new %lld", qlonglong(i)) << corpus.at(i) << QByteArray();
            QTest::addRow("was single %lld", qlonglong(i))
                << corpus.at(i) << QByteArray("KEY='old'\n");
            QTest::addRow("was double %lld", qlonglong(i))
                << corpus.at(i) << QByteArray("KEY=\"old\"\n");
        }
    }

    void writtenValuesReadBackEverywhere()
    {
        // sh and bash sourcing the file (as restart scripts do), python-dotenv (as Django apps
        // do): each must read back exactly the bytes given, and sourcing must run nothing.
        QFETCH(QString, value);
        QFETCH(QByteArray, previousLine);
        DotenvFile file = DotenvFile::parse("OTHER=1\n" + previousLine);
        QVERIFY2(file.setValue(QStringLiteral("KEY"), value), qPrintable(value));
        QTemporaryDir dir;
        QFile out(dir.filePath(QStringLiteral(".env")));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(file.serialize());
        out.close();
        QCOMPARE(DotenvFile::parse(file.serialize()).value(QStringLiteral("KEY")), value);
        const auto run = [&dir](const QString &program, const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(dir.path());
            p.start(program, args);
            p.waitForFinished(10000);
            return p.exitCode() == 0
                       ? QString::fromUtf8(p.readAllStandardOutput())
                       : QStringLiteral("(failed) ") + QString::fromUtf8(p.readAllStandardError());
        };
        const QString source = QStringLiteral(". ./.env; printf %s \"$KEY\"");
        QCOMPARE(run(QStringLiteral("sh"), {QStringLiteral("-c"), source}), value);
        QCOMPARE(run(QStringLiteral("bash"), {QStringLiteral("-c"), source}), value);
        QCOMPARE(run(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral("-c"),
                      QStringLiteral("import dotenv, sys; "
                                     "sys.stdout.write(dotenv.dotenv_values('.env')['KEY'])")}),
                 value);
        QVERIFY2(!QFile::exists(dir.filePath(QStringLiteral("MARKER"))),
                 file.serialize().constData());
    }

    void valuesNoQuotingCanCarryAreRefused()
    {
        DotenvFile file = DotenvFile::parse("KEY=old\n");
        // python-dotenv expands ${NAME} even inside single quotes and has no escape for it.
        for (const QString &value : {u"it's $5"_qs, u"a\\\\$b"_qs, u"line\n$next"_qs, u"'`x`"_qs,
                                     u"${HOME}"_qs, u"pre${X:-y}post"_qs}) {
            const Status set = file.setValue(QStringLiteral("KEY"), value);
            QVERIFY2(!set, qPrintable(value));
            QVERIFY(set.errorString().contains(QLatin1String("not written")));
        }
        QCOMPARE(file.serialize(), QByteArray("KEY=old\n"));
    }

    void keysMustBeVariableNames()
    {
        DotenvFile file = DotenvFile::parse("A=1\n");
        for (const QString &key : {u"1ABC"_qs, u"A-B"_qs, u"A.B"_qs, u"A B"_qs, u"A\n"_qs,
                                   u"A=B"_qs, u""_qs, u"$(id)"_qs})
            QVERIFY2(!file.setValue(key, QStringLiteral("x")), qPrintable(key));
        QVERIFY(file.setValue(QStringLiteral("_Ok_2"), QStringLiteral("x")));
        QCOMPARE(file.serialize(), QByteArray("A=1\n_Ok_2=x\n"));
    }

    void lint()
    {
        const DotenvFile f = DotenvFile::parse(
            "DEBUG=False\nA = 1\nTITLE=My App\nA=2\nBROKEN=\"open\nUSE_CACHE=\nnot valid\n");
        const auto has = [&](int line, const char *text) {
            for (const DotenvFinding &d : f.lint())
                if (d.line == line && d.message.contains(QLatin1String(text)))
                    return true;
            return false;
        };
        QVERIFY(has(1, "is True"));
        QVERIFY(has(2, "spaces around '='"));
        QVERIFY(has(3, "unquoted value with spaces"));
        QVERIFY(has(4, "first on line 2"));
        QVERIFY(has(5, "never closed"));
        QVERIFY(has(6, "falsy"));
        QVERIFY(has(7, "not KEY=value"));
        QVERIFY(DotenvFile::parse("DEBUG=\nPORT=8000\n").lint().size() == 1);
        // An open quote: an edit after it would change what the following lines mean.
        DotenvFile open = DotenvFile::parse("A=\"open\nB=1\n");
        const Status refused = open.setValue(QStringLiteral("B"), QStringLiteral("with \"quote\""));
        QVERIFY(!refused);
        QVERIFY(refused.errorString().contains(QLatin1String("line 1")));
        QCOMPARE(open.serialize(), QByteArray("A=\"open\nB=1\n"));
    }

    void secretLookingKeys()
    {
        QVERIFY(DotenvFile::looksSecret(QStringLiteral("DJANGO_SECRET_KEY"), QStringLiteral("x")));
        QVERIFY(DotenvFile::looksSecret(QStringLiteral("DB_PASSWORD"), QStringLiteral("x")));
        QVERIFY(DotenvFile::looksSecret(QStringLiteral("GITHUB_TOKEN"), QStringLiteral("x")));
        QVERIFY(DotenvFile::looksSecret(QStringLiteral("DATABASE_URL"),
                                        QStringLiteral("postgres://app:s3cret@db/app")));
        QVERIFY(!DotenvFile::looksSecret(QStringLiteral("DATABASE_URL"),
                                         QStringLiteral("postgres://db/app")));
        QVERIFY(!DotenvFile::looksSecret(QStringLiteral("ALLOWED_HOSTS"), QStringLiteral("a,b")));
    }

    void theDiffAConfirmationShowsMasksSecrets()
    {
        const DotenvFile before =
            DotenvFile::parse("DEBUG=True\nDB_PASSWORD=hunter2\nOLD=1\nSAME=x\n");
        const DotenvFile after = DotenvFile::parse(
            "DEBUG=False\nDB_PASSWORD=correct-horse\nSAME=x\nNEW_TOKEN=abc\nPORT=8000\n");
        const QString diff = DotenvFile::maskedDiff(before, after);
        QCOMPARE(diff, QStringLiteral("~ DEBUG: True → False\n"
                                      "~ DB_PASSWORD: •••••• → •••••• (changed)\n"
                                      "- OLD\n"
                                      "+ NEW_TOKEN=••••••\n"
                                      "+ PORT=8000"));
        QVERIFY(!diff.contains(QStringLiteral("hunter2")));
        QVERIFY(!diff.contains(QStringLiteral("correct-horse")));
        QVERIFY(DotenvFile::maskedDiff(before, before).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDotenvFile)
#include "tst_dotenvfile.moc"
