// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "flagstate.h"

namespace Opsdeck {

/** One change to a waffle flag: on or off for everyone, or a percentage (everyone unset). */
struct FlagChange
{
    enum class Op { On, Off, Percent };
    Op op = Op::On;
    QString name;
    double percent = 0;

    /** waffle stores percent as numeric(3,1): 0.0–99.9; 100 % is "on for everyone". */
    Status validate() const;
    /** The state after the change, from the state before it. */
    FlagState applied(FlagState before) const;
};

/**
 * The Django way: `manage.py shell -c` through the ORM (Flag.save() flushes waffle's cache),
 * refusing with exit status 3 when the flag's `modified` is no longer `readModified` (someone
 * changed it since it was read) and 4 when the flag does not exist.
 */
QString manageCommand(const QString &manage, const FlagChange &change,
                      const QDateTime &readModified);

/** The SQL way (no manage: configured): one UPDATE that bumps `modified` and matches only the
 * row as it was read; no row back means changed meanwhile (or gone). */
PgStatement sqlUpdate(const FlagChange &change, const QDateTime &readModified);

} // namespace Opsdeck
