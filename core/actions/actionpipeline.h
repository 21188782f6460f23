// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audit/auditlog.h"
#include "common/result.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace Opsdeck {

/** Every action that changes something somewhere: the rows of the one rule table. */
enum class ActionKind {
    Deploy,
    Rollback,
    RunCommand,
    Lock,
    BreakLock,
    CancelQuery,
    TerminateBackend,
    DropSlot,
    FlagSet,
    FlagCreate,
    FlagDelete,
    FlagKill,
    ConfigSave,
    ConfigRestore,
    ConfigCopy,
    ConfigAfterSave,
    SecretsSave,
    SecretsRotate,
    SecretsRecipients,
    SqlWrite,      // a statement run in the SQL console's write mode (or db query --write)
    SilenceCreate, // an Alertmanager silence
    SilenceExpire,
    DatabaseBackup,  // pg_dump of an environment's database into the backups location
    DatabaseRestore, // a dump restored into a new database (or switched in with --replace)
    DatabaseClone,   // one environment's database copied over another's (production → staging)
};

/** What the person must do before an action starts. */
enum class ConfirmLevel {
    None,                // just do it (audited all the same)
    Confirm,             // a confirmation (GUI: a dialog; CLI: --yes or "y" at a terminal)
    TypedNameAndComment, // protected: the environment's name typed (CLI: --yes) and a comment
};

struct ActionRule
{
    ActionKind kind;
    QString auditName;       // "db.terminate": the audit log's action column
    QString label;           // "Terminate": the confirm button, the CLI's wording
    bool confirmUnprotected; // ask even where the environment is not protected
    // The typed name and a comment everywhere: actions that replace a whole environment's
    // data, which a plain "OK" is too easy for.
    bool typedEverywhere = false;
};

/** The rule table, one row per kind. */
const QList<ActionRule> &actionRules();
const ActionRule &ruleFor(ActionKind kind);

/** One action about to happen, described by what it changes (not the pane it came from). */
struct ActionRequest
{
    ActionKind kind = ActionKind::RunCommand;
    QString workspace;
    QString environment; // the environment that owns what is changed
    bool isProtected = false;
    QString target; // for the audit log: "pid 1234 (app, web)", "flag new_timeline"
    QString before;
    QString after;
    QString description; // what the confirmation shows: plain text, may quote servers
    /** "What will change", shown under the description and never audited: a deploy's commits
     * and migrations, a config file's masked key diff, the query a terminate ends. */
    QString changes;
    QString comment;    // the person's reason; set by the confirmer or given (-m)
    qint64 auditId = 0; // the row written before the action ran (set by the pipeline)
};

/** The table's answer for a request: protected → typed name and comment, always. */
ConfirmLevel confirmLevelFor(const ActionRequest &request);

/**
 * Asks the person (GUI: one dialog; CLI: flags and the terminal). `answer` exactly once, later
 * if need be: std::nullopt when declined, else the comment (possibly empty where not required).
 */
class Confirmer
{
public:
    virtual ~Confirmer() = default;
    virtual void confirm(const ActionRequest &request, ConfirmLevel level,
                         std::function<void(std::optional<QString> comment)> answer) = 0;
};

/** What an action reports when it ends: its outcome, and what the audit row should say of it
 * when the action learnt more than the request knew (the commit a ref resolved to). */
struct ActionResult
{
    ActionResult(Result<QString> result)
        : outcome(std::move(result))
    {}
    ActionResult(const QString &done)
        : outcome(done)
    {}
    Result<QString> outcome;
    QString target; // each, when set, replaces the request's in the audit row
    QString before;
    QString after;
    QString auditOutcome; // the row's outcome in the action's own words ("interrupted: …")
};

/** How a submitted action ended. */
struct ActionOutcome
{
    enum class Status { NotConfirmed, Refused, Succeeded, Failed };
    Status status = Status::Refused;
    QString message;
    bool started() const { return status == Status::Succeeded || status == Status::Failed; }
    bool ok() const { return status == Status::Succeeded; }
};

/**
 * The one way a dangerous action happens, in the GUI and the CLI: the rule table decides what
 * to ask; the Confirmer asks; an audit row is written ("started") before the action runs — if
 * it cannot be written, nothing runs; the action reports back and the row gets its outcome.
 */
class ActionPipeline
{
public:
    using Finish = std::function<void(const ActionResult &result)>;
    /** Runs the action; calls `finish` exactly once, on the thread that called submit(). */
    using Act = std::function<void(const ActionRequest &confirmed, Finish finish)>;
    using Done = std::function<void(const ActionOutcome &outcome)>;

    ActionPipeline(std::shared_ptr<AuditLog> audit, std::shared_ptr<Confirmer> confirmer);

    void submit(ActionRequest request, Act act, Done done = {});
    /**
     * A further part of an action the person has just confirmed at least as strictly as this
     * part needs (a kill switch across environments: one question, one row per environment).
     * `request.comment` carries the confirmed reason; the audit row still comes first.
     */
    void submitConfirmed(ActionRequest request, Act act, Done done = {});

    const std::shared_ptr<AuditLog> &auditLog() const { return m_audit; }
    void setAuditLog(std::shared_ptr<AuditLog> audit) { m_audit = std::move(audit); }

private:
    std::shared_ptr<AuditLog> m_audit;
    std::shared_ptr<Confirmer> m_confirmer;
};

} // namespace Opsdeck
