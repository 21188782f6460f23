// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "flagstate.h"

namespace Opsdeck {

/**
 * One write to one environment's flags: update a flag (switch, sample) from the state it had
 * when it was read to the state wanted, create one, or delete one. Writes match the row as it
 * was read (waffle: `modified`; a plain table: the old value), so a concurrent change is
 * reported instead of overwritten.
 */
struct FlagEdit
{
    enum class Op { Update, Create, Delete };
    Op op = Op::Update;
    FlagState before; // as read (Update, Delete)
    FlagState after;  // as wanted (Update, Create)

    static FlagEdit update(const FlagState &before, const FlagState &after);
    static FlagEdit create(const FlagState &flag);
    static FlagEdit remove(const FlagState &before);

    const FlagState &subject() const { return op == Op::Create ? after : before; }
    /** Names, and waffle's bounds: flag percent 0.0–99.9 (100 % is "everyone"), sample 0–100. */
    Status validate() const;
    /** "35 % → on", "(new) → off", "on → (deleted)": the audit log's before and after. */
    QString beforeText() const;
    QString afterText() const;
    bool usersOrGroupsChanged() const;
};

/** What the command line asks for: on or off for everyone, or a percentage (everyone unset). */
struct FlagChange
{
    enum class Op { On, Off, Percent };
    Op op = Op::On;
    QString name;
    double percent = 0;

    /** The state after the change, from the state before it. */
    FlagState applied(FlagState before) const;
};

/** Exit statuses of the manage.py script (anything else is Python failing). */
enum ManageExit {
    ManageOk = 0,
    ManageChanged = 3,
    ManageMissing = 4,
    ManageExists = 5,
    ManageUnknownNames = 6
};

/**
 * The Django way: `manage.py shell -c` through waffle's models (save() and delete() flush
 * waffle's cache), in one transaction, refusing with a ManageExit when the row is not as read.
 */
QString manageCommand(const QString &manage, const FlagEdit &edit);

/** A NOT NULL column without a default that a plain-table insert must fill. */
struct RequiredColumn
{
    QString name, type; // type as information_schema.columns.data_type
};

/** For a plain table: its NOT NULL columns without a default, besides name and enabled. */
PgStatement requiredColumnsQuery(const FlagsSpec &spec);
Result<QList<RequiredColumn>> parseRequiredColumns(const Result<PgResultSet> &result);

/**
 * The SQL way: one statement (CTEs, so one transaction) that fills every NOT NULL column,
 * bumps `modified` and returns a row only when the row was as read. No row back = nothing
 * written. A plain-table insert also fills `required` (now(), false, '' or 0 by type).
 */
Result<PgStatement> sqlWrite(const FlagsSpec &spec, const FlagEdit &edit,
                             const QList<RequiredColumn> &required = {});

} // namespace Opsdeck
