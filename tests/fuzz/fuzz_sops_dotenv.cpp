// SPDX-License-Identifier: GPL-3.0-or-later
// The sops dotenv store: any bytes either parse or fail with a message; what parses writes out and
// parses again; opening as a sops file never crashes.
#include "fuzzstore.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Opsdeck::Fuzz::store(Opsdeck::Sops::Format::Dotenv, data, size);
    return 0;
}
