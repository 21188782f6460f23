// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/checkcommand.h"
#include "cli/commandregistry.h"
#include "cli/configcommand.h"
#include "cli/dbcommand.h"
#include "cli/deploycommand.h"
#include "cli/flagscommand.h"
#include "cli/secretscommand.h"
#include "guioptions.h"
#include "mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QTextStream>

#include <cstdio>

using namespace Opsdeck;

namespace {

CommandRegistry commands()
{
    CommandRegistry registry;
    registry.add(checkCommand());
    registry.add(dbCommand());
    for (CliCommand &c : deployCommands())
        registry.add(std::move(c));
    registry.add(flagsCommand());
    registry.add(configCommand());
    registry.add(secretsCommand());
    return registry;
}

bool isWorkspaceOption(const QString &arg)
{
    return arg == QLatin1String("-w") || arg == QLatin1String("--workspace");
}

int runCli(int argc, char *argv[], const CommandRegistry &registry)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout), err(stderr);
    QStringList args = app.arguments().mid(1);
    if (isWorkspaceOption(args.first()) && args.size() > 2) // `opsdeck -w FILE deploy …`
        args = args.mid(2, 1) + args.mid(0, 2) + args.mid(3);
    if (args.first() == QLatin1String("--version")) {
        out << "opsdeck " << OPSDECK_VERSION << "\n";
        return ExitCode::Ok;
    }
    if (args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h") ||
        args.first() == QLatin1String("help")) {
        out << registry.helpText();
        return ExitCode::Ok;
    }
    return registry.dispatch(args, out, err, QDir::currentPath());
}

int runGui(int argc, char *argv[])
{
    // Parse first: a wrong command line must be reported even where there is no display.
    QStringList rawArgs;
    for (int i = 1; i < argc; ++i)
        rawArgs << QString::fromLocal8Bit(argv[i]);
    QString error;
    const std::optional<GuiOptions> options = parseGuiOptions(rawArgs, &error);
    if (!options) {
        std::fprintf(stderr, "opsdeck: %s\n", qPrintable(error));
        return ExitCode::Usage;
    }
    if (!options->screenshot.isEmpty() && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // render without a display

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("opsdeck"));
    QApplication::setOrganizationName(QStringLiteral("opsdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Opsdeck"));
    QApplication::setApplicationVersion(QStringLiteral(OPSDECK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.opsdeck.Opsdeck"));

    MainWindow window;
    if (!options->screenshot.isEmpty())
        window.resize(1280, 760);
    if (options->quitAfterFirstPaint)
        quitAfterFirstPaint(&window);
    window.show();
    if (!options->workspace.isEmpty())
        window.openWorkspace(options->workspace);
    if (!options->environment.isEmpty() &&
        !window.selectPane(options->environment, options->pane)) {
        std::fprintf(stderr, "opsdeck: no pane '%s' in environment '%s'\n",
                     qPrintable(options->pane), qPrintable(options->environment));
        return ExitCode::Usage;
    }
    if (!options->screenshot.isEmpty())
        takeScreenshotWhenReady(&window, *options);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    const CommandRegistry registry = commands();
    // Commands never need a display: decide before any QGuiApplication exists.
    if (argc > 1) {
        QString first = QString::fromLocal8Bit(argv[1]);
        if (isWorkspaceOption(first) && argc > 3)
            first = QString::fromLocal8Bit(argv[3]);
        if (first == QLatin1String("--version") || first == QLatin1String("--help") ||
            first == QLatin1String("-h") || registry.isCommandLike(first))
            return runCli(argc, argv, registry);
    }
    return runGui(argc, argv);
}
