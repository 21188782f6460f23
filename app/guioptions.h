// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

/** Options of the GUI form of the command line (`opsdeck [WORKSPACE] [--screenshot ...]`). */
struct GuiOptions
{
    QString workspace;
    QString screenshot;  // PNG path; empty = normal interactive run
    QString environment; // --env
    QString pane = QStringLiteral("overview");
    QString item;         // --item: what the pane opens (database: table:NAME or a statement)
    int settleMs = 15000; // upper bound on waiting for the pane's data
    QSize size;           // --size WxH for screenshots; invalid = 1280×760
    bool quitAfterFirstPaint = false;
};

/** Parses argv (without argv[0]); an error message instead when the line is wrong. */
std::optional<GuiOptions> parseGuiOptions(const QStringList &args, QString *error);

class MainWindow;

/** Waits for the pane's data (or settleMs), renders the window into a PNG, then quits. */
void takeScreenshotWhenReady(MainWindow *window, const GuiOptions &options);
/** Quits right after the main window's first paint (start-up measurements). */
void quitAfterFirstPaint(MainWindow *window);

} // namespace Opsdeck
