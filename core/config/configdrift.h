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
    QMap<QString, Value> keys;

    /** Adds a .env file's keys; a key an earlier file set keeps that value (as `opsdeck config
     * get` reads it: the first file of the environment that sets a key wins). */
    void addDotenv(const QString &origin, const DotenvFile &file);
    /** Adds the key names of a sops-encrypted file (dotted paths for nested YAML/JSON). */
    Status addSecretsKeys(const QString &origin, const QByteArray &encryptedFile);
};

struct DriftRow
{
    /** Missing: some environments lack it. Differs: known values differ. Same: all equal.
     * Unknown: present everywhere, but a secret's value is not compared. */
    enum class State { Missing, Differs, Same, Unknown };
    QString key;
    State state = State::Same;
    QList<std::optional<DriftInput::Value>> cells; // one per input, in input order
    /** Its value is masked until revealed (looks secret anywhere, or comes from secrets). */
    bool masked = false;
};

/** Key by key across the inputs, sorted by key. Values are compared, never exposed here beyond
 * the rows' cells (the view decides what to show). */
QList<DriftRow> computeDrift(const QList<DriftInput> &inputs);

QString driftStateName(DriftRow::State state);

} // namespace Opsdeck
