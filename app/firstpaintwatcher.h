// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QEvent>
#include <QTimer>
#include <QWidget>

#include <cstdio>
#include <ctime>

namespace Opsdeck {

/**
 * Quits the application right after the first paint of anything in `window`. Header-only, so
 * the start-up benchmark's bare floor window uses exactly the same rule without linking Opsdeck.
 * With OPSDECK_REPORT_FIRST_PAINT set, it also prints when that paint began (CLOCK_MONOTONIC,
 * "first-paint-ns N" on stderr): the benchmark subtracts the moment it started the process, so
 * what runs after the paint and the teardown are not counted as start-up, for either program.
 */
class FirstPaintWatcher final : public QObject
{
public:
    explicit FirstPaintWatcher(QWidget *window)
        : QObject(window)
        , m_window(window)
    {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (!m_fired && event->type() == QEvent::Paint && watched->isWidgetType() &&
            static_cast<QWidget *>(watched)->window() == m_window) {
            m_fired = true;
            if (qEnvironmentVariableIsSet("OPSDECK_REPORT_FIRST_PAINT")) {
                timespec now{};
                clock_gettime(CLOCK_MONOTONIC, &now);
                std::fprintf(stderr, "first-paint-ns %lld\n",
                             static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec);
            }
            QTimer::singleShot(0, qApp, &QCoreApplication::quit);
        }
        return false;
    }

private:
    QWidget *m_window;
    bool m_fired = false;
};

} // namespace Opsdeck
