// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QString>

namespace Opsdeck {

/**
 * Whether a local file may steer Opsdeck. A workspace names hosts, commands and keys, so one
 * planted by someone else (a /tmp/opsdeck.yaml, a shared checkout) must not be used: the rule is
 * git's safe.directory and OpenSSH's StrictModes. Trusted means owned by the current user or
 * root and not writable by group or others, in a directory that others cannot swap it out of
 * (owned by the user or root and not group/world-writable, unless sticky like /tmp).
 *
 * `what` names the file's role in the message ("workspace", "ssh config file"); the message says
 * how to trust the file. A file that does not exist passes: whoever reads it reports that.
 */
Status checkTrustedFile(const QString &path, const QString &what);

} // namespace Opsdeck
