// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

namespace Opsdeck {

/** One problem found in a workspace file, always with a position when one exists. */
struct Diagnostic
{
    enum class Severity { Warning, Error };

    Severity severity = Severity::Error;
    QString file;
    int line = 0;   // 1-based
    int column = 0; // 1-based
    QString message;

    bool isError() const { return severity == Severity::Error; }
    /** "file:line:column: error: message", the form compilers use, so editors can jump to it. */
    QString toString() const;
};

using Diagnostics = QList<Diagnostic>;

inline bool hasErrors(const Diagnostics &diagnostics)
{
    for (const Diagnostic &d : diagnostics)
        if (d.isError())
            return true;
    return false;
}

} // namespace Opsdeck
