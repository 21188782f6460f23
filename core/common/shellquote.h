// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Opsdeck {

/** `text` for a POSIX shell, whatever it contains: as is when it is plainly safe, else 'quoted'. */
QString shellQuote(const QString &text);

} // namespace Opsdeck
