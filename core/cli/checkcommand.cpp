// SPDX-License-Identifier: GPL-3.0-or-later
#include "checkcommand.h"

#include "workspace/workspaceloader.h"

namespace Opsdeck {

namespace {

int runCheck(CliContext &ctx)
{
    if (ctx.args.size() > 1) {
        ctx.err << "usage: opsdeck check [WORKSPACE]\n";
        return ExitCode::Usage;
    }
    const QString path = ctx.workspacePath(ctx.args.value(0));
    if (path.isEmpty()) {
        ctx.err << "opsdeck check: no workspace: give a path, -w FILE or $OPSDECK_WORKSPACE, "
                   "or run it inside a directory with an opsdeck.yaml\n";
        return ExitCode::Failure;
    }
    const WorkspaceLoadResult result = WorkspaceLoader::loadFile(path);
    int errors = 0, warnings = 0;
    for (const Diagnostic &d : result.diagnostics) {
        ctx.err << d.toString() << "\n";
        (d.isError() ? errors : warnings)++;
    }
    if (result.ok()) {
        const Workspace &ws = *result.workspace;
        ctx.out << path << ": ok: workspace '" << ws.name << "', " << ws.hosts.size() << " hosts, "
                << ws.environments.size() << " environments ("
                << ws.environmentNames().join(QStringLiteral(", ")) << ")";
        if (warnings)
            ctx.out << ", " << warnings << (warnings == 1 ? " warning" : " warnings");
        ctx.out << "\n";
        return ExitCode::Ok;
    }
    ctx.err << path << ": " << errors << (errors == 1 ? " error" : " errors") << "\n";
    return ExitCode::Problems;
}

} // namespace

CliCommand checkCommand()
{
    return {QStringLiteral("check"),
            {QStringLiteral("validate")},
            QStringLiteral("Workspace"),
            QStringLiteral("Validate a workspace file and print its problems with positions"),
            QStringLiteral("opsdeck check [WORKSPACE] [-w FILE]"),
            runCheck};
}

} // namespace Opsdeck
