// SPDX-License-Identifier: GPL-3.0-or-later
// The YAML store (writing), in go-yaml v3's block style with sops's indent of 4, by hand:
// yaml-cpp's emitter cannot place comments where sops keeps them.
#include "sopsyaml.h"

namespace Opsdeck::Sops::Yaml {

namespace {

constexpr int Indent = 4;

bool hasControlCharacters(const QByteArray &text, bool newlinesAllowed)
{
    for (const char c : text)
        if ((uchar(c) < 0x20 && c != '\t' && !(newlinesAllowed && c == '\n')) || c == 0x7f)
            return true;
    return false;
}

/** True when the text can be written unquoted and reads back as the same string. */
bool plainIsSafe(const QByteArray &text)
{
    if (text.isEmpty() || text.front() == ' ' || text.back() == ' ' || text.contains('\n') ||
        text.contains('\t') || hasControlCharacters(text, false))
        return false;
    if (QByteArray("-?:,[]{}#&*!|>'\"%@`").contains(text.front()))
        return false;
    if (text.contains(": ") || text.contains(" #") || text.endsWith(':'))
        return false;
    return resolvePlain(QString::fromUtf8(text)).type == QLatin1String("str");
}

QByteArray doubleQuoted(const QByteArray &text)
{
    QByteArray out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (uchar(c) < 0x20 || c == 0x7f)
                out += "\\x" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    return out + '"';
}

/** A multi-line string as a literal block (`|`, `|-`, `|+`), indented to `indent`. */
std::optional<QByteArray> literalBlock(const QByteArray &text, int indent)
{
    if (!text.contains('\n') || text.startsWith(' ') || text.startsWith('\n') ||
        hasControlCharacters(text, true))
        return std::nullopt;
    QByteArray body = text;
    QByteArray header = "|-";
    if (body.endsWith("\n\n"))
        header = "|+";
    else if (body.endsWith('\n'))
        header = "|";
    if (body.endsWith('\n'))
        body.chop(1);
    QByteArray out = header + '\n';
    const QByteArray pad(indent, ' ');
    for (const QByteArray &line : body.split('\n'))
        out += (line.isEmpty() ? QByteArray() : pad + line) + '\n';
    return out;
}

QByteArray key(const QString &name)
{
    const QByteArray text = name.toUtf8();
    return plainIsSafe(text) ? text : doubleQuoted(text);
}

/** A scalar after "key:" or "- ", with its line end. */
QByteArray scalar(const Node &node, int indent)
{
    if (node.kind == Node::Kind::Null)
        return "null\n";
    if (node.type == QLatin1String("bool"))
        return node.text == "True" ? "true\n" : "false\n";
    if (node.type != QLatin1String("str"))
        return node.text + '\n';
    if (plainIsSafe(node.text))
        return node.text + '\n';
    if (const auto block = literalBlock(node.text, indent))
        return *block;
    return doubleQuoted(node.text) + '\n';
}

void writeMap(const Node &map, int indent, bool firstInline, QByteArray &out);
void writeList(const Node &list, int indent, QByteArray &out);

/** `lineOpen`: the last item was written on one line, so an inline comment can follow it. */
void writeComment(const Node &comment, int indent, bool lineOpen, QByteArray &out)
{
    if (comment.inlineComment && lineOpen && out.endsWith('\n')) {
        out.chop(1);
        out += " #" + comment.text + '\n';
    } else {
        out += QByteArray(indent, ' ') + '#' + comment.text + '\n';
    }
}

bool isEmptyContainer(const Node &node)
{
    return (node.kind == Node::Kind::Map && node.map.isEmpty()) ||
           (node.kind == Node::Kind::List && node.list.isEmpty());
}

/** The value after "key:" (a nested block on the next lines, or a scalar on this one). */
void writeValue(const Node &value, int indent, QByteArray &out)
{
    if (isEmptyContainer(value)) {
        out += value.kind == Node::Kind::Map ? " {}\n" : " []\n";
    } else if (value.kind == Node::Kind::Map) {
        out += '\n';
        writeMap(value, indent + Indent, false, out);
    } else if (value.kind == Node::Kind::List) {
        out += '\n';
        writeList(value, indent + Indent, out);
    } else {
        out += ' ' + scalar(value, indent + Indent);
    }
}

void writeMap(const Node &map, int indent, bool firstInline, QByteArray &out)
{
    bool atItemStart = firstInline; // "- " is already written for the first line
    bool lineOpen = false;
    for (const auto &[name, value] : map.map) {
        if (value.isComment()) {
            if (atItemStart) { // "- " then a comment: the map starts on the next line
                out += '\n';
                atItemStart = false;
            }
            writeComment(value, indent, lineOpen, out);
            lineOpen = false;
            continue;
        }
        if (!atItemStart)
            out += QByteArray(indent, ' ');
        atItemStart = false;
        const QByteArray written = key(name);
        if (written.size() > 1000) // YAML limits implicit keys to 1024 characters
            out += "? " + written + '\n' + QByteArray(indent, ' ');
        out += written.size() > 1000 ? QByteArray(":") : written + ':';
        const qsizetype before = out.size();
        writeValue(value, indent, out);
        lineOpen = out.indexOf('\n', before) == out.size() - 1;
    }
}

void writeList(const Node &list, int indent, QByteArray &out)
{
    bool lineOpen = false;
    for (const Node &item : list.list) {
        if (item.isComment()) {
            writeComment(item, indent, lineOpen, out);
            lineOpen = false;
            continue;
        }
        const qsizetype before = out.size();
        out += QByteArray(indent, ' ') + '-';
        if (isEmptyContainer(item)) {
            out += item.kind == Node::Kind::Map ? " {}\n" : " []\n";
        } else if (item.kind == Node::Kind::Map) {
            out += ' ';
            writeMap(item, indent + 2, true, out);
        } else if (item.kind == Node::Kind::List) {
            out += '\n';
            writeList(item, indent + Indent, out);
        } else {
            out += ' ' + scalar(item, indent + 2);
        }
        lineOpen = out.indexOf('\n', before) == out.size() - 1;
    }
}

} // namespace

QByteArray write(const Node &node)
{
    QByteArray out;
    if (node.kind == Node::Kind::Map && !node.map.isEmpty())
        writeMap(node, 0, false, out);
    else if (node.kind == Node::Kind::List && !node.list.isEmpty())
        writeList(node, 0, out);
    else if (node.kind == Node::Kind::Scalar && node.type == QLatin1String("str"))
        out = doubleQuoted(node.text) + '\n'; // a bare document: no block to indent under
    else
        out = scalar(node, 0);
    return out;
}

} // namespace Opsdeck::Sops::Yaml
