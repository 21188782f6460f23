// SPDX-License-Identifier: GPL-3.0-or-later
// The YAML store (reading): yaml-cpp for the structure, go-yaml v3's rules for typing plain
// scalars, because the bytes sops encrypts and hashes follow them (`0x1F` is the int 31).
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

/** go-yaml v3 resolve() for a plain (unquoted, untagged) scalar. */
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

Result<Node> convert(const YAML::Node &y, int depth)
{
    if (depth > 200)
        return Result<Node>::failure(QStringLiteral("nested too deeply"), QStringLiteral("format"));
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
    case YAML::NodeType::Sequence: {
        Node list;
        list.kind = Node::Kind::List;
        for (const YAML::Node &item : y) {
            Result<Node> child = convert(item, depth + 1);
            if (!child)
                return child;
            list.list << *child;
        }
        return list;
    }
    case YAML::NodeType::Map: {
        Node map;
        map.kind = Node::Kind::Map;
        for (const auto &item : y) {
            if (!item.first.IsScalar())
                return Result<Node>::failure(
                    QStringLiteral("line %1: keys must be strings").arg(item.first.Mark().line + 1),
                    QStringLiteral("format"));
            Result<Node> child = convert(item.second, depth + 1);
            if (!child)
                return child;
            map.map.append({QString::fromStdString(item.first.Scalar()), *child});
        }
        return map;
    }
    }
    return Node();
}

void emitNode(YAML::Emitter &out, const Node &node)
{
    switch (node.kind) {
    case Node::Kind::Null:
        out << YAML::Null;
        return;
    case Node::Kind::Scalar:
        if (node.type == QLatin1String("bool")) {
            out << (node.text == "True" ? "true" : "false");
        } else if (node.type != QLatin1String("str")) {
            out << node.text.toStdString();
        } else {
            // A string that would read back as something else (or not at all) is quoted.
            const QString text = QString::fromUtf8(node.text);
            const bool ambiguous = text.isEmpty() ||
                                   resolvePlain(text).type != QLatin1String("str") ||
                                   text != text.trimmed();
            if (ambiguous)
                out << YAML::DoubleQuoted;
            else if (text.contains(QLatin1Char('\n')))
                out << YAML::Literal;
            out << text.toStdString();
        }
        return;
    case Node::Kind::Map:
        out << YAML::BeginMap;
        for (const auto &[key, value] : node.map) {
            out << YAML::Key << key.toStdString() << YAML::Value;
            emitNode(out, value);
        }
        out << YAML::EndMap;
        return;
    case Node::Kind::List:
        out << YAML::BeginSeq;
        for (const Node &item : node.list)
            emitNode(out, item);
        out << YAML::EndSeq;
        return;
    }
}

} // namespace

Result<Node> parse(const QByteArray &text)
{
    try {
        const std::vector<YAML::Node> documents = YAML::LoadAll(text.toStdString());
        if (documents.size() != 1)
            return Result<Node>::failure(
                QStringLiteral("%1 YAML documents: only single-document files are read so far")
                    .arg(documents.size()),
                QStringLiteral("format"));
        return convert(documents.front(), 0);
    } catch (const YAML::Exception &e) {
        return Result<Node>::failure(QStringLiteral("%1:%2: %3")
                                         .arg(e.mark.line + 1)
                                         .arg(e.mark.column + 1)
                                         .arg(QString::fromStdString(e.msg)),
                                     QStringLiteral("format"));
    }
}

QByteArray write(const Node &node)
{
    YAML::Emitter out;
    out.SetIndent(4);
    emitNode(out, node);
    return QByteArray(out.c_str()) + '\n';
}

} // namespace Opsdeck::Sops::Yaml
