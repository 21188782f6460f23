// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/checkcommand.h"
#include "cli/commandregistry.h"
#include "testservices.h"

#include <QTest>

using namespace Opsdeck;

class TestCommandRegistry final : public QObject
{
    Q_OBJECT

    CommandRegistry registry()
    {
        CommandRegistry r;
        r.add(checkCommand());
        r.add({QStringLiteral("deploy"),
               {},
               QStringLiteral("Deployments"),
               QStringLiteral("Deploy"),
               QStringLiteral("opsdeck deploy ENV"),
               [](CliContext &ctx) {
                   ctx.out << "deploy " << ctx.args.join(QLatin1Char(' '))
                           << " ws=" << ctx.workspaceOption;
                   return 0;
               }});
        r.add({QStringLiteral("releases"),
               {QStringLiteral("ls")},
               QStringLiteral("Deployments"),
               QStringLiteral("List releases"),
               QStringLiteral("opsdeck releases ENV"),
               [](CliContext &) {
                   return 7;
               }});
        return r;
    }

    int run(const QStringList &args, QString *out, QString *err)
    {
        QTextStream o(out), e(err);
        const int code = registry().dispatch(args, o, e, QStringLiteral("/"));
        o.flush();
        e.flush();
        return code;
    }

private slots:
    void editDistances()
    {
        QCOMPARE(editDistance(QStringLiteral("deploy"), QStringLiteral("deploy")), 0);
        QCOMPARE(editDistance(QStringLiteral("delpoy"), QStringLiteral("deploy")), 2);
        QCOMPARE(editDistance(QStringLiteral("chek"), QStringLiteral("check")), 1);
        QCOMPARE(editDistance(QString(), QStringLiteral("abc")), 3);
    }

    void suggestsCloseCommands()
    {
        QString out, err;
        QCOMPARE(run({QStringLiteral("delpoy")}, &out, &err), ExitCode::Usage);
        QVERIFY2(err.contains(QStringLiteral("Did you mean 'deploy'?")), qPrintable(err));
        err.clear();
        QCOMPARE(run({QStringLiteral("xyzzy")}, &out, &err), ExitCode::Usage);
        QVERIFY(err.contains(QStringLiteral("'xyzzy' is not a command")));
        QVERIFY(!err.contains(QStringLiteral("Did you mean")));
    }

    void aliasesAndExitCodes()
    {
        QString out, err;
        QCOMPARE(run({QStringLiteral("ls")}, &out, &err), 7);
        QCOMPARE(run({QStringLiteral("releases")}, &out, &err), 7);
    }

    void commonOptionsAreStripped()
    {
        QString out, err;
        QCOMPARE(run({QStringLiteral("deploy"), QStringLiteral("-w"), QStringLiteral("/a.yaml"),
                      QStringLiteral("staging"), QStringLiteral("--ref=v2")},
                     &out, &err),
                 0);
        QCOMPARE(out, QStringLiteral("deploy staging --ref=v2 ws=/a.yaml"));
        out.clear();
        QCOMPARE(run({QStringLiteral("deploy"), QStringLiteral("-w")}, &out, &err),
                 ExitCode::Usage);
    }

    void groupedHelp()
    {
        const QString help = registry().helpText();
        QVERIFY(help.contains(QStringLiteral("Workspace:\n  check (validate)")));
        QVERIFY(help.indexOf(QStringLiteral("Deployments:")) >
                help.indexOf(QStringLiteral("Workspace:")));
        QVERIFY(help.contains(QStringLiteral("releases (ls)")));
        QString out, err;
        QCOMPARE(run({QStringLiteral("check"), QStringLiteral("--help")}, &out, &err), 0);
        QVERIFY(out.startsWith(QStringLiteral("Usage: opsdeck check")));
    }

    void checkCommandReportsPositions()
    {
        QString out, err;
        const QString bad = TestServices::dataDir() +
                            QStringLiteral("/core/workspace/cases/unknown-host/opsdeck.yaml");
        QCOMPARE(run({QStringLiteral("check"), bad}, &out, &err), ExitCode::Problems);
        QVERIFY2(err.contains(
                     QStringLiteral("opsdeck.yaml:7:19: error: environments.production.hosts[1]: "
                                    "unknown host 'web3'")),
                 qPrintable(err));
        const QString good = TestServices::dataDir() +
                             QStringLiteral("/core/workspace/cases/good-full/opsdeck.yaml");
        out.clear();
        err.clear();
        QCOMPARE(run({QStringLiteral("check"), QStringLiteral("-w"), good}, &out, &err),
                 ExitCode::Ok);
        QVERIFY2(out.contains(QStringLiteral("ok: workspace 'minitwit', 3 hosts, 2 environments")),
                 qPrintable(out));
    }

    void commandLikeArguments()
    {
        const CommandRegistry r = registry();
        QVERIFY(r.isCommandLike(QStringLiteral("deploy")));
        QVERIFY(r.isCommandLike(QStringLiteral("delpoy")));
        QVERIFY(!r.isCommandLike(QStringLiteral("infra/opsdeck.yaml")));
        QVERIFY(!r.isCommandLike(QStringLiteral("opsdeck.yml")));
        QVERIFY(!r.isCommandLike(QStringLiteral("--version")));
    }
};

QTEST_GUILESS_MAIN(TestCommandRegistry)
#include "tst_commandregistry.moc"
