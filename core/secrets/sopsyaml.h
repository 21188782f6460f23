// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sopstree.h"

namespace Opsdeck::Sops::Yaml {

/** A single-document YAML file as a sops tree, scalars typed as go-yaml v3 types them. Comments are
 * not kept yet. */
Result<Node> parse(const QByteArray &text);
/** Plaintext YAML (indent 4, strings quoted where they would read back as another type). */
QByteArray write(const Node &node);

} // namespace Opsdeck::Sops::Yaml
