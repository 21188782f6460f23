// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace Opsdeck {

/**
 * Expands a leading `~` to the home directory and `${VAR}` to the environment's value.
 * Names of variables that are not set are appended to `unsetVariables` (they expand to "").
 * `$$` stands for a literal `$`.
 */
QString expandVariables(const QString &text, QStringList *unsetVariables = nullptr,
                        const QStringList &keepLiteral = {});

/**
 * Variables a remote command gets from Opsdeck at run time (`${REV}`, `${ENV}`, `${HOST}`,
 * `${RELEASE}`, `${RELEASE_PATH}`, `${DEPLOY_PATH}`), left in place when the workspace loads.
 */
const QStringList &commandVariableNames();

/** Expands, then resolves a relative path against `baseDirectory`. */
QString expandPath(const QString &path, const QString &baseDirectory,
                   QStringList *unsetVariables = nullptr);

} // namespace Opsdeck
