// SPDX-License-Identifier: GPL-3.0-or-later
#include "libpq.h"

namespace Opsdeck::libpq {

const LazyLibrary library(OPSDECK_LIBPQ_SONAME);

} // namespace Opsdeck::libpq
