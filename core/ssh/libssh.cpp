// SPDX-License-Identifier: GPL-3.0-or-later
#include "libssh.h"

namespace Opsdeck::libssh {

const LazyLibrary library(OPSDECK_LIBSSH_SONAME);

} // namespace Opsdeck::libssh
