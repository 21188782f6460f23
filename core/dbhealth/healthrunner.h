// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "healthcheck.h"
#include "healthreport.h"
#include "pg/pgtypes.h"

#include <QFuture>
#include <QVariantMap>

namespace Opsdeck {

class PgConnection;

/**
 * Runs checks over a monitoring session: all applicable checks in one round trip (pipeline,
 * a Sync per check), each under the session's statement_timeout and lock_timeout, so one slow
 * or failing check reports "could not run" while the others still report.
 */
class HealthRunner final
{
public:
    /**
     * `thresholds` comes from the workspace's `database.thresholds:`, either nested
     * ({unused_indexes: {min_size_mb: 5}}) or dotted ({"unused_indexes.min_size_mb": 5}).
     */
    HealthRunner(QList<CheckDefinition> checks, QVariantMap thresholds);

    /** Which server it looks at: a standby runs only the checks marked `roles: standby`. */
    enum class ServerRole { Primary, Standby };
    void setServerRole(ServerRole role) { m_role = role; }

    /** Periodic refreshes leave out checks marked on-demand (their last result stays shown). */
    void setIncludeOnDemand(bool include) { m_includeOnDemand = include; }

    /** Starts a refresh; the connection must be open (serverVersion() known). */
    QFuture<HealthReport> run(PgConnection &connection) const;

    // The two halves of run(), pure so they can be tested without a server.
    QList<PgStatement> statements(int serverVersion) const;
    HealthReport report(int serverVersion, const PgBatchResult &results) const;

    QVariant threshold(const CheckDefinition &check, const CheckThreshold &t) const;
    /** Workspace thresholds that name no known check or threshold (reported as warnings). */
    QStringList unknownThresholds() const;

private:
    CheckResult resultFor(const CheckDefinition &check, const Result<PgResultSet> &rows,
                          const QString &lockHolders) const;

    QList<CheckDefinition> m_checks;
    QVariantMap m_thresholds; // flattened to "check.threshold"
    bool m_includeOnDemand = true;
    ServerRole m_role = ServerRole::Primary;

    bool runs(const CheckDefinition &check, int serverVersion) const;
    bool selected(const CheckDefinition &check) const
    {
        return (m_includeOnDemand || !check.onDemand) &&
               (m_role == ServerRole::Primary ? check.onPrimary : check.onStandby);
    }
};

} // namespace Opsdeck
