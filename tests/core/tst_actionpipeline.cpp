// SPDX-License-Identifier: GPL-3.0-or-later
// The one action pipeline: every action kind walks the rule table through the command line's
// confirmer, and the audit row is there before the action runs.
#include "actions/actionpipeline.h"
#include "actions/databaseowner.h"
#include "audit/auditlog.h"
#include "cli/cliconfirmer.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

/** Records what it was asked and answers as told. */
class RecordingConfirmer final : public Confirmer
{
public:
    std::optional<QString> reply = QStringLiteral("because");
    QList<ConfirmLevel> asked;
    void confirm(const ActionRequest &, ConfirmLevel level,
                 std::function<void(std::optional<QString>)> answer) override
    {
        asked << level;
        answer(reply);
    }
};

QList<ActionKind> allKinds()
{
    QList<ActionKind> kinds;
    for (const ActionRule &rule : actionRules())
        kinds << rule.kind;
    return kinds;
}

} // namespace

class TestActionPipeline final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::shared_ptr<AuditLog> freshAudit()
    {
        static int n = 0;
        return std::make_shared<AuditLog>(
            m_dir.filePath(QStringLiteral("audit%1.sqlite").arg(++n)));
    }

    /** Submits `request` through a CliConfirmer; the outcome and whether the action ran. */
    std::pair<ActionOutcome, bool> throughCli(const ActionRequest &request, bool yes,
                                              std::shared_ptr<AuditLog> audit)
    {
        QString errText;
        QTextStream err(&errText);
        ActionPipeline pipeline(std::move(audit),
                                std::make_shared<CliConfirmer>(err, yes, /*interactive=*/false));
        bool ran = false;
        ActionOutcome outcome;
        pipeline.submit(
            request,
            [&](const ActionRequest &, ActionPipeline::Finish finish) {
                ran = true;
                finish(QStringLiteral("done"));
            },
            [&](const ActionOutcome &o) { outcome = o; });
        return {outcome, ran};
    }

private slots:
    void everyKindHasOneRowWithItsOwnAuditName()
    {
        QSet<QString> names;
        for (const ActionRule &rule : actionRules()) {
            QVERIFY(!rule.label.isEmpty());
            QVERIFY2(!names.contains(rule.auditName), qPrintable(rule.auditName));
            names.insert(rule.auditName);
        }
        QCOMPARE(int(names.size()), int(actionRules().size()));
        QCOMPARE(int(actionRules().size()), int(ActionKind::DatabaseClone) + 1);
    }

    void theTableDecidesTheLevel_data()
    {
        QTest::addColumn<int>("kind");
        for (ActionKind kind : allKinds())
            QTest::newRow(qPrintable(ruleFor(kind).auditName)) << int(kind);
    }

    void theTableDecidesTheLevel()
    {
        // GUI and CLI ask the same question: the level comes from the table alone, and a
        // protected environment always takes the typed name and a comment.
        QFETCH(int, kind);
        ActionRequest request;
        request.kind = ActionKind(kind);
        request.environment = QStringLiteral("staging");
        RecordingConfirmer confirmer;
        ActionPipeline gui(freshAudit(),
                           std::shared_ptr<Confirmer>(&confirmer, [](Confirmer *) {}));
        gui.submit(request, [](const ActionRequest &, ActionPipeline::Finish f) { f(QString()); });
        // A clone replaces a whole environment's data: the typed name even where unprotected.
        const ConfirmLevel unprotected =
            ruleFor(request.kind).typedEverywhere      ? ConfirmLevel::TypedNameAndComment
            : ruleFor(request.kind).confirmUnprotected ? ConfirmLevel::Confirm
                                                       : ConfirmLevel::None;
        QCOMPARE(confirmLevelFor(request), unprotected);
        QCOMPARE(confirmer.asked.size(), unprotected == ConfirmLevel::None ? 0 : 1);

        request.environment = QStringLiteral("production");
        request.isProtected = true;
        QCOMPARE(confirmLevelFor(request), ConfirmLevel::TypedNameAndComment);
        confirmer.asked.clear();
        gui.submit(request, [](const ActionRequest &, ActionPipeline::Finish f) { f(QString()); });
        QCOMPARE(confirmer.asked, QList<ConfirmLevel>{ConfirmLevel::TypedNameAndComment});

        // The command line: protected needs --yes and -m; without them nothing runs.
        auto audit = freshAudit();
        auto [refused, ranRefused] = throughCli(request, /*yes=*/false, audit);
        QVERIFY(!ranRefused);
        QCOMPARE(refused.status, ActionOutcome::Status::NotConfirmed);
        auto [noComment, ranNoComment] = throughCli(request, /*yes=*/true, audit);
        QVERIFY(!ranNoComment);
        QVERIFY(!noComment.started());
        request.comment = QStringLiteral("release 42");
        auto [done, ran] = throughCli(request, /*yes=*/true, audit);
        QVERIFY(ran);
        QVERIFY(done.ok());
        const QList<AuditEntry> rows = audit->recent();
        QCOMPARE(rows.size(), 1); // declined questions leave no row; the done action one
        QCOMPARE(rows.first().action, ruleFor(request.kind).auditName);
        QCOMPARE(rows.first().environment, QStringLiteral("production"));
        QCOMPARE(rows.first().comment, QStringLiteral("release 42"));
        QCOMPARE(rows.first().outcome, QStringLiteral("done"));

        // Unprotected, the command itself is the confirmation — except for the rows that want
        // the typed name everywhere, which stay refused without --yes and -m.
        request.isProtected = false;
        request.environment = QStringLiteral("staging");
        request.comment.clear();
        auto [plain, ranPlain] = throughCli(request, /*yes=*/false, freshAudit());
        QCOMPARE(ranPlain && plain.ok(), !ruleFor(request.kind).typedEverywhere);
    }

    void theRowIsWrittenBeforeTheActionRuns()
    {
        auto audit = freshAudit();
        ActionPipeline pipeline(audit, std::make_shared<RecordingConfirmer>());
        ActionRequest request;
        request.kind = ActionKind::Deploy;
        request.environment = QStringLiteral("staging");
        request.target = QStringLiteral("web1, web2");
        ActionPipeline::Finish finishLater;
        QList<AuditEntry> seenWhileRunning;
        pipeline.submit(request, [&](const ActionRequest &confirmed, ActionPipeline::Finish f) {
            QCOMPARE(confirmed.comment, QStringLiteral("because")); // the confirmer's reason
            seenWhileRunning = audit->recent();
            finishLater = f;
        });
        QCOMPARE(seenWhileRunning.size(), 1);
        QCOMPARE(seenWhileRunning.first().outcome, QStringLiteral("started"));
        finishLater(Result<QString>::failure(QStringLiteral("web2 unhealthy")));
        QCOMPARE(audit->recent().first().outcome, QStringLiteral("failed: web2 unhealthy"));
    }

    void anActionTheLogCannotRecordDoesNotRun()
    {
        // A directory where the file should be: SQLite cannot open it.
        const QString blocked = m_dir.filePath(QStringLiteral("blocked.sqlite"));
        QVERIFY(QDir().mkpath(blocked));
        ActionPipeline pipeline(std::make_shared<AuditLog>(blocked),
                                std::make_shared<RecordingConfirmer>());
        ActionRequest request;
        request.kind = ActionKind::TerminateBackend;
        bool ran = false;
        ActionOutcome outcome;
        pipeline.submit(
            request, [&](const ActionRequest &, ActionPipeline::Finish) { ran = true; },
            [&](const ActionOutcome &o) { outcome = o; });
        QVERIFY(!ran);
        QCOMPARE(outcome.status, ActionOutcome::Status::Refused);
        QVERIFY2(outcome.message.contains(QStringLiteral("audit log")),
                 qPrintable(outcome.message));
    }

    void aDatabaseBelongsToTheEnvironmentNamingIt()
    {
        const QString path = m_dir.filePath(QStringLiteral("opsdeck.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nname: t\nhosts:\n  db: { address: 10.0.0.5 }\n"
                "environments:\n"
                "  staging:\n    database: { conninfo: 'host=pg port=5432 dbname=app_staging' }\n"
                "  production:\n    protected: true\n"
                "    database: { conninfo: 'host=pg port=5432 dbname=app_prod' }\n"
                "  elsewhere:\n"
                "    database: { conninfo: 'host=other port=5432 dbname=app_other' }\n");
        f.close();
        const WorkspaceLoadResult loaded = WorkspaceLoader::loadFile(path);
        QVERIFY(loaded.ok());
        const Workspace &ws = *loaded.workspace;
        const EnvironmentSpec &staging = *ws.environment(QStringLiteral("staging"));
        DatabaseOwner owner = databaseOwner(ws, staging, QStringLiteral("app_prod"));
        QCOMPARE(owner.environment, QStringLiteral("production"));
        QVERIFY(owner.isProtected && owner.known);
        owner = databaseOwner(ws, staging, QStringLiteral("app_staging"));
        QCOMPARE(owner.environment, QStringLiteral("staging"));
        QVERIFY(!owner.isProtected);
        // Unknown (or none: a physical slot): the strictest on the same server.
        owner = databaseOwner(ws, staging, QStringLiteral("postgres"));
        QCOMPARE(owner.environment, QStringLiteral("production"));
        QVERIFY(owner.isProtected && !owner.known);
        QCOMPARE(databaseOwner(ws, staging, QString()).environment, QStringLiteral("production"));
        // Another server's environments do not count.
        owner =
            databaseOwner(ws, *ws.environment(QStringLiteral("elsewhere")), QStringLiteral("x"));
        QCOMPARE(owner.environment, QStringLiteral("elsewhere"));
        QVERIFY(!owner.isProtected);
    }
};

QTEST_GUILESS_MAIN(TestActionPipeline)
#include "tst_actionpipeline.moc"
