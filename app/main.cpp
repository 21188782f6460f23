// SPDX-License-Identifier: GPL-3.0-or-later
// opsdeck-gui: the console. The `opsdeck` launcher execs it when no command is given.
#include "cli/commandregistry.h"
#include "common/pane.h"
#include "guioptions.h"
#include "mainwindow.h"

#include <QApplication>

#include <cstdio>

using namespace Opsdeck;

namespace {

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
    if (options->size.isValid())
        window.resize(options->size);
    else if (!options->screenshot.isEmpty())
        window.resize(1280, 760);
    if (options->quitAfterFirstPaint)
        quitAfterFirstPaint(&window);
    // Opened before the window is shown: its first paint is the workspace, not a welcome page.
    if (!options->workspace.isEmpty())
        window.openWorkspace(options->workspace);
    window.show();
    if (!options->environment.isEmpty() &&
        !window.selectPane(options->environment, options->pane)) {
        std::fprintf(stderr, "opsdeck: no pane '%s' in environment '%s'\n",
                     qPrintable(options->pane), qPrintable(options->environment));
        return ExitCode::Usage;
    }
    if (!options->item.isEmpty() && window.currentPane())
        window.currentPane()->openItem(options->item);
    if (!options->screenshot.isEmpty())
        takeScreenshotWhenReady(&window, *options);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    return runGui(argc, argv);
}
