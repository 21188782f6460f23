// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

class QWidget;

namespace Opsdeck {

/**
 * Runs `work` once `widget`'s window has painted for the first time (at once if it has): a
 * window shows its layout before its panes open connections and start parsing, whose threads
 * would otherwise compete for the CPU with that first paint (start-up on two cores). `work`
 * does not run if `widget` is destroyed first.
 */
void afterFirstPaint(QWidget *widget, std::function<void()> work);

} // namespace Opsdeck
