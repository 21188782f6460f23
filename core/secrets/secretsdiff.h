// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sopstree.h"

namespace Opsdeck::Sops {

/** Every value of a tree by its dotted path (`db.password`, list items as `hosts[0]`). */
QList<std::pair<QString, const Node *>> leavesByPath(const Node &root);

/** One key compared across two sides (two environments' secrets). */
struct KeyDifference
{
    enum class Kind { OnlyLeft, OnlyRight, Differs, Same };
    QString path;
    Kind kind = Kind::Same;
    QByteArray left, right; // the values: shown only when the user asks
};

/** Key by key, in the left side's order then the right side's extra keys. Values are compared
 * exactly (type and bytes), never shown here. */
QList<KeyDifference> compareLeaves(const QList<std::pair<QString, const Node *>> &left,
                                   const QList<std::pair<QString, const Node *>> &right);

} // namespace Opsdeck::Sops
