// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployreader.h"

#include <QDir>

namespace Opsdeck {

QStringList readAlertRuleFiles(YamlReader &reader, const YAML::Node &node)
{
    static const QStringList keys = {QStringLiteral("rules")};
    if (!reader.checkMap(node, QStringLiteral("alerts"), keys) || !node["rules"])
        return {};
    const std::optional<QStringList> patterns =
        reader.stringList(node["rules"], QStringLiteral("alerts.rules"));
    QStringList resolved;
    for (const QString &pattern : patterns.value_or(QStringList())) {
        if (pattern.trimmed().isEmpty()) {
            reader.error(node["rules"], QStringLiteral("alerts.rules"),
                         QStringLiteral("an empty rule file pattern"));
            continue;
        }
        // A glob (alerts/*.yml) is expanded when the rules are read: files come and go.
        resolved << QDir::cleanPath(QDir(reader.baseDirectory()).absoluteFilePath(pattern));
    }
    return resolved;
}

} // namespace Opsdeck
