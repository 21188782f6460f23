// SPDX-License-Identifier: GPL-3.0-or-later
// The age header (and the whole decrypt path behind it) on arbitrary bytes.
#include "secrets/age.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Opsdeck;
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto header = Age::parseHeader(input)) {
        // A strictly parsed header marshals back to the bytes its MAC covers.
        if (Age::marshal(header->stanzas) + "---" != header->macInput)
            std::abort();
    }
    static const QList<Age::Identity> identities = {Age::Identity::generate()};
    (void)Age::decrypt(input, identities);
    return 0;
}
