// SPDX-License-Identifier: GPL-3.0-or-later
// The YAML store (reading): libyaml's events for the structure, go-yaml v3's rules for typing plain
// scalars, because the bytes sops encrypts and hashes follow them (`0x1F` is the int 31), and a
// comment scanner, because libyaml reports no comments and sops encrypts them.
#include "sopsyaml.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

#include <yaml.h>

#include <QHash>

#include <cmath>

namespace Opsdeck::Sops::Yaml {

namespace {

std::optional<qlonglong> goParseInt(QString s)
{
    s.remove(QLatin1Char('_'));
    bool negative = false;
    if (s.startsWith(QLatin1Char('+')) || s.startsWith(QLatin1Char('-'))) {
        negative = s.startsWith(QLatin1Char('-'));
        s.remove(0, 1);
    }
    int base = 10;
    if (s.startsWith(QLatin1String("0x")) || s.startsWith(QLatin1String("0X"))) {
        base = 16;
        s.remove(0, 2);
    } else if (s.startsWith(QLatin1String("0o")) || s.startsWith(QLatin1String("0O"))) {
        base = 8;
        s.remove(0, 2);
    } else if (s.startsWith(QLatin1String("0b")) || s.startsWith(QLatin1String("0B"))) {
        base = 2;
        s.remove(0, 2);
    } else if (s.size() > 1 && s.startsWith(QLatin1Char('0'))) {
        base = 8; // Go's base-0 rule: a leading 0 is octal
        s.remove(0, 1);
    }
    bool ok = false;
    const qulonglong magnitude = s.toULongLong(&ok, base);
    if (!ok || s.isEmpty() ||
        magnitude > qulonglong(std::numeric_limits<qlonglong>::max()) + (negative ? 1 : 0))
        return std::nullopt;
    return negative ? qlonglong(0 - magnitude) : qlonglong(magnitude);
}

QByteArray formatFloat(double d)
{
    if (std::isnan(d))
        return "NaN";
    if (std::isinf(d))
        return d > 0 ? "+Inf" : "-Inf";
    return QByteArray::number(d, 'f', QLocale::FloatingPointShortest);
}

/** go-yaml's timestamp forms, as Go's time.MarshalText writes them (RFC 3339, nanoseconds). */
std::optional<QByteArray> timestamp(const QString &s)
{
    static const QRegularExpression re(
        QStringLiteral("^(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:(?:[Tt]|[ "
                       "\\t]+)(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?"
                       "(?:[ \\t]*(Z|[-+]\\d{1,2}(?::?\\d{2})?))?)?$"));
    const QRegularExpressionMatch m = re.match(s);
    if (!m.hasMatch())
        return std::nullopt;
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    QByteArray out = QStringLiteral("%1T%2")
                         .arg(date.toString(Qt::ISODate), time.toString(Qt::ISODate))
                         .toLatin1();
    QString fraction = m.captured(7).left(9);
    while (fraction.endsWith(QLatin1Char('0')))
        fraction.chop(1);
    if (!fraction.isEmpty())
        out += '.' + fraction.toLatin1();
    const QString zone = m.captured(8);
    if (zone.isEmpty() || zone == QLatin1String("Z")) {
        out += 'Z';
    } else {
        QString digits = zone.mid(1);
        digits.remove(QLatin1Char(':'));
        const int hours =
            digits.left(digits.size() > 2 ? digits.size() - 2 : digits.size()).toInt();
        const int minutes = digits.size() > 2 ? digits.right(2).toInt() : 0;
        out += hours == 0 && minutes == 0
                   ? QByteArray("Z")
                   : zone.left(1).toLatin1() + QByteArray::number(hours).rightJustified(2, '0') +
                         ':' + QByteArray::number(minutes).rightJustified(2, '0');
    }
    return out;
}

} // namespace

Node resolvePlain(const QString &s)
{
    static const QStringList nulls = {QString(), QStringLiteral("~"), QStringLiteral("null"),
                                      QStringLiteral("Null"), QStringLiteral("NULL")};
    if (nulls.contains(s))
        return Node();
    static const QStringList yes = {QStringLiteral("true"), QStringLiteral("True"),
                                    QStringLiteral("TRUE")};
    static const QStringList no = {QStringLiteral("false"), QStringLiteral("False"),
                                   QStringLiteral("FALSE")};
    if (yes.contains(s) || no.contains(s))
        return Node::scalar(QStringLiteral("bool"), yes.contains(s) ? "True" : "False");
    static const QRegularExpression special(
        QStringLiteral("^([-+]?)\\.(inf|Inf|INF)$|^\\.(nan|NaN|NAN)$"));
    if (const QRegularExpressionMatch m = special.match(s); m.hasMatch())
        return Node::scalar(QStringLiteral("float"),
                            m.captured(3).isEmpty()
                                ? (m.captured(1) == QLatin1String("-") ? "-Inf" : "+Inf")
                                : "NaN");
    const QChar first = s.at(0);
    if (first.isDigit())
        if (const auto t = timestamp(s))
            return Node::scalar(QStringLiteral("time"), *t);
    if (first.isDigit() || first == QLatin1Char('+') || first == QLatin1Char('-') ||
        first == QLatin1Char('.')) {
        if (const auto i = goParseInt(s))
            return Node::scalar(QStringLiteral("int"), QByteArray::number(*i));
        static const QRegularExpression floatRe(
            QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
        QString plain = s;
        plain.remove(QLatin1Char('_'));
        bool ok = false;
        const double d = plain.toDouble(&ok);
        if (ok && floatRe.match(plain).hasMatch())
            return Node::scalar(QStringLiteral("float"), formatFloat(d));
    }
    return Node::scalar(QStringLiteral("str"), s.toUtf8());
}

namespace {

/** A `#` comment of the source, found by scanning its lines (the parser reports none). */
struct SourceComment
{
    int line = 0;
    int column = 0;
    bool wholeLine = false;
    QByteArray text; // after the '#'
};

int indentOf(const QByteArray &line)
{
    int i = 0;
    while (i < line.size() && line.at(i) == ' ')
        ++i;
    return i;
}

/** The line's comment, tracking quotes; `quote` carries an open quote into the next line. */
std::optional<SourceComment> commentOnLine(const QByteArray &line, char &quote)
{
    for (int i = 0; i < line.size(); ++i) {
        const char c = line.at(i);
        if (quote) {
            if (c == '\\' && quote == '"')
                ++i;
            else if (c == quote)
                quote = 0;
            continue;
        }
        const bool afterSpace = i == 0 || line.at(i - 1) == ' ' || line.at(i - 1) == '\t';
        if ((c == '"' || c == '\'') && (afterSpace || QByteArray(":-[{,").contains(line.at(i - 1))))
            quote = c;
        else if (c == '#' && afterSpace)
            return SourceComment{0, i, line.left(i).trimmed().isEmpty(), line.mid(i + 1)};
    }
    return std::nullopt;
}

QList<SourceComment> scanComments(const QByteArray &text)
{
    static const QRegularExpression blockStart(QStringLiteral("(^|[\\s:-])[|>][-+0-9]*$"));
    QList<SourceComment> comments;
    int blockParentIndent = -1; // inside a block scalar: the indentation of the line opening it
    char quote = 0;
    // YAML breaks lines at CR LF, LF and a lone CR alike (libyaml's marks count them so): split
    // the same way, or a lone CR inside a "comment" would hide the line after it (found by
    // fuzz_sops_yaml).
    QByteArray normalized = text;
    normalized.replace("\r\n", "\n").replace('\r', '\n');
    const QList<QByteArray> lines = normalized.split('\n');
    for (int n = 0; n < lines.size(); ++n) {
        const QByteArray &line = lines.at(n);
        if (blockParentIndent >= 0) {
            if (line.trimmed().isEmpty() || indentOf(line) > blockParentIndent)
                continue;
            blockParentIndent = -1;
        }
        std::optional<SourceComment> comment = commentOnLine(line, quote);
        const QByteArray content = comment ? line.left(comment->column) : line;
        if (comment) {
            comment->line = n;
            if (!comment->text.trimmed().isEmpty() || !comment->wholeLine) // blank ones: dropped
                comments << *comment;
        }
        if (!quote && blockStart.match(QString::fromUtf8(content.trimmed())).hasMatch())
            blockParentIndent = indentOf(line);
    }
    return comments;
}

/** Builds a sops tree from libyaml's events, putting each source comment back where sops puts
 * it. libyaml is the parser go-yaml (and so sops) is a port of, and it is an order of magnitude
 * faster than yaml-cpp on sops files. */
class Builder
{
public:
    Builder(QList<SourceComment> comments, qsizetype budget)
        : m_comments(std::move(comments))
        , m_budget(budget)
    {}

    Result<Node> run(const QByteArray &text);

private:
    /** A map or list being filled. */
    struct Frame
    {
        Node node;
        int column = 0;
        bool expectKey = true; // maps: the next scalar is a key
        QString key;
        int itemLine = 0;                // where the current item started
        std::optional<Node> lineComment; // the comment on that line, after the value
        QByteArray anchor;
        qsizetype size = 1; // nodes in this subtree, aliases expanded
    };

    QList<SourceComment> m_comments;
    qsizetype m_next = 0;
    qsizetype m_budget;
    QList<Frame> m_stack;
    QHash<QByteArray, std::pair<Node, qsizetype>> m_anchors; // node and its size
    std::optional<Node> m_document;
    int m_documents = 0;
    QString m_error;

    void takeHeadComments(Node &into, int line, int minColumn);
    std::optional<Node> takeLineComment(int line);
    static void addComment(Node &container, Node comment);
    bool startItem(int line, int column);
    bool finishValue(Node value, const QByteArray &anchor, qsizetype size);
    bool onEvent(const yaml_event_t &event);
    static Node scalarOf(const yaml_event_t &event);
    bool fail(const yaml_mark_t &mark, const QString &message);
};

void Builder::takeHeadComments(Node &into, int line, int minColumn)
{
    while (m_next < m_comments.size() && m_comments[m_next].line < line &&
           m_comments[m_next].column >= minColumn) {
        const SourceComment &c = m_comments[m_next++];
        addComment(into, Node::comment(c.text, !c.wholeLine));
    }
}

std::optional<Node> Builder::takeLineComment(int line)
{
    if (m_next < m_comments.size() && m_comments[m_next].line == line &&
        !m_comments[m_next].wholeLine)
        return Node::comment(m_comments[m_next++].text, true);
    return std::nullopt;
}

void Builder::addComment(Node &container, Node comment)
{
    if (container.kind == Node::Kind::Map)
        container.map.append({QString(), std::move(comment)});
    else
        container.list << std::move(comment);
}

bool Builder::fail(const yaml_mark_t &mark, const QString &message)
{
    m_error = QStringLiteral("%1:%2: %3").arg(mark.line + 1).arg(mark.column + 1).arg(message);
    return false;
}

/** Head comments above an item go into its container; its line comment waits for the value. */
bool Builder::startItem(int line, int column)
{
    Q_UNUSED(column)
    Frame &top = m_stack.last();
    takeHeadComments(top.node, line, top.column);
    top.itemLine = line;
    top.lineComment = takeLineComment(line);
    return true;
}

bool Builder::finishValue(Node value, const QByteArray &anchor, qsizetype size)
{
    if (!anchor.isEmpty())
        m_anchors.insert(anchor, {value, size});
    if (m_stack.isEmpty()) {
        m_document = std::move(value);
        return true;
    }
    Frame &top = m_stack.last();
    top.size += size;
    if (top.node.kind == Node::Kind::Map) {
        top.node.map.append({top.key, std::move(value)});
        top.expectKey = true;
    } else {
        top.node.list << std::move(value);
    }
    if (top.lineComment) {
        addComment(top.node, *top.lineComment);
        top.lineComment.reset();
    }
    return true;
}

Node Builder::scalarOf(const yaml_event_t &event)
{
    const auto &s = event.data.scalar;
    const QString text =
        QString::fromUtf8(reinterpret_cast<const char *>(s.value), qsizetype(s.length));
    const QByteArray tag = s.tag ? QByteArray(reinterpret_cast<const char *>(s.tag)) : QByteArray();
    if (tag == "tag:yaml.org,2002:binary")
        return Node::scalar(QStringLiteral("str"), QByteArray::fromBase64(text.toLatin1()));
    if (tag == "!" || tag == "tag:yaml.org,2002:str" ||
        (tag.isEmpty() && s.style != YAML_PLAIN_SCALAR_STYLE))
        return Node::scalar(QStringLiteral("str"), text.toUtf8());
    return resolvePlain(text); // plain, or !!int, !!float, !!bool...: resolved the same way here
}

bool Builder::onEvent(const yaml_event_t &event)
{
    const yaml_mark_t &mark = event.start_mark;
    const auto isKey = [this] {
        return !m_stack.isEmpty() && m_stack.last().node.kind == Node::Kind::Map &&
               m_stack.last().expectKey;
    };
    const auto anchorOf = [](const yaml_char_t *anchor) {
        return anchor ? QByteArray(reinterpret_cast<const char *>(anchor)) : QByteArray();
    };
    switch (event.type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++m_documents > 1)
            return fail(mark, QStringLiteral("a second YAML document; only single-document files "
                                             "are supported"));
        return true;
    case YAML_SCALAR_EVENT:
    case YAML_ALIAS_EVENT: {
        if (--m_budget < 0)
            return fail(mark, QStringLiteral("aliases expand to far more values than the file "
                                             "holds; refused"));
        if (isKey()) {
            if (event.type == YAML_ALIAS_EVENT)
                return fail(mark, QStringLiteral("an alias as a key is not supported"));
            Frame &top = m_stack.last();
            startItem(int(mark.line), int(mark.column));
            top.key = QString::fromUtf8(reinterpret_cast<const char *>(event.data.scalar.value),
                                        qsizetype(event.data.scalar.length));
            top.expectKey = false;
            return true;
        }
        if (!m_stack.isEmpty() && m_stack.last().node.kind == Node::Kind::List)
            startItem(int(mark.line), int(mark.column));
        if (event.type == YAML_ALIAS_EVENT) {
            const auto found = m_anchors.constFind(anchorOf(event.data.alias.anchor));
            if (found == m_anchors.cend())
                return fail(mark, QStringLiteral("unknown alias"));
            m_budget -= found->second;
            if (m_budget < 0)
                return fail(mark, QStringLiteral("aliases expand to far more values than the file "
                                                 "holds; refused"));
            return finishValue(found->first, {}, found->second);
        }
        const auto &s = event.data.scalar;
        const bool null = s.style == YAML_PLAIN_SCALAR_STYLE && !s.tag &&
                          resolvePlain(QString::fromUtf8(reinterpret_cast<const char *>(s.value),
                                                         qsizetype(s.length)))
                                  .kind == Node::Kind::Null;
        return finishValue(null ? Node() : scalarOf(event), anchorOf(s.anchor), 1);
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (isKey())
            return fail(mark, QStringLiteral("keys must be strings"));
        if (m_stack.size() >= 200)
            return fail(mark, QStringLiteral("nested too deeply"));
        if (--m_budget < 0)
            return fail(mark, QStringLiteral("aliases expand to far more values than the file "
                                             "holds; refused"));
        if (!m_stack.isEmpty() && m_stack.last().node.kind == Node::Kind::List)
            startItem(int(mark.line), int(mark.column));
        Frame frame;
        const bool map = event.type == YAML_MAPPING_START_EVENT;
        frame.node.kind = map ? Node::Kind::Map : Node::Kind::List;
        frame.column = int(mark.column);
        frame.anchor =
            anchorOf(map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor);
        m_stack.append(std::move(frame));
        return true;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        Frame frame = m_stack.takeLast();
        // Foot comments: above the next item of the parent, indented with this container.
        takeHeadComments(frame.node,
                         m_stack.isEmpty() ? std::numeric_limits<int>::max() : int(mark.line),
                         frame.column);
        return finishValue(std::move(frame.node), frame.anchor, frame.size);
    }
    default:
        return true;
    }
}

Result<Node> Builder::run(const QByteArray &text)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char *>(text.constData()),
                                 size_t(text.size()));
    bool ok = true;
    for (bool done = false; ok && !done;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            m_error = QStringLiteral("%1:%2: %3")
                          .arg(parser.problem_mark.line + 1)
                          .arg(parser.problem_mark.column + 1)
                          .arg(QString::fromUtf8(parser.problem ? parser.problem : "not YAML"));
            ok = false;
            break;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        ok = onEvent(event);
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    if (!ok)
        return Result<Node>::failure(m_error, QStringLiteral("format"));
    Node root = m_document.value_or(Node());
    if (root.kind == Node::Kind::Map)
        takeHeadComments(root, std::numeric_limits<int>::max(), 0); // the file's foot comments
    return root;
}

} // namespace

Result<Node> parse(const QByteArray &text)
{
    return Builder(scanComments(text), 4 * text.size() + 1000).run(text);
}

} // namespace Opsdeck::Sops::Yaml
