// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "secrets/age.h"
#include "secrets/sopsdocument.h"

#include <cstdint>
#include <cstdlib>

namespace Opsdeck::Fuzz {

/** Parse, write, parse again (the result must parse), then open as an encrypted file. */
inline void store(Sops::Format format, const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<Sops::Node> parsed = Sops::parseStore(format, text);
    if (parsed) {
        const QByteArray written = Sops::writeStore(format, *parsed);
        if (format != Sops::Format::Ini && !Sops::parseStore(format, written))
            std::abort(); // a tree we wrote must read back
    }
    static const QList<Age::Identity> identities = {Age::Identity::generate()};
    (void)Sops::SopsDocument::open(text, format, identities);
}

} // namespace Opsdeck::Fuzz
