// SPDX-License-Identifier: GPL-3.0-or-later
// The .env writer on any value: what it writes reads back as the value, a refusal leaves the
// file as it was, and a written line never holds what a shell would run ($ or a backtick
// outside single quotes). tst_dotenvfile checks the same rules against sh, bash and
// python-dotenv themselves.
#include "config/dotenvfile.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString value = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QByteArray &before : {QByteArray("KEY=old\n"), QByteArray("KEY='old'\n"),
                                     QByteArray("KEY=\"old\"\n"), QByteArray("A=1\n")}) {
        Opsdeck::DotenvFile file = Opsdeck::DotenvFile::parse(before);
        if (!file.setValue(QStringLiteral("KEY"), value)) {
            if (file.serialize() != before)
                std::abort(); // a refusal changes nothing
            continue;
        }
        const QByteArray written = file.serialize();
        if (Opsdeck::DotenvFile::parse(written).value(QStringLiteral("KEY")) != value)
            std::abort(); // reads back exactly
        const qsizetype at = written.indexOf("KEY=") + 4;
        const QByteArray line = written.mid(at);
        if (!line.startsWith('\'') && (line.contains('$') || line.contains('`')))
            std::abort(); // never something a shell would expand or run
    }
    return 0;
}
