// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariantMap>

namespace Opsdeck {

/** Ordered by how much attention it needs (Ok < Skipped < NotRun < Warning < Critical). */
enum class Verdict { Ok, Skipped, NotRun, Warning, Critical };

QString verdictName(Verdict verdict); // "ok", "skipped", "could not run", "warning", "critical"

/** One offending object: the row a check returned. */
struct Finding
{
    QString object;
    Verdict severity = Verdict::Warning;
    QString detail;
    QString fix; // SQL (or advice, see CheckResult::fixIsAdvice) to copy; Opsdeck never runs it
    QVariantMap extra; // any further columns of the check
};

struct CheckResult
{
    QString name;   // "long_running"; a replica's: "standby1/long_running"
    QString server; // empty: the environment's database; else the replica it ran on
    QString title;
    QString explanation;
    Verdict verdict = Verdict::Ok;
    QString summary; // one sentence
    QList<Finding> findings;
    QVariantMap thresholds; // the values used, after workspace overrides
    QString error;          // why it could not run, or why it was skipped
    QString sql;
    bool fixIsAdvice = false; // findings' fix is advice, not SQL to run
};

struct HealthReport
{
    QList<CheckResult> checks;
    QDateTime takenAt;
    int serverVersion = 0;

    Verdict overall() const;
    const CheckResult *check(const QString &name) const;
    int count(Verdict verdict) const;
};

/**
 * A replica's report folded into its environment's: each check named "REPLICA/check", titled
 * "… on REPLICA" and marked with its server, so one list (pane, CLI, JSON) holds the primary's
 * checks and every replica's without two results sharing a name.
 */
QList<CheckResult> replicaChecks(const HealthReport &report, const QString &replica);
/** The one result a replica gives when it cannot be reached (critical: reads go nowhere). */
CheckResult unreachableReplica(const QString &replica, const QString &error);

} // namespace Opsdeck
