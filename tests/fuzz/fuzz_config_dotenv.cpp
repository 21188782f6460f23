// SPDX-License-Identifier: GPL-3.0-or-later
// The config pane's .env reader: any bytes parse; what parses writes back byte for byte; an
// edit of every key keeps the file readable with the new value (or is refused while a quote
// is left open); lint never crashes.
#include "config/dotenvfile.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    Opsdeck::DotenvFile file = Opsdeck::DotenvFile::parse(bytes);
    if (file.serialize() != bytes)
        std::abort(); // fidelity is the promise
    (void)file.lint();
    for (const QString &key : file.keys()) {
        if (!Opsdeck::DotenvFile::isValidKey(key))
            continue; // the reader keeps a.b and a-b keys; the writer refuses to write them
        const QString value = QStringLiteral("v \"'\\\n#") + key;
        if (!file.setValue(key, value)) {
            if (file.unterminatedLine() == 0)
                std::abort(); // refused only while a quote is left open
            break;
        }
        const Opsdeck::DotenvFile again = Opsdeck::DotenvFile::parse(file.serialize());
        if (again.value(key) != value)
            std::abort(); // an edit must read back as written
    }
    return 0;
}
