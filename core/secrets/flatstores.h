// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sopstree.h"

namespace Opsdeck::Sops {

/**
 * sops metadata flattened to one level, as the dotenv and INI stores keep it:
 * `age__list_0__map_enc` for sops.age[0].enc. Unflattening is strict (contiguous list indices, a
 * key is a leaf or a container, not both).
 */
namespace FlatMetadata {
QList<std::pair<QString, QByteArray>> flatten(const Node &metadata);
Result<Node> unflatten(const QList<std::pair<QString, QByteArray>> &flat);
} // namespace FlatMetadata

/** dotenv: `KEY=value` lines (nothing trimmed or unquoted, `\n` escapes newlines), `#` comments,
 * then the metadata as `sops_…` lines. The tree: a flat map with a `sops` entry. */
namespace Dotenv {
Result<Node> parse(const QByteArray &text);
/** Without a `sops` entry this is the plaintext file. */
QByteArray write(const Node &root);
} // namespace Dotenv

/** INI: every top-level item is a section of string values; the metadata is the `[sops]`
 * section. Comments (`;` or `#`) belong to the section or key below them. */
namespace Ini {
Result<Node> parse(const QByteArray &text);
QByteArray write(const Node &root);
} // namespace Ini

} // namespace Opsdeck::Sops
