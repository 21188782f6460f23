// SPDX-License-Identifier: GPL-3.0-or-later
#include "climain.h"

#include "commandregistry.h"

#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

namespace Opsdeck {

int runCommandLine(int argc, char *argv[], const CommandRegistry &registry)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("opsdeck"));
    QCoreApplication::setOrganizationName(QStringLiteral("opsdeck"));
    QTextStream out(stdout), err(stderr);
    QStringList args = app.arguments().mid(1);
    const auto isWorkspaceOption = [](const QString &arg) {
        return arg == QLatin1String("-w") || arg == QLatin1String("--workspace");
    };
    if (!args.isEmpty() && isWorkspaceOption(args.first()) && args.size() > 2)
        args = args.mid(2, 1) + args.mid(0, 2) + args.mid(3); // `opsdeck -w FILE deploy …`
    if (args.isEmpty() || args.first() == QLatin1String("--help") ||
        args.first() == QLatin1String("-h") || args.first() == QLatin1String("help")) {
        out << registry.helpText();
        return ExitCode::Ok;
    }
    return registry.dispatch(args, out, err, QDir::currentPath());
}

} // namespace Opsdeck
