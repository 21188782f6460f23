// SPDX-License-Identifier: GPL-3.0-or-later
#include "guioptions.h"

#include "common/pane.h"
#include "firstpaintwatcher.h"
#include "mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

namespace Opsdeck {

std::optional<GuiOptions> parseGuiOptions(const QStringList &args, QString *error)
{
    GuiOptions o;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        auto next = [&](const char *what) -> std::optional<QString> {
            if (i + 1 >= args.size()) {
                *error = QStringLiteral("%1 needs %2").arg(a, QLatin1String(what));
                return std::nullopt;
            }
            return args.at(++i);
        };
        if (a == QLatin1String("--screenshot")) {
            const auto v = next("a file name");
            if (!v)
                return std::nullopt;
            o.screenshot = *v;
        } else if (a == QLatin1String("--env")) {
            const auto v = next("an environment");
            if (!v)
                return std::nullopt;
            o.environment = *v;
        } else if (a == QLatin1String("--pane")) {
            const auto v = next("a pane id");
            if (!v)
                return std::nullopt;
            o.pane = *v;
        } else if (a == QLatin1String("--item")) {
            const auto v = next("a table or a statement");
            if (!v)
                return std::nullopt;
            o.item = *v;
        } else if (a == QLatin1String("--settle-ms")) {
            const auto v = next("milliseconds");
            bool ok = false;
            if (!v || (o.settleMs = v->toInt(&ok), !ok) || o.settleMs < 0) {
                if (error->isEmpty())
                    *error = QStringLiteral("--settle-ms needs a number of milliseconds");
                return std::nullopt;
            }
        } else if (a == QLatin1String("--size")) {
            const auto v = next("WIDTHxHEIGHT");
            const QStringList parts = v ? v->split(QLatin1Char('x')) : QStringList();
            o.size = parts.size() == 2 ? QSize(parts[0].toInt(), parts[1].toInt()) : QSize();
            if (!v || o.size.width() < 200 || o.size.height() < 200) {
                if (error->isEmpty())
                    *error = QStringLiteral("--size needs WIDTHxHEIGHT, e.g. 1920x1080");
                return std::nullopt;
            }
        } else if (a == QLatin1String("--quit-after-first-paint")) {
            o.quitAfterFirstPaint = true;
        } else if (a.startsWith(QLatin1Char('-'))) {
            *error = QStringLiteral("unknown option %1 (see opsdeck --help)").arg(a);
            return std::nullopt;
        } else if (o.workspace.isEmpty()) {
            o.workspace = a;
        } else {
            *error = QStringLiteral("more than one workspace given");
            return std::nullopt;
        }
    }
    return o;
}

void takeScreenshotWhenReady(MainWindow *window, const GuiOptions &options)
{
    auto *poll = new QTimer(window);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    poll->setInterval(50);
    QObject::connect(poll, &QTimer::timeout, window, [window, poll, clock, options] {
        Pane *pane = window->currentPane();
        const bool ready = (pane && pane->isSettled()) || window->workspaceHasErrors();
        if (!ready && clock->elapsed() < options.settleMs)
            return;
        poll->stop();
        // One more turn of the event loop so the last model updates are painted.
        QTimer::singleShot(150, window, [window, options] {
            const bool saved = window->grab().save(options.screenshot, "PNG");
            if (!saved)
                std::fprintf(stderr, "opsdeck: cannot write %s\n", qPrintable(options.screenshot));
            QCoreApplication::exit(saved ? 0 : 3);
        });
    });
    poll->start();
}

void quitAfterFirstPaint(MainWindow *window)
{
    qApp->installEventFilter(new FirstPaintWatcher(window));
}

} // namespace Opsdeck
