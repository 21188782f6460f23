// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "diagnostic.h"
#include "workspace.h"

#include <optional>

namespace Opsdeck {

/** What loading produced: a workspace when there were no errors, and every diagnostic either way.
 */
struct WorkspaceLoadResult
{
    std::optional<Workspace> workspace;
    Diagnostics diagnostics;

    bool ok() const { return workspace.has_value(); }
};

/**
 * Reads opsdeck.yaml into typed structs. Unknown keys are warnings, wrong types and dangling
 * references are errors, and every message carries file:line:column (README, "Writing a
 * workspace").
 */
class WorkspaceLoader final
{
public:
    static WorkspaceLoadResult loadFile(const QString &path);
    /** Parses text as if it were the file at `path` (used by tests and fuzzers). */
    static WorkspaceLoadResult loadText(const QByteArray &text, const QString &path);
};

/**
 * Finds the workspace the way git finds its repository: an explicit path, else
 * $OPSDECK_WORKSPACE, else opsdeck.yaml in `startDirectory` or its nearest parent.
 * Returns an empty string when there is none.
 */
QString locateWorkspace(const QString &explicitPath, const QString &startDirectory);

} // namespace Opsdeck
