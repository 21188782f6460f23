// SPDX-License-Identifier: GPL-3.0-or-later
#include "actionpipeline.h"

#include "audit/auditlog.h"

#include <QDateTime>

namespace Opsdeck {

const QList<ActionRule> &actionRules()
{
    // confirmUnprotected: true where a mistake is hard to undo or reaches running users (what
    // pg_activity, Kamal and the Django admin ask about); false for edits a person makes and
    // sees (a config or secrets save, a flag toggle), which protected environments still gate.
    static const QList<ActionRule> rules = {
        {ActionKind::Deploy, QStringLiteral("deploy"), QStringLiteral("Deploy"), true},
        {ActionKind::Rollback, QStringLiteral("rollback"), QStringLiteral("Roll back"), true},
        // The command was typed and Run pressed in its own dialog: that was the confirmation.
        {ActionKind::RunCommand, QStringLiteral("run"), QStringLiteral("Run"), false},
        {ActionKind::Lock, QStringLiteral("deploy.lock"), QStringLiteral("Lock"), false},
        {ActionKind::BreakLock, QStringLiteral("deploy.unlock"), QStringLiteral("Break lock"),
         true},
        {ActionKind::CancelQuery, QStringLiteral("db.cancel"), QStringLiteral("Cancel query"),
         true},
        {ActionKind::TerminateBackend, QStringLiteral("db.terminate"), QStringLiteral("Terminate"),
         true},
        {ActionKind::DropSlot, QStringLiteral("db.drop_slot"), QStringLiteral("Drop slot"), true},
        {ActionKind::FlagSet, QStringLiteral("flag.set"), QStringLiteral("Change flag"), false},
        {ActionKind::FlagCreate, QStringLiteral("flag.create"), QStringLiteral("Create flag"),
         false},
        {ActionKind::FlagDelete, QStringLiteral("flag.delete"), QStringLiteral("Delete flag"),
         true},
        {ActionKind::FlagKill, QStringLiteral("flag.kill"), QStringLiteral("Kill switch"), true},
        {ActionKind::ConfigSave, QStringLiteral("config.save"), QStringLiteral("Save"), false},
        {ActionKind::ConfigRestore, QStringLiteral("config.restore"), QStringLiteral("Restore"),
         true},
        {ActionKind::ConfigCopy, QStringLiteral("config.copy"), QStringLiteral("Copy value"), true},
        {ActionKind::ConfigAfterSave, QStringLiteral("config.after_save"), QStringLiteral("Run"),
         true},
        {ActionKind::SecretsSave, QStringLiteral("secrets.save"), QStringLiteral("Save"), false},
        {ActionKind::SecretsRotate, QStringLiteral("secrets.rotate"), QStringLiteral("Rotate"),
         true},
        {ActionKind::SecretsRecipients, QStringLiteral("secrets.recipients"),
         QStringLiteral("Change recipients"), true},
        {ActionKind::SqlWrite, QStringLiteral("db.sql_write"), QStringLiteral("Run statement"),
         true},
        // A silence hides an alert from whoever is paged: protected environments ask for the
        // typed name and a reason; elsewhere the Silence dialog was the confirmation.
        {ActionKind::SilenceCreate, QStringLiteral("alerts.silence"), QStringLiteral("Silence"),
         false},
        {ActionKind::SilenceExpire, QStringLiteral("alerts.expire_silence"),
         QStringLiteral("Expire silence"), false},
        // A dump reads the database and writes a file of the person's: audited, not asked.
        {ActionKind::DatabaseBackup, QStringLiteral("db.backup"), QStringLiteral("Back up"), false},
        {ActionKind::DatabaseRestore, QStringLiteral("db.restore"), QStringLiteral("Restore"),
         true},
        {ActionKind::DatabaseClone, QStringLiteral("db.clone"), QStringLiteral("Clone"), true,
         true},
    };
    return rules;
}

const ActionRule &ruleFor(ActionKind kind)
{
    for (const ActionRule &rule : actionRules())
        if (rule.kind == kind)
            return rule;
    Q_UNREACHABLE(); // every kind has a row: tst_actionpipeline walks them all
}

ConfirmLevel confirmLevelFor(const ActionRequest &request)
{
    if (request.isProtected || ruleFor(request.kind).typedEverywhere)
        return ConfirmLevel::TypedNameAndComment;
    return ruleFor(request.kind).confirmUnprotected ? ConfirmLevel::Confirm : ConfirmLevel::None;
}

ActionPipeline::ActionPipeline(std::shared_ptr<AuditLog> audit,
                               std::shared_ptr<Confirmer> confirmer)
    : m_audit(std::move(audit))
    , m_confirmer(std::move(confirmer))
{}

namespace {

AuditEntry entryFor(const ActionRequest &r, const QString &outcome)
{
    return {QDateTime::currentDateTimeUtc(),
            AuditLog::currentUser(),
            r.workspace,
            r.environment,
            ruleFor(r.kind).auditName,
            r.target,
            r.before,
            r.after,
            r.comment,
            outcome};
}

void start(const std::shared_ptr<AuditLog> &audit, const ActionRequest &request,
           const ActionPipeline::Act &act, const ActionPipeline::Done &done)
{
    auto report = [done](ActionOutcome::Status status, const QString &message) {
        if (done)
            done({status, message});
    };
    if (confirmLevelFor(request) == ConfirmLevel::TypedNameAndComment &&
        request.comment.trimmed().isEmpty()) {
        (void)audit->record(
            entryFor(request, QStringLiteral("refused: no comment"))); // best effort
        report(ActionOutcome::Status::Refused,
               QStringLiteral("%1 is protected: say why (a comment) before %2; nothing was done")
                   .arg(request.environment, ruleFor(request.kind).label.toLower()));
        return;
    }
    // The row comes first: an action the log cannot record does not happen.
    const Result<qint64> row = audit->begin(entryFor(request, QStringLiteral("started")));
    if (!row) {
        report(ActionOutcome::Status::Refused,
               QStringLiteral("cannot write the audit log (%1); nothing was done")
                   .arg(row.errorString()));
        return;
    }
    ActionRequest running = request;
    running.auditId = row.value();
    act(running, [audit, running, report](const ActionResult &result) {
        const Result<QString> &outcome = result.outcome;
        const QString text = outcome
                                 ? (outcome.value().isEmpty() ? auditSucceeded() : outcome.value())
                                 : QStringLiteral("failed: ") + outcome.errorString();
        AuditEntry finished =
            entryFor(running, result.auditOutcome.isEmpty() ? text : result.auditOutcome);
        if (!result.target.isEmpty())
            finished.target = result.target;
        if (!result.before.isEmpty())
            finished.before = result.before;
        if (!result.after.isEmpty())
            finished.after = result.after;
        if (const Status completed = audit->complete(running.auditId, finished); !completed)
            qWarning("opsdeck: audit: %s", qPrintable(completed.errorString()));
        report(outcome ? ActionOutcome::Status::Succeeded : ActionOutcome::Status::Failed,
               outcome ? text : outcome.errorString());
    });
}

} // namespace

void ActionPipeline::submitConfirmed(ActionRequest request, Act act, Done done)
{
    start(m_audit, request, act, done);
}

void ActionPipeline::submit(ActionRequest request, Act act, Done done)
{
    const ConfirmLevel level = confirmLevelFor(request);
    if (level == ConfirmLevel::None) {
        start(m_audit, request, act, done);
        return;
    }
    // Only shared state in the callback: the confirmer may answer after whoever asked is gone.
    m_confirmer->confirm(request, level,
                         [audit = m_audit, request, act, done](std::optional<QString> comment) {
                             if (!comment) {
                                 if (done)
                                     done({ActionOutcome::Status::NotConfirmed,
                                           QStringLiteral("not confirmed; nothing was done")});
                                 return;
                             }
                             ActionRequest confirmed = request;
                             if (!comment->isEmpty())
                                 confirmed.comment = *comment;
                             start(audit, confirmed, act, done);
                         });
}

} // namespace Opsdeck
