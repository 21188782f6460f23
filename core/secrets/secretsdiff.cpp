// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretsdiff.h"

#include <QHash>

namespace Opsdeck::Sops {

namespace {

void collect(const Node &node, const QString &path, QList<std::pair<QString, const Node *>> &out)
{
    switch (node.kind) {
    case Node::Kind::Map:
        for (const auto &[key, value] : node.map)
            if (!value.isComment())
                collect(value, path.isEmpty() ? key : path + QLatin1Char('.') + key, out);
        return;
    case Node::Kind::List:
        for (qsizetype i = 0; i < node.list.size(); ++i)
            if (!node.list[i].isComment())
                collect(node.list[i], path + QStringLiteral("[%1]").arg(i), out);
        return;
    case Node::Kind::Scalar:
    case Node::Kind::Null:
        out.append({path, &node});
        return;
    case Node::Kind::Comment:
        return;
    }
}

} // namespace

QList<std::pair<QString, const Node *>> leavesByPath(const Node &root)
{
    QList<std::pair<QString, const Node *>> out;
    collect(root, QString(), out);
    return out;
}

QList<KeyDifference> compareLeaves(const QList<std::pair<QString, const Node *>> &left,
                                   const QList<std::pair<QString, const Node *>> &right)
{
    QHash<QString, const Node *> rightByPath;
    for (const auto &[path, node] : right)
        if (!rightByPath.contains(path)) // on both sides the first occurrence of a path counts
            rightByPath.insert(path, node);
    QList<KeyDifference> out;
    QHash<QString, bool> seen;
    for (const auto &[path, node] : left) {
        if (seen.contains(path))
            continue;
        seen.insert(path, true);
        KeyDifference d{path, KeyDifference::Kind::OnlyLeft, node->text, {}};
        if (const Node *other = rightByPath.value(path)) {
            d.right = other->text;
            const bool same =
                other->kind == node->kind && other->text == node->text && other->type == node->type;
            d.kind = same ? KeyDifference::Kind::Same : KeyDifference::Kind::Differs;
        }
        out << d;
    }
    for (const auto &[path, node] : right) {
        if (seen.contains(path))
            continue;
        seen.insert(path, true);
        out << KeyDifference{path, KeyDifference::Kind::OnlyRight, {}, node->text};
    }
    return out;
}

} // namespace Opsdeck::Sops
