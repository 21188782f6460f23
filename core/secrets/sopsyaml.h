// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sopstree.h"

namespace Opsdeck::Sops::Yaml {

/**
 * A single-document YAML file as a sops tree, scalars typed as go-yaml v3 types them, comments as
 * comment items of the map or list they sit in (a comment after a value on its line is inline).
 * Errors carry line:column.
 */
Result<Node> parse(const QByteArray &text);
/** YAML as sops writes it (go-yaml v3, indent 4): plain scalars where they read back the same,
 * literal blocks for multi-line strings, double quotes otherwise; comments where they were. */
QByteArray write(const Node &node);

/** go-yaml v3's resolve() for a plain (unquoted, untagged) scalar: null, bool, int, float, time or
 * str, with the bytes sops encrypts for it. */
Node resolvePlain(const QString &text);

} // namespace Opsdeck::Sops::Yaml
