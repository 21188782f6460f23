// SPDX-License-Identifier: GPL-3.0-or-later
#include "csv.h"

namespace Opsdeck {

QString csvField(const QVariant &value)
{
    if (value.isNull())
        return {};
    QString text = value.toString();
    // One pass over the text decides (a million rows of CSV spend their time here).
    bool quote = text.isEmpty();
    for (const QChar c : std::as_const(text)) {
        if (c == QLatin1Char(',') || c == QLatin1Char('"') || c == QLatin1Char('\n') ||
            c == QLatin1Char('\r')) {
            quote = true;
            break;
        }
    }
    if (!quote)
        return text;
    text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + text + QLatin1Char('"');
}

} // namespace Opsdeck
