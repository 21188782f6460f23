// SPDX-License-Identifier: GPL-3.0-or-later
// age's ASCII armor: anything dearmors or is refused; what dearmors armors back to the same bytes.
#include "secrets/age.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Opsdeck;
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto binary = Age::dearmor(input)) {
        const auto again = Age::dearmor(Age::armor(*binary));
        if (!again || *again != *binary)
            std::abort();
    }
    return 0;
}
