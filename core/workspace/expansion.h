// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace Opsdeck {

/**
 * Whether a workspace may read this environment variable: `OPSDECK_*` and HOME, USER, LOGNAME.
 * Anything else (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, ...) could otherwise be carried by a
 * hostile workspace into a URL or a command sent to a server it names.
 */
bool isWorkspaceVariable(const QString &name);

/**
 * Expands a leading `~` to the home directory and `${VAR}` to the environment's value, for the
 * variables a workspace may read (isWorkspaceVariable). Names of allowed variables that are not
 * set are appended to `unsetVariables` (they expand to ""); names of others to
 * `refusedVariables` (they stay as written). `$$` stands for a literal `$`.
 */
QString expandVariables(const QString &text, QStringList *unsetVariables = nullptr,
                        const QStringList &keepLiteral = {},
                        QStringList *refusedVariables = nullptr);

/**
 * Variables a remote command gets from Opsdeck at run time (`${REV}`, `${ENV}`, `${HOST}`,
 * `${RELEASE}`, `${RELEASE_PATH}`, `${DEPLOY_PATH}`), left in place when the workspace loads.
 */
const QStringList &commandVariableNames();

/** Expands, then resolves a relative path against `baseDirectory`. */
QString expandPath(const QString &path, const QString &baseDirectory,
                   QStringList *unsetVariables = nullptr);

} // namespace Opsdeck
