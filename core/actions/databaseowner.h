// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Opsdeck {

struct EnvironmentSpec;
struct Workspace;

/** The environment a database on a cluster belongs to, for protection and the audit log. */
struct DatabaseOwner
{
    QString environment;
    bool isProtected = false;
    bool known = false; // false: no environment names this database; the strictest was taken
};

/**
 * Who owns `database` on the server `from`'s database lives on (same host, port and tunnel):
 * the environment whose database it is; when none is (or `database` is empty: a physical slot,
 * a background worker), the strictest environment on that server, so an unknown target is
 * never less protected than anything it could be.
 */
DatabaseOwner databaseOwner(const Workspace &workspace, const EnvironmentSpec &from,
                            const QString &database);

} // namespace Opsdeck
