// SPDX-License-Identifier: GPL-3.0-or-later
#include "shellquote.h"

#include <QRegularExpression>

namespace Opsdeck {

QString shellQuote(const QString &text)
{
    // Anchored, not ^…$: `$` also matches before a final line break, which must be quoted.
    static const QRegularExpression safe(
        QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_@%+=:,./-]+")));
    if (!text.isEmpty() && safe.match(text).hasMatch())
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace Opsdeck
