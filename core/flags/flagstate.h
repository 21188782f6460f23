// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "pg/pgtypes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariantMap>

#include <optional>

namespace Opsdeck {

/** One flag as a backend stores it, in waffle's terms (a plain table or Unleash fill a subset). */
struct FlagState
{
    enum class Kind { Flag, Switch, Sample };
    /** What a user gets, roughly: on for all, off for all, or depending on who/which request. */
    enum class Effect { On, Off, Partial };

    Kind kind = Kind::Flag;
    QString name;
    std::optional<bool> everyone; // waffle: tri-state (unset = use the other rules)
    std::optional<double> percent;
    bool testing = false, superusers = false, staff = false, authenticated = false, rollout = false;
    QString languages;
    QStringList userNames, groupNames; // waffle: the flag's users (by username) and groups
    bool active = false;               // switches and plain tables
    QString note;
    bool hasWaffleRules = false; // read from waffle (the fields above mean something)
    QString otherRules;          // Unleash: strategies and constraints beyond a plain rollout
    QDateTime created, modified;

    Effect effect() const;
    /** "on", "off", "35 %", "staff, superusers" — the cell text of the matrix. */
    QString summary() const;
    /** Every rule, one per line — the cell's tooltip. */
    QString rules() const;
    /** Two states mean the same to users (timestamps and notes aside). */
    bool sameBehaviour(const FlagState &other) const;
};

QString kindName(FlagState::Kind kind);

/** The workspace's `flags:` block of one environment, checked. */
struct FlagsSpec
{
    QString backend; // waffle | table | unleash
    QString manage;  // waffle: the manage.py command on the app host (writes the Django way)
    int manageTimeoutMs = 60'000; // how long a write through manage.py may take
    QString table;                // table: the table, and its columns
    QString nameColumn = QStringLiteral("name");
    QString enabledColumn = QStringLiteral("enabled");
    // waffle: the user model's table (AUTH_USER_MODEL) and its username column
    QString userTable = QStringLiteral("auth_user");
    QString usernameColumn = QStringLiteral("username");
    // unleash: the server, its admin token (after ${VAR} expansion), project and environment
    QString url, token, project = QStringLiteral("default"), unleashEnvironment;

    /** `environmentName` is the Unleash environment when the block names none. */
    static Result<FlagsSpec> fromWorkspace(const QVariantMap &flags,
                                           const QString &environmentName = {});
    bool isWaffle() const { return backend == QLatin1String("waffle"); }
    bool isTable() const { return backend == QLatin1String("table"); }
    bool isUnleash() const { return backend == QLatin1String("unleash"); }
};

/** A flag's identity across environments: "flag:name", "switch:name", "sample:name". */
QString flagKey(const FlagState &flag);
/** SQL identifier check: letters, digits, _ and one schema dot. */
bool isSqlIdentifier(const QString &name);
/** The identifier double-quoted for SQL, per part ("public"."flags"). */
QString quotedIdentifier(const QString &identifier);

/** One query per environment that reads every flag (waffle: flags, switches and samples with
 * their user and group counts). */
PgStatement flagsQuery(const FlagsSpec &spec);
Result<QList<FlagState>> parseFlags(const FlagsSpec &spec, const Result<PgResultSet> &result);

} // namespace Opsdeck
