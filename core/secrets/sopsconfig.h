// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck::Sops {

/** One `creation_rules` entry of a `.sops.yaml` (the parts Opsdeck uses: age keys and the rule). */
struct CreationRule
{
    QString pathRegex; // empty: matches every file
    QStringList age;
    QString unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex;
    bool macOnlyEncrypted = false;
};

struct SopsConfig
{
    QString path; // the .sops.yaml
    QList<CreationRule> rules;

    /** `SOPS_CONFIG`, else the first .sops.yaml walking up from `directory` (as sops does, from the
     * cwd). */
    static Result<SopsConfig> find(const QString &directory);
    static Result<SopsConfig> load(const QString &path);
    /** The first rule whose path_regex finds `file` (relative to the config's directory when under
     * it). */
    Result<CreationRule> ruleFor(const QString &file) const;
};

} // namespace Opsdeck::Sops
