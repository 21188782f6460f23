// SPDX-License-Identifier: GPL-3.0-or-later
// The dotenv and INI stores: flat files whose metadata is flattened to one level of keys.
#include "flatstores.h"

#include <QCollator>
#include <QRegularExpression>

namespace Opsdeck::Sops {

namespace FlatMetadata {

namespace {

void flattenInto(const Node &node, const QString &prefix,
                 QList<std::pair<QString, QByteArray>> &out)
{
    switch (node.kind) {
    case Node::Kind::Map:
        for (const auto &[key, value] : node.map)
            if (!value.isComment())
                flattenInto(value, prefix.isEmpty() ? key : prefix + QStringLiteral("__map_") + key,
                            out);
        return;
    case Node::Kind::List:
        for (qsizetype i = 0; i < node.list.size(); ++i)
            flattenInto(node.list[i], prefix + QStringLiteral("__list_") + QString::number(i), out);
        return;
    case Node::Kind::Scalar:
        out.append({prefix, node.text});
        return;
    case Node::Kind::Null:
    case Node::Kind::Comment:
        return;
    }
}

/** Token-wise order with list indices compared as numbers, so `__list_10` follows `__list_9`. */
bool flatKeyLess(const QString &a, const QString &b)
{
    const QStringList x = a.split(QStringLiteral("__")), y = b.split(QStringLiteral("__"));
    for (qsizetype i = 0; i < qMin(x.size(), y.size()); ++i) {
        if (x[i] == y[i])
            continue;
        if (x[i].startsWith(QLatin1String("list_")) && y[i].startsWith(QLatin1String("list_")))
            return x[i].mid(5).toInt() < y[i].mid(5).toInt();
        return x[i] < y[i];
    }
    return x.size() < y.size();
}

} // namespace

QList<std::pair<QString, QByteArray>> flatten(const Node &metadata)
{
    QList<std::pair<QString, QByteArray>> out;
    flattenInto(metadata, QString(), out);
    return out;
}

Result<Node> unflatten(const QList<std::pair<QString, QByteArray>> &flat)
{
    auto sorted = flat;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto &a, const auto &b) { return flatKeyLess(a.first, b.first); });
    Node root;
    root.kind = Node::Kind::Map;
    for (const auto &entry : sorted) {
        const QString &flatKey = entry.first; // not a binding: lambdas capture it (clang 14)
        const QByteArray &value = entry.second;
        const auto bad = [&](const QString &why) {
            return Result<Node>::failure(
                QStringLiteral("sops metadata key '%1': %2").arg(flatKey, why),
                QStringLiteral("format"));
        };
        const QStringList tokens = flatKey.split(QStringLiteral("__"));
        Node *node = &root;
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            const QString &token = tokens[i];
            if (i > 0 && token.startsWith(QLatin1String("list_"))) {
                bool ok = false;
                const int index = token.mid(5).toInt(&ok);
                if (node->kind == Node::Kind::Null)
                    node->kind = Node::Kind::List;
                if (!ok || index < 0 || node->kind != Node::Kind::List || index > node->list.size())
                    return bad(QStringLiteral("list indices must be contiguous from 0"));
                if (index == node->list.size())
                    node->list.append(Node());
                node = &node->list[index];
                continue;
            }
            const QString key = i == 0 ? token : token.mid(4);
            if (i > 0 && !token.startsWith(QLatin1String("map_")))
                return bad(QStringLiteral("'%1' is neither __map_ nor __list_").arg(token));
            if (node->kind == Node::Kind::Null)
                node->kind = Node::Kind::Map;
            if (node->kind != Node::Kind::Map)
                return bad(QStringLiteral("a value and a container at once"));
            Node *next = node->child(key);
            if (!next) {
                node->map.append({key, Node()});
                next = &node->map.last().second;
            }
            node = next;
        }
        if (node->kind != Node::Kind::Null)
            return bad(QStringLiteral("given twice, or a value and a container at once"));
        *node = Node::scalar(QStringLiteral("str"), value);
    }
    return root;
}

} // namespace FlatMetadata

namespace {

QByteArray escapeNewlines(QByteArray value)
{
    return value.replace("\n", "\\n");
}

QByteArray unescapeNewlines(QByteArray value)
{
    return value.replace("\\n", "\n");
}

Result<Node> withMetadata(Node root, const QList<std::pair<QString, QByteArray>> &flat)
{
    if (flat.isEmpty())
        return root;
    Result<Node> metadata = FlatMetadata::unflatten(flat);
    if (!metadata)
        return metadata;
    root.map.append({QStringLiteral("sops"), std::move(*metadata)});
    return root;
}

} // namespace

namespace Dotenv {

Result<Node> parse(const QByteArray &text)
{
    Node root;
    root.kind = Node::Kind::Map;
    QList<std::pair<QString, QByteArray>> metadata;
    int lineNumber = 0;
    for (QByteArray line : text.split('\n')) {
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            root.map.append({QString(), Node::comment(unescapeNewlines(line.mid(1)))});
            continue;
        }
        const qsizetype eq = line.indexOf('=');
        if (eq <= 0)
            return Result<Node>::failure(
                QStringLiteral("%1: not KEY=VALUE and not a # comment").arg(lineNumber),
                QStringLiteral("format"));
        const QString key = QString::fromUtf8(line.left(eq));
        const QByteArray value = unescapeNewlines(line.mid(eq + 1));
        if (key.startsWith(QLatin1String("sops_")))
            metadata.append({key.mid(5), value});
        else
            root.map.append({key, Node::scalar(QStringLiteral("str"), value)});
    }
    return withMetadata(std::move(root), metadata);
}

QByteArray write(const Node &root)
{
    QByteArray out;
    for (const auto &[key, value] : root.map) {
        if (value.isComment())
            out += '#' + escapeNewlines(value.text) + '\n';
        else if (key != QLatin1String("sops"))
            out += key.toUtf8() + '=' + escapeNewlines(value.text) + '\n';
    }
    if (const Node *metadata = root.child(QStringLiteral("sops")))
        for (const auto &[key, value] : FlatMetadata::flatten(*metadata))
            out += "sops_" + key.toUtf8() + '=' + escapeNewlines(value) + '\n';
    return out;
}

} // namespace Dotenv

namespace Ini {

namespace {

/** go-ini's quoting: `"""` for multi-line, backticks around `;`/`#`, quotes around edge spaces. */
QByteArray quoteValue(const QByteArray &value)
{
    if (value.contains('\n') || value.contains('`'))
        return "\"\"\"" + value + "\"\"\"";
    if (value.contains(';') || value.contains('#'))
        return '`' + value + '`';
    if (value.trimmed().size() != value.size())
        return '"' + value + '"';
    return value;
}

QByteArray unquoteValue(const QByteArray &value)
{
    for (const char quote : {'"', '`'})
        if (value.size() >= 2 && value.front() == quote && value.back() == quote)
            return value.mid(1, value.size() - 2);
    static const QRegularExpression inlineComment(QStringLiteral("\\s+[;#].*$"));
    return QString::fromUtf8(value).remove(inlineComment).toUtf8();
}

QByteArray commentText(const QByteArray &line)
{
    qsizetype i = 0;
    while (i < line.size() &&
           (line[i] == ';' || line[i] == '#' || line[i] == ' ' || line[i] == '\t'))
        ++i;
    return line.mid(i);
}

void writeComment(const QByteArray &text, QByteArray &out)
{
    for (const QByteArray &line : text.split('\n'))
        out += "; " + line + '\n';
}

/** go-ini aligns the `=` of a whole section. */
qsizetype keyWidth(const Node &section)
{
    qsizetype width = 0;
    for (const auto &[key, value] : section.map)
        if (!value.isComment())
            width = qMax(width, key.toUtf8().size());
    return width;
}

void writeKeys(const QList<std::pair<QString, QByteArray>> &keys, qsizetype width, QByteArray &out)
{
    for (const auto &[key, value] : keys)
        out += key.toUtf8().leftJustified(width, ' ') + " = " + value + '\n';
}

} // namespace

Result<Node> parse(const QByteArray &text)
{
    Node root;
    root.kind = Node::Kind::Map;
    QList<std::pair<QString, QByteArray>> metadata;
    QByteArrayList pendingComments;
    Node *section = nullptr;
    bool inSops = false;
    const auto flushComments = [&](Node &into) {
        if (!pendingComments.isEmpty())
            into.map.append({QString(), Node::comment(pendingComments.join('\n'))});
        pendingComments.clear();
    };
    const QList<QByteArray> lines = text.split('\n');
    for (int n = 0; n < lines.size(); ++n) {
        const QByteArray line = lines[n].trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(';') || line.startsWith('#')) {
            pendingComments << commentText(line);
            continue;
        }
        if (line.startsWith('[')) {
            if (!line.endsWith(']'))
                return Result<Node>::failure(
                    QStringLiteral("%1: unclosed section header").arg(n + 1),
                    QStringLiteral("format"));
            const QString name = QString::fromUtf8(line.mid(1, line.size() - 2).trimmed());
            inSops = name == QLatin1String("sops");
            if (inSops) // the metadata, read below into its own tree
                continue;
            Node fresh;
            fresh.kind = Node::Kind::Map;
            root.map.append({name, fresh});
            section = &root.map.last().second;
            flushComments(*section);
            continue;
        }
        qsizetype eq = line.indexOf('=');
        if (eq < 0)
            eq = line.indexOf(':');
        if (eq <= 0)
            return Result<Node>::failure(
                QStringLiteral("%1: not key = value, a [section] or a comment").arg(n + 1),
                QStringLiteral("format"));
        const QString key = QString::fromUtf8(line.left(eq).trimmed());
        QByteArray value = line.mid(eq + 1).trimmed();
        if (value.startsWith("\"\"\"")) { // multi-line, up to the closing """
            value = lines[n].mid(lines[n].indexOf("\"\"\"") + 3);
            while (!value.contains("\"\"\"") && n + 1 < lines.size())
                value += '\n' + lines[++n];
            if (!value.contains("\"\"\""))
                return Result<Node>::failure(QStringLiteral("%1: unterminated \"\"\"").arg(n + 1),
                                             QStringLiteral("format"));
            value = value.left(value.indexOf("\"\"\""));
        } else {
            value = unquoteValue(value);
        }
        if (inSops) {
            metadata.append({key, unescapeNewlines(value)});
            continue;
        }
        if (!section) { // keys above every section: go-ini's DEFAULT section
            Node fresh;
            fresh.kind = Node::Kind::Map;
            root.map.append({QStringLiteral("DEFAULT"), fresh});
            section = &root.map.last().second;
        }
        flushComments(*section);
        section->map.append({key, Node::scalar(QStringLiteral("str"), value)});
    }
    if (section && !inSops)
        flushComments(*section);
    return withMetadata(std::move(root), metadata);
}

QByteArray write(const Node &root)
{
    QByteArray out;
    for (const auto &[name, section] : root.map) {
        if (section.isComment()) {
            writeComment(section.text, out);
            continue;
        }
        if (name == QLatin1String("sops") || section.kind != Node::Kind::Map)
            continue;
        qsizetype first = 0; // the section's own comments come before its header
        for (; first < section.map.size() && section.map[first].second.isComment(); ++first)
            writeComment(section.map[first].second.text, out);
        out += '[' + name.toUtf8() + "]\n";
        const qsizetype width = keyWidth(section);
        QList<std::pair<QString, QByteArray>> keys;
        for (qsizetype i = first; i < section.map.size(); ++i) {
            const auto &[key, value] = section.map[i];
            if (value.isComment()) {
                writeKeys(keys, width, out);
                keys.clear();
                writeComment(value.text, out);
            } else {
                keys.append({key, quoteValue(value.text)});
            }
        }
        writeKeys(keys, width, out);
        out += '\n';
    }
    if (const Node *metadata = root.child(QStringLiteral("sops"))) {
        QList<std::pair<QString, QByteArray>> keys;
        qsizetype width = 0;
        for (const auto &[key, value] : FlatMetadata::flatten(*metadata)) {
            keys.append({key, escapeNewlines(value)});
            width = qMax(width, key.toUtf8().size());
        }
        out += "[sops]\n";
        writeKeys(keys, width, out);
    }
    return out;
}

} // namespace Ini

} // namespace Opsdeck::Sops
