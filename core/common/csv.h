// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QVariant>

namespace Opsdeck {

/** One CSV field as RFC 4180 writes it: quoted only when it holds a comma, quote or line break
 * (or is empty, so it differs from NULL, which is written as nothing at all). */
QString csvField(const QVariant &value);

} // namespace Opsdeck
