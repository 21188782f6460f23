// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>

namespace Opsdeck {

/** Exit codes scripts can rely on; documented in `opsdeck --help`. */
namespace ExitCode {
constexpr int Ok = 0;          // success / healthy
constexpr int Problems = 1;    // the command ran and found problems (check errors, warnings)
constexpr int Usage = 2;       // bad command line; for health checks: critical
constexpr int Failure = 3;     // could not do the job (unreachable, no workspace, ...)
constexpr int Interrupted = 4; // a deploy lost a host mid-way: lock left in place
constexpr int Cancelled = 130; // stopped by the user (Ctrl-C), like a shell
} // namespace ExitCode

struct CliContext
{
    QTextStream &out;
    QTextStream &err;
    QStringList args;        // after the command name, with the common options removed
    QString workspaceOption; // -w/--workspace, if given
    QString currentDirectory;

    /** The workspace the way git finds its repository (see locateWorkspace). */
    QString workspacePath(const QString &positional = {}) const;
};

struct CliCommand
{
    QString name;
    QStringList aliases;
    QString group;   // heading in the grouped --help
    QString summary; // one line
    QString usage;   // "opsdeck check [WORKSPACE]" + option lines
    std::function<int(CliContext &)> run;
};

/**
 * The small command framework every subcommand uses: grouped --help, aliases, "did you mean"
 * for typos, common options (-w/--workspace) and stable exit codes.
 */
class CommandRegistry final
{
public:
    void add(CliCommand command);
    const CliCommand *find(const QString &nameOrAlias) const;
    /** Known names closest to a mistyped one (edit distance ≤ 2, or a shared prefix). */
    QStringList suggestions(const QString &typed) const;
    QString helpText() const;
    bool isCommandLike(const QString &argument) const;

    /** Runs `args` (args[0] is the command). */
    int dispatch(const QStringList &args, QTextStream &out, QTextStream &err,
                 const QString &currentDirectory) const;

private:
    QList<CliCommand> m_commands;
};

int editDistance(const QString &a, const QString &b);

} // namespace Opsdeck
