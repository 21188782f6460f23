// SPDX-License-Identifier: GPL-3.0-or-later
// The known_hosts reader on any bytes: never a crash, every entry names its line, and a verdict
// for any address and key is one of the four (a revoked key is never Known).
#include "ssh/knownhosts.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Opsdeck::KnownHosts;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Parsed parsed = parse(bytes, QStringLiteral("kh"));
    for (const Entry &e : parsed.entries) {
        if (!e.source.startsWith(QLatin1String("kh:")) || e.key.isEmpty())
            std::abort();
        // The entry's own key, for its own first host pattern: never Unknown (it is recorded).
        const QByteArray host = e.hosts.split(',').value(0);
        if (host.isEmpty() || host.startsWith('!') || host.startsWith('|') || host.contains('*') ||
            host.contains('?'))
            continue;
        const Verdict v = verify(parsed.entries, host, e.keyType, e.key);
        if (e.marker == Entry::Marker::None && v.status == Verdict::Status::Unknown &&
            hostMatches(e.hosts, host))
            std::abort();
        if (e.marker == Entry::Marker::Revoked && hostMatches(e.hosts, host) &&
            v.status != Verdict::Status::Revoked)
            std::abort();
    }
    return 0;
}
