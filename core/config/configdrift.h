// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dotenvfile.h"

#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace Opsdeck {

/** One environment's side of a drift comparison: its config keys and its secrets' key names. */
struct DriftInput
{
    struct Value
    {
        QString text;
        QString origin;    // the file it comes from
        bool known = true; // false for a sops secret: its key is visible, its value is not read
    };
    QString environment;
    QMap<QString, Value> keys;             // the value each key has (first file wins)
    QMap<QString, QList<Value>> allValues; // every file's value of each key, in file order

    /** Adds a .env file's keys; a key an earlier file set keeps that value (as `opsdeck config
     * get` reads it: the first file of the environment that sets a key wins). */
    void addDotenv(const QString &origin, const DotenvFile &file);
    /** Adds the key names of a sops-encrypted file (dotted paths for nested YAML/JSON). */
    Status addSecretsKeys(const QString &origin, const QByteArray &encryptedFile);
};

struct DriftRow
{
    /**
     * Inconsistent: one environment's own files disagree (the local .env says True, the host's
     * says False; web1 and web2 differ). Missing: some environments lack it. Differs: known
     * values differ between environments. Same: all equal. Unknown: present everywhere, but a
     * secret's value is not compared. Every key is in exactly one state.
     */
    enum class State { Inconsistent, Missing, Differs, Same, Unknown };
    QString key;
    State state = State::Same;
    QList<std::optional<DriftInput::Value>> cells; // one per input, in input order
    QList<QList<DriftInput::Value>> values;        // per input: every file's value
    QStringList inconsistent;                      // environments whose files disagree on this key
    /** Its value is masked until revealed (looks secret anywhere, or comes from secrets). */
    bool masked = false;
};

/** Key by key across the inputs: keys whose environment disagrees with itself first, then by
 * key. Values are compared, never exposed here beyond the rows (the view decides what to show). */
QList<DriftRow> computeDrift(const QList<DriftInput> &inputs);

QString driftStateName(DriftRow::State state);
/** "22 keys: 2 disagree within an environment, 3 missing somewhere, 9 differ, 3 same,
 * 5 secrets (values not compared)": the parts always add up to the total. */
QString driftSummary(const QList<DriftRow> &rows);
/** "True (staging.env) ≠ False (web1:/srv/app/shared/.env)": an environment's distinct values
 * with where each comes from; `mask` replaces the values. */
QString describeValues(const QList<DriftInput::Value> &values, const QString &mask = {},
                       bool shortOrigins = false);
/** "web1:.env" for "web1:/srv/app/shared/.env", "staging.env" for a local path. */
QString shortOrigin(const QString &origin);

} // namespace Opsdeck
