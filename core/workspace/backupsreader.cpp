// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployreader.h"

#include <QDir>
#include <QRegularExpression>

namespace Opsdeck {

BackupsSpec readBackupsSpec(YamlReader &reader, const YAML::Node &node, const Workspace &workspace)
{
    static const QStringList keys = {QStringLiteral("location"), QStringLiteral("max_age"),
                                     QStringLiteral("scrub")};
    BackupsSpec spec;
    if (!reader.checkMap(node, QStringLiteral("backups"), keys))
        return spec;
    if (const YAML::Node location = node["location"]) {
        const QString path = QStringLiteral("backups.location");
        const std::optional<QString> text = reader.string(location, path);
        static const QRegularExpression remote(QStringLiteral("^([A-Za-z0-9_.-]+):(.*)$"));
        const QRegularExpressionMatch m = remote.match(text.value_or(QString()));
        if (m.hasMatch()) {
            // HOST:/path — a host of this workspace, reached as every host is (SFTP).
            if (!workspace.host(m.captured(1)))
                reader.error(location, path,
                             QStringLiteral("unknown host '%1' (known: %2)")
                                 .arg(m.captured(1), joinedNames(workspace.hostNames())));
            else if (!m.captured(2).startsWith(QLatin1Char('/')) ||
                     m.captured(2).contains(QLatin1String("/../")) ||
                     m.captured(2).endsWith(QLatin1String("/..")))
                reader.error(location, path,
                             QStringLiteral("'%1': an absolute path on %2, such as "
                                            "%2:/var/backups/opsdeck")
                                 .arg(m.captured(2), m.captured(1)));
            else {
                spec.host = m.captured(1);
                spec.hostPath = QDir::cleanPath(m.captured(2));
            }
        } else if (text && !text->trimmed().isEmpty()) {
            spec.directory = QDir::cleanPath(QDir(reader.baseDirectory()).absoluteFilePath(*text));
        }
    } else {
        reader.error(node, QStringLiteral("backups"),
                     QStringLiteral("location: is required (a directory for the dumps)"));
    }
    if (const YAML::Node maxAge = node["max_age"]) {
        // Hours or days ("26h", "2d"): longer than the 24 h other durations allow.
        static const QRegularExpression hoursOrDays(QStringLiteral("^\\s*(\\d+)\\s*([hd]?)\\s*$"));
        const std::optional<QString> text =
            reader.string(maxAge, QStringLiteral("backups.max_age"));
        const QRegularExpressionMatch m = hoursOrDays.match(text.value_or(QString()));
        const int hours =
            m.hasMatch() ? m.captured(1).toInt() * (m.captured(2) == QLatin1String("d") ? 24 : 1)
                         : 0;
        if (text && (hours < 1 || hours > 24 * 366))
            reader.error(
                maxAge, QStringLiteral("backups.max_age"),
                QStringLiteral("expected hours or days such as 26h or 7d, got '%1'").arg(*text));
        else if (text)
            spec.maxAgeHours = hours;
    }
    if (const YAML::Node scrub = node["scrub"])
        spec.scrub = reader.path(scrub, QStringLiteral("backups.scrub")).value_or(QString());
    return spec;
}

} // namespace Opsdeck
