// SPDX-License-Identifier: GPL-3.0-or-later
#include "healthrunner.h"

#include "pg/pgconnection.h"

#include <QRegularExpression>

namespace Opsdeck {

namespace {

QVariantMap flatten(const QVariantMap &thresholds)
{
    QVariantMap flat;
    for (auto it = thresholds.cbegin(); it != thresholds.cend(); ++it) {
        if (it.value().typeId() == QMetaType::QVariantMap) {
            const QVariantMap inner = it.value().toMap();
            for (auto in = inner.cbegin(); in != inner.cend(); ++in)
                flat.insert(it.key() + QLatin1Char('.') + in.key(), in.value());
        } else {
            flat.insert(it.key(), it.value());
        }
    }
    return flat;
}

Verdict severityOf(const QString &text)
{
    if (text == QLatin1String("critical"))
        return Verdict::Critical;
    if (text == QLatin1String("info") || text == QLatin1String("ok"))
        return Verdict::Ok;
    return Verdict::Warning;
}

/** SQLSTATEs that mean "could not run" rather than "broken check", in words a person can act on. */
/** Sessions holding exclusive relation locks here: who a check that hit lock_timeout waited for. */
const QString kLockHoldersSql = QStringLiteral(
    "/* opsdeck:lock-holders */ select distinct on (l.pid) l.pid, a.usename, a.application_name,"
    " date_trunc('second', now() - a.xact_start)::text as held_for,"
    " left(regexp_replace(a.query, '\\s+', ' ', 'g'), 120) as query, l.relation::regclass::text as "
    "relation"
    " from pg_locks l join pg_stat_activity a on a.pid = l.pid"
    " where l.granted and l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'"
    " and l.database = (select oid from pg_database where datname = current_database())"
    " order by l.pid limit 5");

QString whyNotRun(const Error &error, const QString &lockHolders)
{
    if (error.code == QLatin1String("57014"))
        return QStringLiteral("could not run: statement timeout");
    if (error.code == QLatin1String("55P03"))
        return lockHolders.isEmpty()
                   ? QStringLiteral("could not run: a lock it needs is held by another session "
                                    "(lock_timeout); "
                                    "see Blocked queries")
                   : QStringLiteral("could not run: waiting for a lock held by %1 (lock_timeout)")
                         .arg(lockHolders);
    if (error.code == QLatin1String("42501"))
        return QStringLiteral("could not run: permission denied (grant the pg_monitor role): ") +
               error.message;
    return QStringLiteral("could not run: ") + error.message;
}

/** 500000000, not "5e+08": the text PostgreSQL's bigint and float8 input both accept. */
QString parameterText(const QVariant &value)
{
    bool isNumber = false;
    const double number = value.toDouble(&isNumber);
    if (!isNumber || value.typeId() == QMetaType::QString)
        return value.toString();
    if (number == double(qint64(number)))
        return QString::number(qint64(number));
    return QString::number(number, 'f', 6).remove(QRegularExpression(QStringLiteral("0+$")));
}

} // namespace

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Ok:
        return QStringLiteral("ok");
    case Verdict::Skipped:
        return QStringLiteral("skipped");
    case Verdict::NotRun:
        return QStringLiteral("could not run");
    case Verdict::Warning:
        return QStringLiteral("warning");
    case Verdict::Critical:
        return QStringLiteral("critical");
    }
    return {};
}

Verdict HealthReport::overall() const
{
    Verdict worst = Verdict::Ok;
    for (const CheckResult &c : checks)
        worst = std::max(worst, c.verdict);
    // A check that could not run is not a clean bill of health.
    return worst == Verdict::NotRun ? Verdict::Warning
                                    : (worst == Verdict::Skipped ? Verdict::Ok : worst);
}

const CheckResult *HealthReport::check(const QString &name) const
{
    for (const CheckResult &c : checks)
        if (c.name == name)
            return &c;
    return nullptr;
}

int HealthReport::count(Verdict verdict) const
{
    return int(std::count_if(checks.cbegin(), checks.cend(),
                             [verdict](const CheckResult &c) { return c.verdict == verdict; }));
}

QList<CheckResult> replicaChecks(const HealthReport &report, const QString &replica)
{
    QList<CheckResult> checks;
    for (CheckResult c : report.checks) {
        c.name = replica + QLatin1Char('/') + c.name;
        c.title = QStringLiteral("%1 on %2").arg(c.title, replica);
        c.server = replica;
        checks << c;
    }
    return checks;
}

CheckResult unreachableReplica(const QString &replica, const QString &error)
{
    CheckResult c;
    c.name = replica + QStringLiteral("/reachable");
    c.title = QStringLiteral("Replica %1 reachable").arg(replica);
    c.server = replica;
    c.explanation = QStringLiteral("The workspace lists %1 as a standby of this database; "
                                   "reads sent there fail while it cannot be reached.")
                        .arg(replica);
    c.verdict = Verdict::Critical;
    c.fixIsAdvice = true;
    c.findings << Finding{replica,
                          Verdict::Critical,
                          error,
                          QStringLiteral("Check that the standby runs and that its conninfo and "
                                         "tunnel in the workspace are right."),
                          {}};
    c.summary = QStringLiteral("%1: %2").arg(replica, error);
    return c;
}

HealthRunner::HealthRunner(QList<CheckDefinition> checks, QVariantMap thresholds)
    : m_checks(std::move(checks))
    , m_thresholds(flatten(thresholds))
{}

QVariant HealthRunner::threshold(const CheckDefinition &check, const CheckThreshold &t) const
{
    return m_thresholds.value(check.name + QLatin1Char('.') + t.name, t.defaultValue);
}

QStringList HealthRunner::unknownThresholds() const
{
    QStringList unknown;
    for (const QString &key : m_thresholds.keys()) {
        bool found = false;
        for (const CheckDefinition &c : m_checks)
            for (const CheckThreshold &t : c.thresholds)
                found = found || key == c.name + QLatin1Char('.') + t.name;
        if (!found)
            unknown << key;
    }
    return unknown;
}

bool HealthRunner::runs(const CheckDefinition &check, int serverVersion) const
{
    return selected(check) && check.supports(serverVersion);
}

QList<PgStatement> HealthRunner::statements(int serverVersion) const
{
    QList<PgStatement> statements;
    for (const CheckDefinition &check : m_checks) {
        if (!runs(check, serverVersion))
            continue;
        PgStatement s;
        // Tagged, so the monitor's own queries are recognisable in pg_stat_activity and logs.
        s.sql = QStringLiteral("/* opsdeck:check=%1 */ ").arg(check.name) + check.sql;
        for (const CheckThreshold &t : check.thresholds)
            s.params << parameterText(threshold(check, t));
        statements << s;
    }
    statements << PgStatement{kLockHoldersSql, {}};
    return statements;
}

CheckResult HealthRunner::resultFor(const CheckDefinition &check, const Result<PgResultSet> &rows,
                                    const QString &lockHolders) const
{
    CheckResult r;
    r.name = check.name;
    r.title = check.title;
    r.explanation = check.explanation;
    r.fixIsAdvice = check.fixIsAdvice;
    r.sql = check.sql;
    for (const CheckThreshold &t : check.thresholds)
        r.thresholds.insert(t.name, threshold(check, t));
    if (!rows) {
        // 42P01 undefined_table: the extension the check reads is not installed here.
        if (!check.requiresExtension.isEmpty() && rows.error().code == QLatin1String("42P01")) {
            r.verdict = Verdict::Skipped;
            r.error =
                QStringLiteral(
                    "%1 is not installed in this database: add it to shared_preload_libraries, "
                    "restart, then run: create extension %1;")
                    .arg(check.requiresExtension);
        } else {
            r.verdict = Verdict::NotRun;
            r.error = whyNotRun(rows.error(), lockHolders);
        }
        r.summary = r.error;
        return r;
    }
    const PgResultSet &set = *rows;
    for (int row = 0; row < set.rowCount(); ++row) {
        Finding f;
        f.object = set.value(row, QStringLiteral("object")).toString();
        f.severity = severityOf(set.value(row, QStringLiteral("severity")).toString());
        f.detail = expandByteSizes(set.value(row, QStringLiteral("detail")).toString());
        f.fix = set.value(row, QStringLiteral("fix")).toString();
        for (int c = 4; c < set.columns.size(); ++c)
            f.extra.insert(set.columns[c], set.rows[row][c]);
        r.verdict = std::max(r.verdict, f.severity);
        r.findings << f;
    }
    if (r.findings.isEmpty())
        r.summary = QStringLiteral("No problems found.");
    else if (r.findings.size() == 1)
        r.summary = r.findings.first().object + QStringLiteral(": ") + r.findings.first().detail;
    else
        r.summary = QStringLiteral("%1 found; the worst: %2: %3")
                        .arg(r.findings.size())
                        .arg(r.findings.first().object, r.findings.first().detail);
    return r;
}

HealthReport HealthRunner::report(int serverVersion, const PgBatchResult &results) const
{
    HealthReport report;
    report.takenAt = QDateTime::currentDateTimeUtc();
    report.serverVersion = serverVersion;
    // The last statement of the pipeline lists exclusive lock holders (see statements()).
    QStringList holders;
    if (!results.isEmpty() && results.last().ok() &&
        results.last()->columns.contains(QStringLiteral("relation"))) {
        const PgResultSet &h = *results.last();
        for (int row = 0; row < h.rowCount(); ++row)
            holders << QStringLiteral("pid %1 (%2, %3, on %4 for %5: %6)")
                           .arg(h.value(row, QStringLiteral("pid")).toString(),
                                h.value(row, QStringLiteral("usename")).toString(),
                                h.value(row, QStringLiteral("application_name")).toString(),
                                h.value(row, QStringLiteral("relation")).toString(),
                                h.value(row, QStringLiteral("held_for")).toString(),
                                h.value(row, QStringLiteral("query")).toString());
    }
    const QString lockHolders = holders.join(QStringLiteral("; "));
    qsizetype next = 0;
    for (const CheckDefinition &check : m_checks) {
        if (!selected(check))
            continue; // on-demand, left out of this refresh
        if (!check.supports(serverVersion)) {
            // A check may have one file per version range (pg_stat_checkpointer in 17): say
            // "skipped" only when no variant fits this server.
            const bool otherVariantRuns =
                std::any_of(m_checks.cbegin(), m_checks.cend(), [&](const CheckDefinition &c) {
                    return c.name == check.name && c.supports(serverVersion);
                });
            if (otherVariantRuns)
                continue;
            CheckResult skipped;
            skipped.name = check.name;
            skipped.title = check.title;
            skipped.explanation = check.explanation;
            skipped.verdict = Verdict::Skipped;
            skipped.error = QStringLiteral("needs PostgreSQL %1 to %2")
                                .arg(check.minMajorVersion)
                                .arg(check.maxMajorVersion);
            skipped.summary = skipped.error;
            report.checks << skipped;
            continue;
        }
        report.checks << resultFor(check,
                                   next < results.size()
                                       ? results[next]
                                       : Result<PgResultSet>::failure(QStringLiteral("no result")),
                                   lockHolders);
        ++next;
    }
    return report;
}

QFuture<HealthReport> HealthRunner::run(PgConnection &connection) const
{
    const int version = connection.serverVersion();
    // The continuation has no QObject context: it runs where the batch finishes and only
    // touches values it owns (a copy of this runner), never widgets.
    return connection.pipeline(statements(version))
        .then([runner = *this, version](const PgBatchResult &results) {
            return runner.report(version, results);
        });
}

} // namespace Opsdeck
