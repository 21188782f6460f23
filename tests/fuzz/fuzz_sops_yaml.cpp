// SPDX-License-Identifier: GPL-3.0-or-later
// The sops yaml store: any bytes either parse or fail with a message; what parses writes out and
// parses again; opening as a sops file never crashes.
#include "fuzzstore.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Opsdeck::Fuzz::store(Opsdeck::Sops::Format::Yaml, data, size);
    return 0;
}
