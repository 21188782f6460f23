// SPDX-License-Identifier: GPL-3.0-or-later
// One audit file for the GUI and the CLI, readable by its user only, and rows written before an
// action starts.
#include "audit/auditlog.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Opsdeck;

class TestAuditLog final : public QObject
{
    Q_OBJECT

private slots:
    void theGuiAndTheCliShareOneFile()
    {
        // The GUI sets an organisation name, the CLI does not: the path must not depend on it.
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", QFile::encodeName(home.path()));
        QCoreApplication::setOrganizationName(QString());
        const QString cli = AuditLog::defaultPath();
        QCoreApplication::setOrganizationName(QStringLiteral("opsdeck"));
        QCoreApplication::setApplicationName(QStringLiteral("opsdeck"));
        QCOMPARE(AuditLog::defaultPath(), cli);
        QCOMPARE(cli, home.path() + QStringLiteral("/opsdeck/audit.sqlite"));
    }

    void theFileIsTheUsersAlone()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("state/opsdeck/audit.sqlite"));
        const mode_t previous = ::umask(0022);
        {
            AuditLog log(path);
            QVERIFY(log.record({QDateTime::currentDateTimeUtc(),
                                {},
                                u"w"_qs,
                                u"prod"_qs,
                                u"deploy"_qs,
                                u"v2"_qs,
                                {},
                                {},
                                {},
                                u"done"_qs}));
        }
        ::umask(previous);
        struct stat st
        {
        };
        QVERIFY(::stat(QFile::encodeName(path).constData(), &st) == 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QVERIFY(::stat(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), &st) == 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0700));
    }

    void aRowIsWrittenBeforeTheActionAndCompletedAfter()
    {
        QTemporaryDir dir;
        AuditLog log(dir.filePath(QStringLiteral("audit.sqlite")));
        AuditEntry e{QDateTime::currentDateTimeUtc(),
                     {},
                     u"w"_qs,
                     u"prod"_qs,
                     u"deploy"_qs,
                     u"main"_qs,
                     {},
                     {},
                     u"why"_qs,
                     {}};
        const Result<qint64> id = log.begin(e);
        QVERIFY2(id, qPrintable(id.errorString()));
        // Killed here: the row says it started.
        QCOMPARE(log.recent(1).value(0).outcome, u"started"_qs);
        AuditEntry done = e;
        done.target = u"main (abc123)"_qs;
        done.after = u"r2"_qs;
        done.outcome = u"done"_qs;
        QVERIFY(log.complete(*id, done));
        const AuditEntry read = log.recent(10).value(0);
        QCOMPARE(log.recent(10).size(), 1);
        QCOMPARE(read.outcome, u"done"_qs);
        QCOMPARE(read.target, u"main (abc123)"_qs);
        QCOMPARE(read.comment, u"why"_qs);
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
