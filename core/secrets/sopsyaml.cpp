// SPDX-License-Identifier: GPL-3.0-or-later
// The YAML store (reading): yaml-cpp for the structure, go-yaml v3's rules for typing plain
// scalars, because the bytes sops encrypts and hashes follow them (`0x1F` is the int 31), and a
// comment scanner, because yaml-cpp drops comments and sops encrypts them.
#include "sopsyaml.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

#include <yaml-cpp/yaml.h>

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

/** A `#` comment of the source, found by scanning its lines (yaml-cpp does not keep them). */
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
    const QList<QByteArray> lines = text.split('\n');
    for (int n = 0; n < lines.size(); ++n) {
        QByteArray line = lines.at(n);
        if (line.endsWith('\r'))
            line.chop(1);
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

/** yaml-cpp's tree to a sops tree, with each source comment put back where sops puts it. */
class Converter
{
public:
    /** `budget`: how many nodes the tree may have. Aliases are expanded, so a small file can
     * describe an enormous tree ("billion laughs"); past the budget it is refused. */
    Converter(QList<SourceComment> comments, qsizetype budget)
        : m_comments(std::move(comments))
        , m_budget(budget)
    {}

    Result<Node> document(const YAML::Node &root)
    {
        Result<Node> node = convert(root, 0, std::numeric_limits<int>::max(), 0);
        if (node && node->kind == Node::Kind::Map)
            takeHeadComments(node.value(), std::numeric_limits<int>::max(), 0); // foot comments
        return node;
    }

private:
    QList<SourceComment> m_comments;
    qsizetype m_next = 0;
    qsizetype m_budget;

    /** Whole-line comments above `line` (and indented at least `minColumn`) go into `into`. */
    void takeHeadComments(Node &into, int line, int minColumn)
    {
        while (m_next < m_comments.size() && m_comments[m_next].line < line &&
               m_comments[m_next].column >= minColumn) {
            const SourceComment &c = m_comments[m_next++];
            add(into, Node::comment(c.text, !c.wholeLine));
        }
    }
    std::optional<Node> takeLineComment(int line)
    {
        if (m_next < m_comments.size() && m_comments[m_next].line == line &&
            !m_comments[m_next].wholeLine)
            return Node::comment(m_comments[m_next++].text, true);
        return std::nullopt;
    }
    static void add(Node &container, Node comment)
    {
        if (container.kind == Node::Kind::Map)
            container.map.append({QString(), std::move(comment)});
        else
            container.list << std::move(comment);
    }

    Result<Node> convert(const YAML::Node &y, int depth, int endLine, int column);
    Result<Node> convertMap(const YAML::Node &y, int depth, int endLine);
    Result<Node> convertList(const YAML::Node &y, int depth, int endLine);
};

Result<Node> Converter::convert(const YAML::Node &y, int depth, int endLine, int column)
{
    Q_UNUSED(column)
    if (depth > 200)
        return Result<Node>::failure(QStringLiteral("nested too deeply"), QStringLiteral("format"));
    if (--m_budget < 0)
        return Result<Node>::failure(QStringLiteral("%1:%2: aliases expand to far more values than "
                                                    "the file holds; refused")
                                         .arg(y.Mark().line + 1)
                                         .arg(y.Mark().column + 1),
                                     QStringLiteral("format"));
    switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        return Node();
    case YAML::NodeType::Scalar: {
        const QString text = QString::fromStdString(y.Scalar());
        const std::string &tag = y.Tag();
        if (tag == "?")
            return resolvePlain(text);
        if (tag == "tag:yaml.org,2002:binary")
            return Node::scalar(QStringLiteral("str"), QByteArray::fromBase64(text.toLatin1()));
        if (tag == "!" || tag == "tag:yaml.org,2002:str")
            return Node::scalar(QStringLiteral("str"), text.toUtf8());
        return resolvePlain(text); // !!int, !!float, !!bool...: resolved the same way here
    }
    case YAML::NodeType::Sequence:
        return convertList(y, depth, endLine);
    case YAML::NodeType::Map:
        return convertMap(y, depth, endLine);
    }
    return Node();
}

Result<Node> Converter::convertMap(const YAML::Node &y, int depth, int endLine)
{
    Node map;
    map.kind = Node::Kind::Map;
    const int column = y.begin() != y.end() ? y.begin()->first.Mark().column : 0;
    for (auto it = y.begin(); it != y.end(); ++it) {
        const YAML::Node key = it->first; // copies: the iterator hands out temporaries
        const YAML::Node value = it->second;
        if (!key.IsScalar())
            return Result<Node>::failure(QStringLiteral("%1:%2: keys must be strings")
                                             .arg(key.Mark().line + 1)
                                             .arg(key.Mark().column + 1),
                                         QStringLiteral("format"));
        const int line = key.Mark().line;
        takeHeadComments(map, line, column);
        const std::optional<Node> lineComment = takeLineComment(line);
        auto next = std::next(it);
        const int nextLine = next != y.end() ? next->first.Mark().line : endLine;
        Result<Node> child = convert(value, depth + 1, nextLine, column);
        if (!child)
            return child;
        map.map.append({QString::fromStdString(key.Scalar()), std::move(*child)});
        if (lineComment)
            map.map.append({QString(), *lineComment});
        if (const auto after = takeLineComment(value.Mark().line))
            map.map.append({QString(), *after});
    }
    takeHeadComments(map, endLine, column); // the map's foot comments, indented with its keys
    return map;
}

Result<Node> Converter::convertList(const YAML::Node &y, int depth, int endLine)
{
    Node list;
    list.kind = Node::Kind::List;
    const int column = y.begin() != y.end() ? qMax(0, y.begin()->Mark().column - 2) : 0;
    for (auto it = y.begin(); it != y.end(); ++it) {
        const int line = it->Mark().line;
        takeHeadComments(list, line, column);
        auto next = std::next(it);
        Result<Node> child =
            convert(*it, depth + 1, next != y.end() ? next->Mark().line : endLine, column);
        if (!child)
            return child;
        list.list << std::move(*child);
        if (const auto after = takeLineComment(line))
            list.list << *after;
    }
    takeHeadComments(list, endLine, column);
    return list;
}

} // namespace

/** The line of a second document's `---`, or 0. Counted here because yaml-cpp's LoadAll() loops
 * forever on some malformed input (a stray top-level ',') where Load() does not. */
int secondDocumentLine(const QByteArray &text)
{
    bool content = false;
    int n = 0;
    for (const QByteArray &line : text.split('\n')) {
        ++n;
        const QByteArray trimmed = line.trimmed();
        if (line.startsWith("---") &&
            (line.size() == 3 || line.at(3) == ' ' || line.at(3) == '\r')) {
            if (content)
                return n;
            content = true; // "--- value" or a document that follows
            continue;
        }
        if (!trimmed.isEmpty() && !trimmed.startsWith('#') && !line.startsWith('%'))
            content = true;
    }
    return 0;
}

/** Only comments, blank lines, document markers or an explicit null. */
bool isEmptyDocument(const QByteArray &text)
{
    static const QList<QByteArray> nulls = {"~", "null", "Null", "NULL", "---", "...", "--- ~"};
    for (const QByteArray &line : text.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (!trimmed.isEmpty() && !trimmed.startsWith('#') && !nulls.contains(trimmed))
            return false;
    }
    return true;
}

Result<Node> parse(const QByteArray &text)
{
    try {
        if (const int line = secondDocumentLine(text))
            return Result<Node>::failure(
                QStringLiteral("%1:1: a second YAML document; only single-document files are "
                               "supported")
                    .arg(line),
                QStringLiteral("format"));
        const YAML::Node document = YAML::Load(text.toStdString());
        if (document.IsNull() && !isEmptyDocument(text)) // yaml-cpp gives up silently on some junk
            return Result<Node>::failure(QStringLiteral("1:1: not a YAML document"),
                                         QStringLiteral("format"));
        return Converter(scanComments(text), 4 * text.size() + 1000).document(document);
    } catch (const YAML::Exception &e) {
        return Result<Node>::failure(QStringLiteral("%1:%2: %3")
                                         .arg(e.mark.line + 1)
                                         .arg(e.mark.column + 1)
                                         .arg(QString::fromStdString(e.msg)),
                                     QStringLiteral("format"));
    }
}

} // namespace Opsdeck::Sops::Yaml
