// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandregistry.h"

#include "workspace/workspaceloader.h"

#include <QFileInfo>
#include <QMap>

#include <algorithm>
#include <vector>

namespace Opsdeck {

int editDistance(const QString &a, const QString &b)
{
    std::vector<int> row(std::size_t(b.size()) + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[std::size_t(j)];
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            row[std::size_t(j)] =
                std::min({above + 1, row[std::size_t(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row.back();
}

QString CliContext::workspacePath(const QString &positional) const
{
    return locateWorkspace(positional.isEmpty() ? workspaceOption : positional, currentDirectory);
}

void CommandRegistry::add(CliCommand command)
{
    m_commands << std::move(command);
}

const CliCommand *CommandRegistry::find(const QString &nameOrAlias) const
{
    for (const CliCommand &c : m_commands)
        if (c.name == nameOrAlias || c.aliases.contains(nameOrAlias))
            return &c;
    return nullptr;
}

QStringList CommandRegistry::suggestions(const QString &typed) const
{
    QMap<int, QStringList> byDistance;
    for (const CliCommand &c : m_commands) {
        int best = editDistance(typed, c.name);
        for (const QString &alias : c.aliases)
            best = std::min(best, editDistance(typed, alias));
        if (typed.size() >= 2 && c.name.startsWith(typed))
            best = std::min(best, 1);
        if (best <= 2)
            byDistance[best] << c.name;
    }
    return byDistance.isEmpty() ? QStringList() : byDistance.first();
}

bool CommandRegistry::isCommandLike(const QString &argument) const
{
    // A GUI argument is a workspace path; anything else that is not an option is a command.
    if (argument.startsWith(QLatin1Char('-')) || argument.contains(QLatin1Char('/')))
        return false;
    if (argument.endsWith(QLatin1String(".yaml")) || argument.endsWith(QLatin1String(".yml")))
        return false;
    return find(argument) || !QFileInfo::exists(argument);
}

QString CommandRegistry::helpText() const
{
    QString text = QStringLiteral(
        "Usage: opsdeck [WORKSPACE]            open the console\n"
        "       opsdeck COMMAND [ARGS...]      run a command (opsdeck COMMAND --help)\n\n"
        "Options:\n"
        "  -w, --workspace FILE   workspace for commands (else $OPSDECK_WORKSPACE, else the\n"
        "                         nearest opsdeck.yaml in this directory or a parent)\n"
        "  --version              print the version\n"
        "  -h, --help             print this help\n"
        "  --screenshot OUT.png [--env ENV] [--pane PANE] [--settle-ms N] [--size WxH]\n"
        "                         render the window offscreen to a PNG and exit\n"
        "  --env ENV --pane PANE --item ITEM\n"
        "                         open a pane on one thing: database table:SCHEMA.NAME, or a\n"
        "                         statement whose plan to draw\n"
        "  --quit-after-first-paint\n"
        "                         exit right after the first paint (start-up timing)\n");
    QStringList groups;
    for (const CliCommand &c : m_commands)
        if (!groups.contains(c.group))
            groups << c.group;
    for (const QString &group : groups) {
        text += QStringLiteral("\n%1:\n").arg(group);
        for (const CliCommand &c : m_commands) {
            if (c.group != group)
                continue;
            QString name = c.name;
            if (!c.aliases.isEmpty())
                name +=
                    QStringLiteral(" (") + c.aliases.join(QStringLiteral(", ")) + QLatin1Char(')');
            text += QStringLiteral("  %1 %2\n").arg(name, -22).arg(c.summary);
        }
    }
    text += QStringLiteral("\nExit codes: 0 ok, 1 problems found (a deploy failed), 2 usage error "
                           "(or critical),\n3 could not run (refused before any change), 4 "
                           "interrupted (lock left), 130 cancelled.\n");
    return text;
}

int CommandRegistry::dispatch(const QStringList &args, QTextStream &out, QTextStream &err,
                              const QString &currentDirectory) const
{
    if (args.isEmpty())
        return ExitCode::Usage;
    const CliCommand *command = find(args.first());
    if (!command) {
        err << "opsdeck: '" << args.first() << "' is not a command.";
        const QStringList close = suggestions(args.first());
        if (!close.isEmpty())
            err << " Did you mean '" << close.join(QStringLiteral("' or '")) << "'?";
        err << "\nSee 'opsdeck --help'.\n";
        return ExitCode::Usage;
    }
    CliContext context{out, err, {}, {}, currentDirectory};
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            out << "Usage: " << command->usage << "\n\n" << command->summary << "\n";
            return ExitCode::Ok;
        }
        if (a == QLatin1String("-w") || a == QLatin1String("--workspace")) {
            if (i + 1 >= args.size()) {
                err << "opsdeck " << command->name << ": " << a << " needs a file\n";
                return ExitCode::Usage;
            }
            context.workspaceOption = args.at(++i);
        } else if (a.startsWith(QLatin1String("--workspace="))) {
            context.workspaceOption = a.mid(12);
        } else {
            context.args << a;
        }
    }
    return command->run(context);
}

} // namespace Opsdeck
