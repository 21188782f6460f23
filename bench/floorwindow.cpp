// SPDX-License-Identifier: GPL-3.0-or-later
// The start-up floor: a bare Qt Widgets window that quits after its first paint, exactly as
// `opsdeck --quit-after-first-paint` does. Opsdeck's start-up is measured against this.
#include "firstpaintwatcher.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("floor"), &window));
    window.resize(1280, 760);
    app.installEventFilter(new Opsdeck::FirstPaintWatcher(&window));
    window.show();
    return app.exec();
}
