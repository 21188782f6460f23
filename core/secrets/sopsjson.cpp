// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON store: an order-preserving reader (QJsonObject sorts keys, which would change the MAC)
// and a writer in sops's layout.
#include "sopstree.h"

#include <QLocale>

#include <cmath>

namespace Opsdeck::Sops::Json {

namespace {

class Reader
{
public:
    explicit Reader(const QByteArray &text)
        : m_text(text)
    {}

    Result<Node> document()
    {
        Node root;
        if (!value(root, 0))
            return fail();
        skipSpace();
        if (m_pos != m_text.size()) {
            m_error = QStringLiteral("data after the document");
            return fail();
        }
        return root;
    }

private:
    Result<Node> fail() const
    {
        int line = 1, column = 1;
        for (qsizetype i = 0; i < qMin(m_pos, m_text.size()); ++i) {
            if (m_text.at(i) == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return Result<Node>::failure(QStringLiteral("%1:%2: %3").arg(line).arg(column).arg(m_error),
                                     QStringLiteral("format"));
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && QByteArrayView(" \t\r\n").contains(m_text.at(m_pos)))
            ++m_pos;
    }

    bool expect(char c)
    {
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == c) {
            ++m_pos;
            return true;
        }
        m_error = QStringLiteral("expected '%1'").arg(QLatin1Char(c));
        return false;
    }

    bool value(Node &out, int depth)
    {
        if (depth > 200) {
            m_error = QStringLiteral("nested too deeply");
            return false;
        }
        skipSpace();
        if (m_pos >= m_text.size()) {
            m_error = QStringLiteral("unexpected end of input");
            return false;
        }
        const char c = m_text.at(m_pos);
        if (c == '{')
            return object(out, depth);
        if (c == '[')
            return array(out, depth);
        if (c == '"') {
            QByteArray s;
            if (!string(s))
                return false;
            out = Node::scalar(QStringLiteral("str"), s);
            return true;
        }
        for (const char *word : {"true", "false", "null"}) {
            if (m_text.mid(m_pos).startsWith(word)) {
                m_pos += qstrlen(word);
                if (word[0] == 'n')
                    out = Node();
                else
                    out = Node::scalar(QStringLiteral("bool"), word[0] == 't' ? "True" : "False");
                return true;
            }
        }
        return number(out);
    }

    bool object(Node &out, int depth)
    {
        out = Node();
        out.kind = Node::Kind::Map;
        ++m_pos;
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == '}') {
            ++m_pos;
            return true;
        }
        while (true) {
            skipSpace();
            QByteArray key;
            if (!string(key) || !expect(':'))
                return false;
            Node child;
            if (!value(child, depth + 1))
                return false;
            out.map.append({QString::fromUtf8(key), child});
            skipSpace();
            if (m_pos < m_text.size() && m_text.at(m_pos) == ',') {
                ++m_pos;
                continue;
            }
            return expect('}');
        }
    }

    bool array(Node &out, int depth)
    {
        out = Node();
        out.kind = Node::Kind::List;
        ++m_pos;
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == ']') {
            ++m_pos;
            return true;
        }
        while (true) {
            Node child;
            if (!value(child, depth + 1))
                return false;
            out.list << child;
            skipSpace();
            if (m_pos < m_text.size() && m_text.at(m_pos) == ',') {
                ++m_pos;
                continue;
            }
            return expect(']');
        }
    }

    bool string(QByteArray &out)
    {
        if (m_pos >= m_text.size() || m_text.at(m_pos) != '"') {
            m_error = QStringLiteral("expected a string");
            return false;
        }
        ++m_pos;
        // Fast path (every ENC[…] value, and most others): no escape before the closing quote.
        qsizetype end = m_pos;
        const char *data = m_text.constData();
        while (end < m_text.size() && data[end] != '"' && data[end] != '\\' &&
               uchar(data[end]) >= 0x20)
            ++end;
        if (end < m_text.size() && data[end] == '"') {
            out = m_text.mid(m_pos, end - m_pos);
            m_pos = end + 1;
            return true;
        }
        QString s;
        QByteArray run; // raw UTF-8 between escapes
        auto flush = [&] {
            s += QString::fromUtf8(run);
            run.clear();
        };
        while (m_pos < m_text.size()) {
            const char c = m_text.at(m_pos++);
            if (c == '"') {
                flush();
                out = s.toUtf8();
                return true;
            }
            if (uchar(c) < 0x20) {
                m_error = QStringLiteral("control character in a string");
                return false;
            }
            if (c != '\\') {
                run += c;
                continue;
            }
            flush();
            if (m_pos >= m_text.size())
                break;
            const char e = m_text.at(m_pos++);
            switch (e) {
            case '"':
                s += QLatin1Char('"');
                break;
            case '\\':
                s += QLatin1Char('\\');
                break;
            case '/':
                s += QLatin1Char('/');
                break;
            case 'b':
                s += QLatin1Char('\b');
                break;
            case 'f':
                s += QLatin1Char('\f');
                break;
            case 'n':
                s += QLatin1Char('\n');
                break;
            case 'r':
                s += QLatin1Char('\r');
                break;
            case 't':
                s += QLatin1Char('\t');
                break;
            case 'u': {
                bool ok = false;
                const ushort unit = m_text.mid(m_pos, 4).toUShort(&ok, 16);
                if (!ok || m_text.mid(m_pos, 4).size() != 4) {
                    m_error = QStringLiteral("bad \\u escape");
                    return false;
                }
                m_pos += 4;
                s += QChar(unit);
                break;
            }
            default:
                m_error = QStringLiteral("bad escape");
                return false;
            }
        }
        m_error = QStringLiteral("unterminated string");
        return false;
    }

    bool number(Node &out)
    {
        const qsizetype start = m_pos;
        while (m_pos < m_text.size() &&
               QByteArrayView("+-0123456789.eE").contains(m_text.at(m_pos)))
            ++m_pos;
        const QByteArray literal = m_text.mid(start, m_pos - start);
        bool ok = false;
        const qlonglong integer = literal.toLongLong(&ok);
        if (ok && !literal.contains('.') && !literal.contains('e') && !literal.contains('E')) {
            out = Node::scalar(QStringLiteral("int"), QByteArray::number(integer));
            return true;
        }
        const double d = literal.toDouble(&ok);
        if (!ok || literal.isEmpty()) {
            m_error = QStringLiteral("not a JSON value");
            m_pos = start;
            return false;
        }
        // Go's FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent.
        out = Node::scalar(QStringLiteral("float"),
                           QByteArray::number(d, 'f', QLocale::FloatingPointShortest));
        return true;
    }

    const QByteArray &m_text;
    qsizetype m_pos = 0;
    QString m_error;
};

/** Go's json encoding of a string (HTML characters escaped as sops's encoder does), byte-wise. */
/** True when no byte needs escaping (plain ASCII without " \\ < > & or controls): the common case,
 * and the only one for envelopes, which can be megabytes. */
bool needsNoEscaping(const QByteArray &utf8)
{
    for (const char ch : utf8) {
        const uchar c = uchar(ch);
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&')
            return false;
    }
    return true;
}

QByteArray quote(const QByteArray &utf8)
{
    if (needsNoEscaping(utf8))
        return '"' + utf8 + '"';
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    const auto hex = [&out](uint code) {
        out += "\\u" + QByteArray::number(code, 16).rightJustified(4, '0');
    };
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const uchar c = uchar(utf8.at(i));
        switch (c) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case '\t':
            out += "\\t";
            continue;
        case '<':
        case '>':
        case '&':
            hex(c);
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            hex(c);
        } else if (c == 0xE2 && i + 2 < utf8.size() && uchar(utf8.at(i + 1)) == 0x80 &&
                   (uchar(utf8.at(i + 2)) == 0xA8 || uchar(utf8.at(i + 2)) == 0xA9)) {
            hex(uchar(utf8.at(i + 2)) == 0xA8 ? 0x2028 : 0x2029); // JavaScript's line separators
            i += 2;
        } else {
            out += char(c);
        }
    }
    return out + '"';
}

void writeNode(const Node &node, int depth, const QByteArray &unit, QByteArray &out)
{
    const QByteArray indent = unit.repeated(depth + 1), closing = unit.repeated(depth);
    switch (node.kind) {
    case Node::Kind::Null:
    case Node::Kind::Comment: // JSON has none; a caller never puts one here
        out += "null";
        return;
    case Node::Kind::Scalar:
        if (node.type == QLatin1String("bool"))
            out += node.text == "True" ? "true" : "false";
        else if (node.type == QLatin1String("int") || node.type == QLatin1String("float"))
            out += node.text;
        else
            out += quote(node.text);
        return;
    case Node::Kind::Map: {
        QList<const std::pair<QString, Node> *> items;
        for (const auto &item : node.map)
            if (!item.second.isComment())
                items << &item;
        if (items.isEmpty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        for (qsizetype i = 0; i < items.size(); ++i) {
            out += indent + quote(items[i]->first.toUtf8()) + ": ";
            writeNode(items[i]->second, depth + 1, unit, out);
            out += i + 1 < items.size() ? ",\n" : "\n";
        }
        out += closing + '}';
        return;
    }
    case Node::Kind::List: {
        QList<const Node *> items;
        for (const Node &item : node.list)
            if (!item.isComment())
                items << &item;
        if (items.isEmpty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        for (qsizetype i = 0; i < items.size(); ++i) {
            out += indent;
            writeNode(*items[i], depth + 1, unit, out);
            out += i + 1 < items.size() ? ",\n" : "\n";
        }
        out += closing + ']';
        return;
    }
    }
}

} // namespace

QByteArray detectIndent(const QByteArray &text)
{
    const qsizetype nl = text.indexOf('\n');
    qsizetype end = nl + 1;
    while (nl >= 0 && end < text.size() && (text.at(end) == ' ' || text.at(end) == '\t'))
        ++end;
    return nl >= 0 && end > nl + 1 ? text.mid(nl + 1, end - nl - 1) : QByteArray("\t");
}

Result<Node> parse(const QByteArray &text)
{
    return Reader(text).document();
}

QByteArray write(const Node &node, const QByteArray &indent)
{
    QByteArray out;
    writeNode(node, 0, indent, out);
    return out + '\n';
}

} // namespace Opsdeck::Sops::Json
