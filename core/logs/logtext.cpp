// SPDX-License-Identifier: GPL-3.0-or-later
#include "logtext.h"

#include <QDateTime>
#include <QSaveFile>

namespace Opsdeck {

QString logLineText(const LogEntry &entry)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(entry.timeMs, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
    return entry.host + QStringLiteral(" | ") + entry.source + QStringLiteral(" | ") + time +
           QLatin1Char(' ') + logLevelName(entry.level).toUpper().leftJustified(8) +
           QLatin1Char(' ') + (entry.isGap ? QStringLiteral("── ") : QString()) + entry.message;
}

Result<qsizetype> saveLogText(const QList<LogEntry> &entries, const QString &path)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        for (const LogEntry &entry : entries)
            file.write((logLineText(entry) + QLatin1Char('\n')).toUtf8());
        if (file.commit())
            return entries.size();
    }
    return Result<qsizetype>::failure(
        QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
}

} // namespace Opsdeck
