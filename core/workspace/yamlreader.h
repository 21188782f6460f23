// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "diagnostic.h"
#include "workspace.h"

#include <yaml-cpp/yaml.h>

#include <QStringList>

#include <optional>

namespace Opsdeck {

/**
 * Typed reads from a yaml-cpp tree that report problems with the node's position and its
 * dotted path ("environments.production.hosts[1]"). Every read either returns a value or
 * records exactly one diagnostic, so callers never need to check twice.
 */
class YamlReader final
{
public:
    YamlReader(QString file, QString baseDirectory, Diagnostics *diagnostics);

    void error(const YAML::Node &node, const QString &path, const QString &message);
    void warning(const YAML::Node &node, const QString &path, const QString &message);

    /** Warns about keys not in `known`, errors on duplicate keys. False if `node` is not a map. */
    bool checkMap(const YAML::Node &node, const QString &path, const QStringList &known);

    std::optional<QString> string(const YAML::Node &node, const QString &path);
    /** A local path, resolved against the workspace; an existing file must be trusted
     * (checkTrustedFile), else it is an error at the node. */
    std::optional<QString> path(const YAML::Node &node, const QString &path);
    /** Reports an error at `node` if the existing local file `resolved` is not trusted. */
    void requireTrusted(const YAML::Node &node, const QString &keyPath, const QString &resolved);
    /** A remote command: like string(), but run-time variables (${REV}, ...) stay in place. */
    std::optional<QString> command(const YAML::Node &node, const QString &path);
    std::optional<QStringList> commandList(const YAML::Node &node, const QString &path);
    /** "1s", "500ms", "2m" or a number of seconds, as milliseconds. */
    std::optional<int> duration(const YAML::Node &node, const QString &path);
    std::optional<int> integer(const YAML::Node &node, const QString &path, int min, int max);
    std::optional<bool> boolean(const YAML::Node &node, const QString &path);
    /** A sequence of strings; a single string is accepted as a one-element list. */
    std::optional<QStringList> stringList(const YAML::Node &node, const QString &path);
    /** Any scalar/sequence/map as a QVariant (for blocks typed by later modules). */
    QVariant variant(const YAML::Node &node, const QString &path);
    QVariantMap variantMap(const YAML::Node &node, const QString &path, const QStringList &known);

    static SourcePosition position(const YAML::Node &node);
    static QString key(const YAML::detail::iterator_value &entry);

    const QString &baseDirectory() const { return m_baseDirectory; }

private:
    QString expand(const YAML::Node &node, const QString &path, const QString &raw,
                   const QStringList &keepLiteral = {});
    void add(Diagnostic::Severity severity, const YAML::Node &node, const QString &path,
             const QString &message);

    QString m_file;
    QString m_baseDirectory;
    Diagnostics *m_diagnostics;
};

/** "a, b, c" for messages such as "(known: web1, web2)". */
QString joinedNames(const QStringList &names);

} // namespace Opsdeck
