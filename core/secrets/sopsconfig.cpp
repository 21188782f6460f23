// SPDX-License-Identifier: GPL-3.0-or-later
#include "sopsconfig.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace Opsdeck::Sops {

namespace {

QStringList keyList(const YAML::Node &node)
{
    QStringList out;
    if (!node.IsDefined()) // a missing key (yaml-cpp throws on anything else asked of it)
        return out;
    if (node.IsScalar()) {
        for (const QString &item :
             QString::fromStdString(node.Scalar())
                 .split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
            out << item.trimmed();
    } else if (node.IsSequence()) {
        for (const YAML::Node &item : node)
            if (item.IsScalar())
                out << QString::fromStdString(item.Scalar()).trimmed();
    }
    out.removeDuplicates();
    return out;
}

QString text(const YAML::Node &rule, const char *key)
{
    const YAML::Node value = rule[key];
    return value && value.IsScalar() ? QString::fromStdString(value.Scalar()) : QString();
}

} // namespace

Result<SopsConfig> SopsConfig::find(const QString &directory)
{
    if (qEnvironmentVariableIsSet("SOPS_CONFIG"))
        return load(qEnvironmentVariable("SOPS_CONFIG"));
    QDir dir(directory);
    for (int level = 0; level < 100; ++level) {
        if (dir.exists(QStringLiteral(".sops.yaml")))
            return load(dir.filePath(QStringLiteral(".sops.yaml")));
        if (!dir.cdUp())
            break;
    }
    return Result<SopsConfig>::failure(
        QStringLiteral("no .sops.yaml in %1 or above").arg(directory));
}

Result<SopsConfig> SopsConfig::load(const QString &path)
{
    using R = Result<SopsConfig>;
    SopsConfig config;
    config.path = QFileInfo(path).absoluteFilePath();
    try {
        const YAML::Node root = YAML::LoadFile(path.toStdString());
        const YAML::Node rules = root["creation_rules"];
        if (rules && !rules.IsSequence())
            return R::failure(QStringLiteral("%1: creation_rules must be a list").arg(path));
        for (const YAML::Node &r : rules) {
            CreationRule rule;
            rule.pathRegex = text(r, "path_regex");
            rule.age = keyList(r["age"]);
            if (const YAML::Node groups = r["key_groups"];
                groups && groups.IsSequence() && groups.size() > 0) {
                if (groups.size() > 1)
                    return R::failure(
                        QStringLiteral("%1:%2: several key groups (Shamir) are not supported yet")
                            .arg(path)
                            .arg(groups.Mark().line + 1));
                rule.age = keyList(groups[0]["age"]); // key_groups replace the rule's own keys
            }
            rule.unencryptedSuffix = text(r, "unencrypted_suffix");
            rule.encryptedSuffix = text(r, "encrypted_suffix");
            rule.unencryptedRegex = text(r, "unencrypted_regex");
            rule.encryptedRegex = text(r, "encrypted_regex");
            rule.macOnlyEncrypted = text(r, "mac_only_encrypted") == QLatin1String("true");
            const int set = !rule.unencryptedSuffix.isEmpty() + !rule.encryptedSuffix.isEmpty() +
                            !rule.unencryptedRegex.isEmpty() + !rule.encryptedRegex.isEmpty();
            if (set > 1)
                return R::failure(
                    QStringLiteral("%1:%2: a creation rule may set only one of unencrypted_suffix, "
                                   "encrypted_suffix, unencrypted_regex, encrypted_regex")
                        .arg(path)
                        .arg(r.Mark().line + 1));
            config.rules << rule;
        }
    } catch (const YAML::Exception &e) {
        return R::failure(QStringLiteral("%1:%2:%3: %4")
                              .arg(path)
                              .arg(e.mark.line + 1)
                              .arg(e.mark.column + 1)
                              .arg(QString::fromStdString(e.msg)));
    }
    return config;
}

Result<CreationRule> SopsConfig::ruleFor(const QString &file) const
{
    QString target = QFileInfo(file).absoluteFilePath();
    const QString base = QFileInfo(path).absolutePath() + QLatin1Char('/');
    if (target.startsWith(base))
        target = target.mid(base.size());
    for (const CreationRule &rule : rules)
        if (rule.pathRegex.isEmpty() || QRegularExpression(rule.pathRegex).match(target).hasMatch())
            return rule;
    return Result<CreationRule>::failure(
        QStringLiteral("no matching creation rules found (in %1)").arg(path));
}

} // namespace Opsdeck::Sops
