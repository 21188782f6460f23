// SPDX-License-Identifier: GPL-3.0-or-later
#include "yamlreader.h"

#include "common/filetrust.h"
#include "expansion.h"

#include <QSet>

namespace Opsdeck {

namespace {

QString nodeKind(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return QStringLiteral("a mapping");
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Null:
        return QStringLiteral("nothing");
    case YAML::NodeType::Scalar:
        return QStringLiteral("'%1'").arg(QString::fromStdString(node.Scalar()));
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

} // namespace

QString joinedNames(const QStringList &names)
{
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

YamlReader::YamlReader(QString file, QString baseDirectory, Diagnostics *diagnostics)
    : m_file(std::move(file))
    , m_baseDirectory(std::move(baseDirectory))
    , m_diagnostics(diagnostics)
{}

SourcePosition YamlReader::position(const YAML::Node &node)
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null())
        return {};
    return {mark.line + 1, mark.column + 1};
}

QString YamlReader::key(const YAML::detail::iterator_value &entry)
{
    return entry.first.IsScalar() ? QString::fromStdString(entry.first.Scalar()) : QString();
}

void YamlReader::add(Diagnostic::Severity severity, const YAML::Node &node, const QString &path,
                     const QString &message)
{
    const SourcePosition pos = position(node);
    const QString text = path.isEmpty() ? message : path + QStringLiteral(": ") + message;
    m_diagnostics->append(Diagnostic{severity, m_file, pos.line, pos.column, text});
}

void YamlReader::error(const YAML::Node &node, const QString &path, const QString &message)
{
    add(Diagnostic::Severity::Error, node, path, message);
}

void YamlReader::warning(const YAML::Node &node, const QString &path, const QString &message)
{
    add(Diagnostic::Severity::Warning, node, path, message);
}

bool YamlReader::checkMap(const YAML::Node &node, const QString &path, const QStringList &known)
{
    if (!node.IsMap()) {
        error(node, path, QStringLiteral("expected a mapping, got %1").arg(nodeKind(node)));
        return false;
    }
    QSet<QString> seen;
    for (const auto &entry : node) {
        const QString name = key(entry);
        const QString keyPath = path.isEmpty() ? name : path + QLatin1Char('.') + name;
        if (seen.contains(name))
            error(entry.first, keyPath, QStringLiteral("duplicate key '%1'").arg(name));
        seen.insert(name);
        if (!known.isEmpty() && !known.contains(name))
            warning(entry.first, path.isEmpty() ? QString() : path,
                    QStringLiteral("unknown key '%1' (known: %2)").arg(name, joinedNames(known)));
    }
    return true;
}

QString YamlReader::expand(const YAML::Node &node, const QString &path, const QString &raw,
                           const QStringList &keepLiteral)
{
    QStringList unset, refused;
    const QString value = expandVariables(raw, &unset, keepLiteral, &refused);
    for (const QString &name : unset)
        warning(
            node, path,
            QStringLiteral("environment variable '%1' is not set; using an empty value").arg(name));
    // In a remote command, ${NAME} is left to the host's shell; elsewhere it is refused, so a
    // workspace cannot send the operator's environment to a server it names.
    if (keepLiteral.isEmpty())
        for (const QString &name : refused)
            error(node, path,
                  QStringLiteral("${%1}: a workspace may read only OPSDECK_* variables (and HOME, "
                                 "USER, LOGNAME) from your environment; export it as "
                                 "OPSDECK_%1 if it is meant to be read")
                      .arg(name));
    return value;
}

std::optional<QString> YamlReader::string(const YAML::Node &node, const QString &path)
{
    if (!node.IsScalar()) {
        error(node, path, QStringLiteral("expected a string, got %1").arg(nodeKind(node)));
        return std::nullopt;
    }
    return expand(node, path, QString::fromStdString(node.Scalar()));
}

std::optional<QString> YamlReader::command(const YAML::Node &node, const QString &path)
{
    if (!node.IsScalar()) {
        error(node, path, QStringLiteral("expected a command string, got %1").arg(nodeKind(node)));
        return std::nullopt;
    }
    return expand(node, path, QString::fromStdString(node.Scalar()), commandVariableNames());
}

std::optional<QStringList> YamlReader::commandList(const YAML::Node &node, const QString &path)
{
    if (node.IsScalar()) {
        std::optional<QString> one = command(node, path);
        return one ? std::optional<QStringList>(QStringList{*one}) : std::nullopt;
    }
    if (!node.IsSequence()) {
        error(node, path,
              QStringLiteral("expected a list of commands, got %1").arg(nodeKind(node)));
        return std::nullopt;
    }
    QStringList values;
    for (std::size_t i = 0; i < node.size(); ++i) {
        std::optional<QString> item = command(node[i], QStringLiteral("%1[%2]").arg(path).arg(i));
        if (!item)
            return std::nullopt;
        values << *item;
    }
    return values;
}

std::optional<int> YamlReader::duration(const YAML::Node &node, const QString &path)
{
    std::optional<QString> text = string(node, path);
    if (!text)
        return std::nullopt;
    static const QList<QPair<QString, int>> units = {{QStringLiteral("ms"), 1},
                                                     {QStringLiteral("s"), 1000},
                                                     {QStringLiteral("m"), 60000},
                                                     {QStringLiteral("h"), 3600000}};
    QString number = text->trimmed();
    int factor = 1000;
    for (const auto &[suffix, ms] : units) {
        if (number.endsWith(suffix)) {
            number.chop(suffix.size());
            factor = ms;
            break;
        }
    }
    bool ok = false;
    const double value = number.toDouble(&ok);
    if (!ok || value < 0 || value * factor > 24.0 * 3600 * 1000) {
        error(node, path,
              QStringLiteral("expected a duration such as 500ms, 5s or 2m, got '%1'").arg(*text));
        return std::nullopt;
    }
    return int(value * factor);
}

std::optional<QString> YamlReader::path(const YAML::Node &node, const QString &keyPath)
{
    std::optional<QString> text = string(node, keyPath);
    if (!text || text->isEmpty())
        return text;
    // Variables were expanded (and reported) by string(); only the base directory is left to apply.
    const QString resolved = expandPath(*text, m_baseDirectory);
    requireTrusted(node, keyPath, resolved);
    return resolved;
}

void YamlReader::requireTrusted(const YAML::Node &node, const QString &keyPath,
                                const QString &resolved)
{
    if (const Status trusted = checkTrustedFile(resolved, QStringLiteral("file")); !trusted)
        error(node, keyPath, trusted.errorString());
}

std::optional<int> YamlReader::integer(const YAML::Node &node, const QString &path, int min,
                                       int max)
{
    std::optional<QString> text = string(node, path);
    if (!text)
        return std::nullopt;
    bool ok = false;
    const int value = text->toInt(&ok);
    if (!ok) {
        error(node, path, QStringLiteral("expected a whole number, got '%1'").arg(*text));
        return std::nullopt;
    }
    if (value < min || value > max) {
        error(node, path,
              QStringLiteral("%1 is out of range (%2 to %3)").arg(value).arg(min).arg(max));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> YamlReader::boolean(const YAML::Node &node, const QString &path)
{
    std::optional<QString> text = string(node, path);
    if (!text)
        return std::nullopt;
    const QString lower = text->toLower();
    if (lower == QLatin1String("true") || lower == QLatin1String("yes") ||
        lower == QLatin1String("on"))
        return true;
    if (lower == QLatin1String("false") || lower == QLatin1String("no") ||
        lower == QLatin1String("off"))
        return false;
    error(node, path, QStringLiteral("expected true or false, got '%1'").arg(*text));
    return std::nullopt;
}

std::optional<QStringList> YamlReader::stringList(const YAML::Node &node, const QString &path)
{
    if (node.IsScalar()) {
        std::optional<QString> one = string(node, path);
        return one ? std::optional<QStringList>(QStringList{*one}) : std::nullopt;
    }
    if (!node.IsSequence()) {
        error(node, path, QStringLiteral("expected a list, got %1").arg(nodeKind(node)));
        return std::nullopt;
    }
    QStringList values;
    bool ok = true;
    for (std::size_t i = 0; i < node.size(); ++i) {
        std::optional<QString> item = string(node[i], QStringLiteral("%1[%2]").arg(path).arg(i));
        if (item)
            values << *item;
        else
            ok = false;
    }
    return ok ? std::optional<QStringList>(values) : std::nullopt;
}

QVariant YamlReader::variant(const YAML::Node &node, const QString &path)
{
    if (node.IsScalar())
        return expand(node, path, QString::fromStdString(node.Scalar()));
    if (node.IsSequence()) {
        QVariantList list;
        for (std::size_t i = 0; i < node.size(); ++i)
            list << variant(node[i], QStringLiteral("%1[%2]").arg(path).arg(i));
        return list;
    }
    if (node.IsMap())
        return variantMap(node, path, {});
    return {};
}

QVariantMap YamlReader::variantMap(const YAML::Node &node, const QString &path,
                                   const QStringList &known)
{
    QVariantMap map;
    if (!checkMap(node, path, known))
        return map;
    for (const auto &entry : node) {
        const QString name = key(entry);
        map.insert(name, variant(entry.second, path + QLatin1Char('.') + name));
    }
    return map;
}

} // namespace Opsdeck
