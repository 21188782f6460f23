// SPDX-License-Identifier: GPL-3.0-or-later
#include "yamlcheck.h"

#include <yaml-cpp/yaml.h>

namespace Opsdeck {

QString YamlCheck::Problem::toString() const
{
    return QStringLiteral("%1:%2: %3").arg(line).arg(column).arg(message);
}

namespace {

QString scalarText(const YAML::Node &node)
{
    return node.IsScalar() ? QString::fromStdString(node.Scalar()) : QStringLiteral("…");
}

void collectOutline(const YAML::Node &node, int depth, int maxDepth,
                    QList<YamlCheck::OutlineItem> &out)
{
    if (depth >= maxDepth)
        return;
    if (node.IsMap()) {
        for (const auto &entry : node) {
            out << YamlCheck::OutlineItem{scalarText(entry.first), entry.first.Mark().line + 1,
                                          depth};
            collectOutline(entry.second, depth + 1, maxDepth, out);
        }
    } else if (node.IsSequence()) {
        // Items of a list show up through their maps' keys ("- name: web" lists name).
        for (const auto &item : node)
            collectOutline(item, depth + 1, maxDepth, out);
    }
}

} // namespace

YamlCheck checkYaml(const QByteArray &text, int outlineDepth)
{
    YamlCheck check;
    try {
        const std::vector<YAML::Node> documents = YAML::LoadAll(text.toStdString());
        check.documents = int(documents.size());
        for (const YAML::Node &doc : documents)
            collectOutline(doc, 0, outlineDepth, check.outline);
    } catch (const YAML::Exception &e) {
        check.outline.clear();
        // yaml-cpp's marks are 0-based; an unknown position (-1) is reported at 1:1.
        check.problem = YamlCheck::Problem{qMax(0, e.mark.line) + 1, qMax(0, e.mark.column) + 1,
                                           QString::fromStdString(e.msg)};
    }
    return check;
}

} // namespace Opsdeck
