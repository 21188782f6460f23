// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QList>
#include <QString>
#include <QVariant>

namespace Opsdeck {

/** One threshold of a check: its name, default and meaning; bound to $1..$n in order. */
struct CheckThreshold
{
    QString name;
    QVariant defaultValue;
    QString description;
};

/**
 * A health check as written in resources/sql/health/NAME.sql: a header of `-- key: value`
 * lines (name, title, explain, threshold, versions, requires, fix, roles) and one SELECT returning
 * the offending objects as (object, severity, detail, fix, ...extra columns).
 */
struct CheckDefinition
{
    QString name;
    QString title;
    QString explanation;
    QList<CheckThreshold> thresholds;
    int minMajorVersion = 12;
    int maxMajorVersion = 99;
    QString requiresExtension; // e.g. pg_stat_statements
    QString scope;             // what it looks at, when not obvious
    bool onDemand = false; // too heavy for the periodic refresh: first load, F5 and the CLI only
    // `-- fix: advice`: the fix column is a recommendation to think about (server settings,
    // restarts, sizing), not SQL that makes the finding go away when run as it stands.
    bool fixIsAdvice = false;
    // `-- roles: primary, standby`: where it makes sense. Most checks look at what only a
    // primary has (writes, vacuum, slots); sessions and recovery conflicts exist on a standby.
    bool onPrimary = true;
    bool onStandby = false;
    QString sql;

    bool supports(int serverVersionNum) const
    {
        const int major = serverVersionNum / 10000;
        return major >= minMajorVersion && major <= maxMajorVersion;
    }
};

/**
 * A check's detail text with every `{bytes:N}` replaced by N in the one unit system of the UI
 * (formatBytes: IEC, KiB/MiB/GiB). Checks write sizes that way instead of pg_size_pretty, whose
 * "5917 kB" would sit beside "5.8 MiB" for the same WAL elsewhere.
 */
QString expandByteSizes(const QString &detail);

/** Parses one check file; errors name the file and line. */
Result<CheckDefinition> parseCheck(const QString &text, const QString &fileName);

/** The built-in catalogue, compiled in from resources/sql/health (sorted by name). */
const QList<CheckDefinition> &builtinChecks();

} // namespace Opsdeck
