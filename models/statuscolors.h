// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QIcon>

namespace Opsdeck {

/** The traffic-light palette every pane uses, so "amber" means the same everywhere. */
enum class Health { Unknown, Checking, Good, Warning, Critical };

QColor healthColor(Health health);
/** A small filled circle in the health colour (cached). */
QIcon healthIcon(Health health);
QString healthText(Health health);

} // namespace Opsdeck
